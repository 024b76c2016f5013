/**
 * The conformance suite's client: it reaches a running devnet only the way a Session client does.
 * Every request is a real 3-hop onion built with wasm/onion, POSTed to a random guard over HTTPS,
 * and the destination's reply is decrypted; signatures come from wasm/storage.ts, accounts from
 * wasm/identity.ts, and an account's swarm is learnt by asking the network (`get_swarm`).
 * Test-only code (Node APIs allowed); the storage behaviour it checks is network-protocol.md §3.
 */
import { fromBase64, fromHex, toBase64, toHex, utf8 } from '../../wasm/bytes.ts';
import { ParleyError } from '../../src/shared/errors.ts';
import { type Identity, identityFromEntropy } from '../../wasm/identity.ts';
import { sodium } from '../../wasm/sodium.ts';
import { type SignedRequest, signRequest } from '../../wasm/storage.ts';
import type { DevnetNodeInfo } from '../devnet.ts';
import { randomPath, sendOnion } from '../testing/onion-client.ts';
import type { TestDevnet } from '../testing/test-devnet.ts';

/** What the destination answered inside the onion: its status and body, and the body as JSON when it is JSON. */
export interface RpcAnswer {
  readonly status: number;
  readonly body: string;
  /** Parsed body (any shape: the tests check it), or undefined for a text body. */
  readonly json: any;
}

export class ConformanceClient {
  constructor(private readonly net: TestDevnet) {}

  /** Every node, as the devnet's table lists it at start. */
  get nodes(): readonly DevnetNodeInfo[] {
    return this.net.started.nodes;
  }

  /** The network's clock (wall clock plus the devnet's offset), as a client synced to `t` would see it. */
  now(): number {
    return this.net.devnet.network.now();
  }

  /** `{method, params}` sent to `target` through a random 3-hop path that avoids it. */
  call(target: DevnetNodeInfo, method: string, params: unknown): Promise<RpcAnswer> {
    return this.send(target, { method, params });
  }

  /** Any body (a string is sent verbatim, e.g. broken JSON) to `target` through a random 3-hop path. */
  async send(target: DevnetNodeInfo, body: unknown): Promise<RpcAnswer> {
    const outcome = await sendOnion({ path: randomPath(this.nodes, [target]), target, body });
    if (outcome.http.status !== 200 || outcome.reply === undefined) {
      throw new Error(`onion to node ${target.index} failed: HTTP ${outcome.http.status} ${outcome.http.text.slice(0, 200)}`);
    }
    const { status, body: text } = outcome.reply;
    return { status, body: text, json: parseJson(text) };
  }

  /** The members of an account's swarm, as `get_swarm` (asked of a random node) names them. */
  async swarmOf(account: string | Identity): Promise<DevnetNodeInfo[]> {
    const pubkey = typeof account === 'string' ? account : account.sessionId;
    const asked = this.nodes[Math.floor(Math.random() * this.nodes.length)]!;
    const answer = await this.call(asked, 'get_swarm', { pubkey });
    if (answer.status !== 200) throw new Error(`get_swarm answered ${answer.status}: ${answer.body}`);
    const keys = (answer.json.snodes as Array<{ pubkey_ed25519: string }>).map((s) => s.pubkey_ed25519);
    return keys.map((key) => {
      const node = this.nodes.find((n) => n.ed25519Hex === key);
      if (node === undefined) throw new Error(`get_swarm named an unknown node ${key}`);
      return node;
    });
  }

  /** Every node that is not in the account's swarm. */
  async outsidersOf(account: string | Identity): Promise<DevnetNodeInfo[]> {
    const members = new Set((await this.swarmOf(account)).map((n) => n.ed25519Hex));
    return this.nodes.filter((n) => !members.has(n.ed25519Hex));
  }
}

/** A fresh random Session account. */
export function newAccount(): Identity {
  return identityFromEntropy(crypto.getRandomValues(new Uint8Array(16)));
}

/** `pubkey`, `pubkey_ed25519` and `signature` of a 05 account signing `request` (§3.2). */
export function authFields(account: Identity, request: SignedRequest): { pubkey: string; pubkey_ed25519: string; signature: string } {
  return {
    pubkey: account.sessionId,
    pubkey_ed25519: toHex(account.ed25519PublicKey),
    signature: signRequest(request, account.ed25519SecretKey),
  };
}

/** Params of an unsigned store to a public inbox (namespace 0 by default), as desktop sends a 1:1 message. */
export function inboxStore(account: Identity, text: string, timestamp: number, ttl = 3_600_000, namespace = 0): Record<string, unknown> {
  return { pubkey: account.sessionId, timestamp, ttl, data: b64(text), namespace };
}

/** Params of a signed store to a private namespace (e.g. 2, a config namespace). */
export function signedStore(account: Identity, text: string, namespace: number, timestamp: number, ttl = 3_600_000): Record<string, unknown> {
  return {
    ...authFields(account, { method: 'store', namespace, timestamp }),
    timestamp,
    ttl,
    data: b64(text),
    namespace,
  };
}

/** Does the node whose Ed25519 key is `ed25519Hex` sign `text` with `signatureB64`? */
export function nodeSigned(ed25519Hex: string, text: string, signatureB64: unknown): boolean {
  if (typeof signatureB64 !== 'string') {
    throw new ParleyError('invalid_argument', 'signatureB64 must be a string', { param: 'signatureB64', problem: 'type' });
  }
  try {
    return sodium().crypto_sign_verify_detached(fromBase64(signatureB64, 'signatureB64'), utf8(text), fromHex(ed25519Hex, 'ed25519Hex'));
  } catch {
    return false;
  }
}

export function b64(text: string): string {
  return toBase64(utf8(text));
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
