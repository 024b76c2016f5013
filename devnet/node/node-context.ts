/**
 * What a storage method needs from its node (database, keys, network, clock) and the reply
 * shape methods produce before it becomes an HTTP answer.
 */
import { utf8 } from '../../wasm/bytes.ts';
import { sodium } from '../../wasm/sodium.ts';
import type { MessageDb } from './db.ts';
import { encodeBase64 } from './encoding.ts';
import type { JsonObject } from './json.ts';
import type { AccountKey } from './params.ts';
import { swarmFor, swarmJson } from './swarm.ts';
import type { NetworkView, NodeKeys, NodeRecord, SwarmTransport } from './types.ts';

export interface NodeContext {
  readonly db: MessageDb;
  readonly keys: NodeKeys;
  readonly record: NodeRecord;
  readonly network: NetworkView;
  readonly transport: SwarmTransport;
  readonly version: readonly [number, number, number];
  readonly hardfork: readonly [number, number];
}

/** A method's answer: JSON on success (and for 421), plain text for errors. */
export interface MethodReply {
  readonly status: number;
  readonly body: string | JsonObject;
}

export const SECOND = 1000;
export const DAY = 86_400 * SECOND;

export function ok(body: JsonObject, status = 200): MethodReply {
  return { status, body };
}

export function fail(status: number, text: string): MethodReply {
  return { status, body: text };
}

/** The "misc" fields most replies carry: the node's clock and its hardfork. */
export function withMisc(ctx: NodeContext, body: JsonObject, now = ctx.network.now()): JsonObject {
  body.t = now;
  body.hf = [...ctx.hardfork];
  return body;
}

/** This node's current swarm: its own entry in the network list, or the record it started with. */
export function ownSwarm(ctx: NodeContext): bigint {
  const me = ctx.network.nodes().find((n) => n.ed25519Hex === ctx.record.ed25519Hex);
  return (me ?? ctx.record).swarmId;
}

/** 421 with the account's correct swarm when it is not stored here, otherwise `undefined`. */
export function wrongSwarm(ctx: NodeContext, account: AccountKey): MethodReply | undefined {
  const nodes = ctx.network.nodes();
  const correct = swarmFor(nodes, account.hex);
  if (correct !== undefined && correct === ownSwarm(ctx)) return undefined;
  return ok(withMisc(ctx, swarmJson(nodes, correct)), 421);
}

/** The node's Ed25519 signature over a string, in padded base64 (the JSON form). */
export function nodeSignature(ctx: NodeContext, text: string): string {
  return encodeBase64(sodium().crypto_sign_detached(utf8(text), ctx.keys.ed25519SecretKey));
}

/** Lexicographic `[a, b, …] >= [c, d, …]`, for hardfork and version checks. */
export function atLeast(have: readonly number[], want: readonly number[]): boolean {
  for (let i = 0; i < Math.max(have.length, want.length); i++) {
    const a = have[i] ?? 0;
    const b = want[i] ?? 0;
    if (a !== b) return a > b;
  }
  return true;
}
