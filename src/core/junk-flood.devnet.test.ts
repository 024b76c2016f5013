/**
 * The junk flood (issue 9, "Prove it: Junk flood"): 1,000 junk payloads of six kinds stored
 * straight into Bob's swarm (namespace 0 takes unsigned stores from anyone), with 10 real messages
 * from Alice among them. Bob's core then opens and takes the flood in: all 10 messages are shown,
 * in order, each junk payload is counted by its code, and the core answers calls while it works.
 * The event loop's delay during the flood is printed, not asserted.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNetFixture, type NetFixture } from '../../test/net-devnet-fixture.ts';
import { allMessages, openTestCore, swarmMembers, type TestCore } from '../../test/core-devnet.ts';
import { randomIdentity } from '../../test/identities.ts';
import { waitUntil } from '../../test/wait.ts';
import { storageRpc } from '../../devnet/testing/https-client.ts';
import { fromHex, toBase64 } from '../../wasm/bytes.ts';
import type { Identity } from '../../wasm/identity.ts';
import { padMessage } from '../../wasm/padding.ts';
import { ready, sodium } from '../../wasm/sodium.ts';
import type { ReceiveStats } from './api.ts';
import { encodeContent, encodeEnvelope, encodeWebSocketMessage } from './protocol/messages.ts';
import { wrapForRecipient } from './protocol/message-pipeline.ts';

const JUNK = 1_000;
const REAL = 10;
/** The storage server's most sub-requests in one `batch`. */
const BATCH_SIZE = 20;
/** Batches stored at once while flooding. */
const STORE_CONCURRENCY = 4;

let fixture: NetFixture;
const opened: TestCore[] = [];

beforeAll(async () => {
  await ready();
  fixture = await startNetFixture({ nodeCount: 8, swarmCount: 2, rateLimit: false });
});

afterAll(async () => {
  await Promise.all(opened.map((core) => core.close()));
  await fixture?.stop();
});

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
const junkKinds: Record<string, (to: string, forger: Identity) => Uint8Array> = {
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
async function storeJunk(port: number, recipient: string, payloads: readonly Uint8Array[]): Promise<void> {
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

const junkTotal = (stats: ReceiveStats) => Object.values(stats.junk).reduce((a, b) => a + (b ?? 0), 0);

describe('junk flood', () => {
  it(`${REAL} real messages among ${JUNK} junk payloads: all shown in order, the junk counted, the core answering meanwhile`, async () => {
    const alice = await openTestCore({ relayUrl: fixture.relayUrl });
    opened.push(alice);
    const aliceId = (await alice.createAccount({ recoveryPhrase: await alice.newRecoveryPhrase(), displayName: 'Alice' })).sessionId;
    // Bob's account exists on his device, whose core is closed while the swarm fills up.
    const bobFirst = await openTestCore({ relayUrl: fixture.relayUrl });
    const bobId = (await bobFirst.createAccount({ recoveryPhrase: await bobFirst.newRecoveryPhrase(), displayName: 'Bob' })).sessionId;
    await bobFirst.close();

    const forger = randomIdentity();
    const kinds = Object.values(junkKinds);
    const junk = Array.from({ length: JUNK }, (_, i) => kinds[i % kinds.length]!(bobId, forger));
    const [entry] = swarmMembers(fixture.net, bobId);
    const sent: string[] = [];
    for (let k = 0; k < REAL; k++) {
      await storeJunk(entry!.httpsPort, bobId, junk.slice((k * JUNK) / REAL, ((k + 1) * JUNK) / REAL));
      const body = `real ${k + 1}`;
      sent.push(body);
      const message = await alice.sendMessage(bobId, body);
      await waitUntil(`Alice's "${body}" to be stored in Bob's swarm`, async () => (await allMessages(alice, bobId)).find((m) => m.id === message.id)?.status === 'sent', {
        timeoutMs: 30_000,
      });
    }

    // Bob's device opens and meets the flood. The first real message comes after a hundred junk
    // payloads: a call made then must be answered before the flood has been worked through.
    const lag = monitorEventLoopDelay({ resolution: 10 });
    lag.enable();
    const startedAt = performance.now();
    const bob = await openTestCore({ relayUrl: fixture.relayUrl, indexedDB: bobFirst.indexedDB });
    opened.push(bob);
    let duringFlood: Promise<{ junkWhenAnswered: number; conversations: number; ms: number }> | undefined;
    await bob.subscribe((event) => {
      if (event.type !== 'message_added' || duringFlood !== undefined) return;
      const askedAt = performance.now();
      duringFlood = Promise.all([bob.listConversations(), bob.status()]).then(([conversations, status]) => ({
        junkWhenAnswered: junkTotal(status.received),
        conversations: conversations.length,
        ms: performance.now() - askedAt,
      }));
    });
    await waitUntil('Bob to have taken in the whole flood', async () => {
      const { received } = await bob.status();
      return junkTotal(received) >= JUNK && received.stored >= REAL;
    }, { timeoutMs: 120_000, intervalMs: 100 });
    const floodMs = performance.now() - startedAt;
    lag.disable();

    const { received } = await bob.status();
    expect(received.stored).toBe(REAL);
    expect(junkTotal(received)).toBe(JUNK);
    expect(received.ignored).toEqual({});
    expect((await allMessages(bob, aliceId)).map((m) => [m.body, m.direction])).toEqual(sent.map((body) => [body, 'incoming']));
    expect((await bob.listConversations()).map((c) => c.id)).toEqual([aliceId]);

    expect(duringFlood).toBeDefined();
    const during = await duringFlood!;
    expect(during.conversations).toBe(1);
    expect(during.junkWhenAnswered).toBeLessThan(JUNK);

    console.log(
      [
        `junk flood: ${JUNK} junk + ${REAL} real messages taken in ${(floodMs / 1000).toFixed(1)} s after Bob's core opened`,
        `  junk by code: ${Object.entries(received.junk).map(([code, n]) => `${code}×${n}`).join(', ')}`,
        `  a call made at the first real message answered in ${during.ms.toFixed(0)} ms, with ${during.junkWhenAnswered} of ${JUNK} junk counted`,
        `  event loop delay meanwhile: p50 ${(lag.percentile(50) / 1e6).toFixed(0)} ms, p99 ${(lag.percentile(99) / 1e6).toFixed(0)} ms, max ${(lag.max / 1e6).toFixed(0)} ms`,
      ].join('\n'),
    );
  }, 240_000);
});
