/**
 * Junk for a swarm (issue 9, "Junk flood"): payloads of six kinds that a receiver must count and
 * drop, stored straight into an account's swarm with direct storage RPCs (namespace 0 takes
 * unsigned stores from anyone). Used by src/core/junk-flood.devnet.test.ts and e2e/junk-flood.spec.ts.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { storageRpc } from '../devnet/testing/https-client.ts';
import { fromHex, toBase64 } from '../wasm/bytes.ts';
import type { Identity } from '../wasm/identity.ts';
import { padMessage } from '../wasm/padding.ts';
import { sodium } from '../wasm/sodium.ts';
import { encodeContent, encodeEnvelope, encodeWebSocketMessage } from '../src/core/protocol/messages.ts';
import { wrapForRecipient } from '../src/core/protocol/message-pipeline.ts';
import { randomIdentity } from './identities.ts';

/** The storage server's most sub-requests in one `batch`. */
const BATCH_SIZE = 20;
/** Batches stored at once. */
const STORE_CONCURRENCY = 4;

/** Random bytes (node's generator: libsodium's is slow for large buffers under Node). */
const noise = (length: number) => new Uint8Array(randomBytes(length));

/** The X25519 key a Session ID names ("05" + hex). */
const x25519Of = (sessionId: string) => fromHex(sessionId.slice(2));

const stored = (body: Uint8Array) => encodeWebSocketMessage({ type: 'request', request: { body } });
const envelope = (content: Uint8Array, timestamp: number) => stored(encodeEnvelope({ type: 'session_message', timestamp, content }));

/**
 * The junk kinds, each as the swarm would hold it, for a recipient `to`; `forger` is some other
 * account. Each call gives new bytes (hence a new swarm hash).
 */
export const junkKinds: Record<string, (to: string, forger: Identity) => Uint8Array> = {
  randomBytes: () => noise(randomInt(1, 401)),
  // A well-framed envelope whose box opens for the recipient, signed for another recipient key.
  badSignature: (to, forger) => {
    const timestamp = Date.now();
    const padded = padMessage(encodeContent({ dataMessage: { body: 'forged' }, sigTimestamp: timestamp }));
    const other = randomIdentity().x25519PublicKey;
    const signature = sodium().crypto_sign_detached(new Uint8Array([...padded, ...forger.ed25519PublicKey, ...other]), forger.ed25519SecretKey);
    const box = sodium().crypto_box_seal(new Uint8Array([...padded, ...forger.ed25519PublicKey, ...signature]), x25519Of(to));
    return envelope(box, timestamp);
  },
  // A real message to the recipient, cut in the middle of its protobuf.
  truncatedProtobuf: (to, forger) => {
    const whole = wrapForRecipient({ content: { dataMessage: { body: 'cut short' } }, sender: forger, recipientSessionId: to, timestamp: Date.now() }).data;
    return whole.subarray(0, Math.floor(whole.length / 2));
  },
  // An envelope whose content is too short to be a sealed box.
  tooShortBox: () => envelope(noise(20), Date.now()),
  // A large payload (12 KiB of noise): within the server's limit, far beyond any real text message.
  oversized: () => noise(12 * 1024),
  // A valid message sealed for someone else.
  sealedForAnother: (_to, forger) =>
    wrapForRecipient({ content: { dataMessage: { body: 'not yours' } }, sender: forger, recipientSessionId: randomIdentity().sessionId, timestamp: Date.now() }).data,
};

/** Stores `payloads` on one swarm member (which hands each to the others), 20 to a `batch`, a few batches at once. */
export async function storeInSwarm(port: number, recipient: string, payloads: readonly Uint8Array[]): Promise<void> {
  const batches: Uint8Array[][] = [];
  for (let i = 0; i < payloads.length; i += BATCH_SIZE) batches.push(payloads.slice(i, i + BATCH_SIZE));
  const worker = async () => {
    for (let batch = batches.shift(); batch !== undefined; batch = batches.shift()) {
      const requests = batch.map((data) => ({
        method: 'store',
        params: { pubkey: recipient, namespace: 0, data: toBase64(data), ttl: 60 * 60_000, timestamp: Date.now() },
      }));
      const answer = await storageRpc(port, { method: 'batch', params: { requests } });
      const results = answer.status === 200 ? (JSON.parse(answer.text) as { results: { code: number }[] }).results : [];
      if (results.length !== batch.length || results.some((r) => r.code !== 200)) throw new Error(`junk store answered ${answer.status}: ${answer.text.slice(0, 200)}`);
    }
  };
  await Promise.all(Array.from({ length: STORE_CONCURRENCY }, worker));
}

/** `count` junk payloads for `recipient`, the kinds in turn. Needs libsodium `ready()`. */
export function junkPayloads(count: number, recipient: string): Uint8Array[] {
  const forger = randomIdentity();
  const kinds = Object.values(junkKinds);
  return Array.from({ length: count }, (_, i) => kinds[i % kinds.length]!(recipient, forger));
}

/** A real text message from `sender` to `recipient`, as the swarm holds it. */
export function realMessage(sender: Identity, recipient: string, body: string, timestamp = Date.now()): Uint8Array {
  return wrapForRecipient({ content: { dataMessage: { body } }, sender, recipientSessionId: recipient, timestamp }).data;
}

/** The HTTPS port of a member of `pubkey`'s swarm, asked of the node on `anyPort` (`get_swarm`). */
export async function swarmMemberPort(anyPort: number, pubkey: string): Promise<number> {
  const answer = await storageRpc(anyPort, { method: 'get_swarm', params: { pubkey } });
  const snodes = answer.status === 200 ? (JSON.parse(answer.text) as { snodes?: { port_https?: unknown }[] }).snodes : undefined;
  const port = snodes?.[0]?.port_https;
  if (typeof port !== 'number') throw new Error(`get_swarm answered ${answer.status}: ${answer.text.slice(0, 200)}`);
  return port;
}
