/**
 * The recursive methods: store, delete, delete_all, delete_before, expire_all and expire.
 * The entry node checks the request, sends it on to every other member of its swarm, applies it
 * itself, and answers with a `swarm` map of every member's signed result
 * (session-storage-server v2.8.0 `rpc/request_handler.cpp`). A peer runs the same checks with
 * `recurse = false` and answers only its own entry.
 */
import { messageHash } from '../../wasm/storage.ts';
import { verifyAuth } from './auth.ts';
import { encodeBase64, hexOf } from './encoding.ts';
import type { Json, JsonObject } from './json.ts';
import {
  atLeast,
  DAY,
  fail,
  type MethodReply,
  type NodeContext,
  nodeSignature,
  ok,
  ownSwarm,
  SECOND,
  withMisc,
  wrongSwarm,
} from './node-context.ts';
import type { Auth, NamespaceSelector } from './params.ts';
import { SIGNATURE_TOLERANCE } from './read-methods.ts';
import { isPublicInboxNamespace, isPublicOutboxNamespace } from './namespaces.ts';
import type {
  DeleteAllRequest,
  DeleteBeforeRequest,
  DeleteRequest,
  ExpireAllRequest,
  ExpireRequest,
  RecursiveRequest,
  StoreRequest,
} from './request-types.ts';
import { swarmMembers } from './swarm.ts';
import type { SwarmEntry } from './types.ts';

export const STORE_TOLERANCE = 10 * SECOND;
/** Forwarded requests get a little longer, for the hop between swarm members. */
export const SIGNATURE_TOLERANCE_FORWARDED = 70 * SECOND;
export const TTL_MINIMUM = 10 * SECOND;
export const TTL_MAXIMUM = 14 * DAY;
export const TTL_MAXIMUM_PRIVATE = 30 * DAY;
const MULTI_EXPIRY_HARDFORK = [19, 4] as const;

export async function store(ctx: NodeContext, req: StoreRequest, recurse: boolean): Promise<MethodReply> {
  const misdirected = wrongSwarm(ctx, req.account);
  if (misdirected) return misdirected;
  const publicInbox = isPublicInboxNamespace(req.namespace);
  const ttl = req.expiry - req.timestamp;
  if (ttl < TTL_MINIMUM || ttl > (publicInbox ? TTL_MAXIMUM : TTL_MAXIMUM_PRIVATE)) {
    return fail(403, 'Provided expiry/TTL is not valid.');
  }
  const now = ctx.network.now();
  if (req.timestamp > now + STORE_TOLERANCE || req.expiry < now - STORE_TOLERANCE) {
    return fail(406, 'Timestamp error: check your clock');
  }
  if (!publicInbox) {
    if (req.auth === undefined || req.sigTimestamp === undefined) {
      return fail(401, `store: signature required to store to namespace ${req.namespace}`);
    }
    if (Math.abs(req.sigTimestamp - now) > SIGNATURE_TOLERANCE) {
      return fail(406, 'store signature timestamp too far from current time');
    }
    const signed = { method: 'store', namespace: req.namespace, timestamp: req.sigTimestamp } as const;
    if (!verifyAuth(req.account, req.auth, signed)) return fail(401, 'store signature verification failed');
  }

  const hash = messageHash(req.account.hex, req.namespace, req.data);
  let stored = false;
  const reply = await fanOut(ctx, req, recurse, () => {
    const mine: JsonObject = {};
    try {
      const outcome = ctx.db.store(
        {
          owner: req.account.hex,
          hash,
          namespace: req.namespace,
          timestamp: req.timestamp,
          expiry: req.expiry,
          data: req.data,
        },
        isPublicOutboxNamespace(req.namespace),
      );
      mine.hash = hash;
      mine.signature = nodeSignature(ctx, hash);
      if (outcome.result !== 'new') mine.already = true;
      mine.expiry = outcome.expiry;
      stored = true;
    } catch (err) {
      mine.reason = err instanceof Error ? err.message : String(err);
      mine.failed = true;
      mine.query_failure = true;
    }
    // The entry node's own entry carries `t` too (kept by the server for old clients).
    if (recurse) mine.t = now;
    return mine;
  });
  if (recurse && typeof reply.body === 'object') {
    if (stored) reply.body.hash = hash;
    withMisc(ctx, reply.body, now);
  }
  return reply;
}

export async function deleteMessages(ctx: NodeContext, req: DeleteRequest, recurse: boolean): Promise<MethodReply> {
  const misdirected = wrongSwarm(ctx, req.account);
  if (misdirected) return misdirected;
  if (!verifyAuth(req.account, req.auth, { method: 'delete', messages: req.messages })) {
    return fail(401, 'delete_msgs signature verification failed');
  }
  const reply = await fanOut(ctx, req, recurse, () => {
    const deleted = ctx.db.deleteByHash(req.account.hex, req.messages).sort();
    const signature = nodeSignature(ctx, req.account.hex + req.messages.join('') + deleted.join(''));
    return { deleted, signature };
  });
  if (!recurse || typeof reply.body !== 'object') return reply;
  withMisc(ctx, reply.body);
  if (req.required && reply.status === 200 && !deletedAnything(reply.body.swarm)) return ok(reply.body, 404);
  return reply;
}

function deletedAnything(swarm: Json | undefined): boolean {
  if (typeof swarm !== 'object' || swarm === null || Array.isArray(swarm)) return false;
  return Object.values(swarm).some((entry) => {
    const deleted = typeof entry === 'object' && entry !== null && !Array.isArray(entry) ? entry.deleted : undefined;
    return Array.isArray(deleted) ? deleted.length > 0 : typeof deleted === 'object' && deleted !== null && Object.keys(deleted).length > 0;
  });
}

export async function deleteAll(ctx: NodeContext, req: DeleteAllRequest, recurse: boolean): Promise<MethodReply> {
  const misdirected = wrongSwarm(ctx, req.account);
  if (misdirected) return misdirected;
  const now = ctx.network.now();
  const tolerance = recurse ? SIGNATURE_TOLERANCE : SIGNATURE_TOLERANCE_FORWARDED;
  if (Math.abs(req.timestamp - now) > tolerance) return fail(406, 'delete_all timestamp too far from current time');
  const signed = { method: 'delete_all', namespace: req.namespace, timestamp: req.timestamp } as const;
  if (!verifyAuth(req.account, req.auth, signed)) return fail(401, 'delete_all signature verification failed');
  const owner = req.account.hex;
  const sigPrefix = owner + String(req.timestamp);
  const reply = await fanOut(ctx, req, recurse, () =>
    req.namespace === 'all'
      ? acrossNamespaces(ctx, 'deleted', ctx.db.deleteAll(owner), sigPrefix)
      : inNamespace(ctx, 'deleted', ctx.db.deleteAllInNamespace(owner, req.namespace), sigPrefix),
  );
  return finish(ctx, reply, recurse, now);
}

export async function deleteBefore(ctx: NodeContext, req: DeleteBeforeRequest, recurse: boolean): Promise<MethodReply> {
  const misdirected = wrongSwarm(ctx, req.account);
  if (misdirected) return misdirected;
  const now = ctx.network.now();
  if (req.before > now + 60 * SECOND) return fail(401, 'delete_before timestamp too far in the future');
  const signed = { method: 'delete_before', namespace: req.namespace, before: req.before } as const;
  if (!verifyAuth(req.account, req.auth, signed)) return fail(401, 'delete_before signature verification failed');
  const owner = req.account.hex;
  const sigPrefix = owner + String(req.before);
  const reply = await fanOut(ctx, req, recurse, () =>
    req.namespace === 'all'
      ? acrossNamespaces(ctx, 'deleted', ctx.db.deleteBefore(owner, req.before), sigPrefix)
      : inNamespace(ctx, 'deleted', ctx.db.deleteBeforeInNamespace(owner, req.namespace, req.before), sigPrefix),
  );
  return finish(ctx, reply, recurse, now);
}

export async function expireAll(ctx: NodeContext, req: ExpireAllRequest, recurse: boolean): Promise<MethodReply> {
  const misdirected = wrongSwarm(ctx, req.account);
  if (misdirected) return misdirected;
  const now = ctx.network.now();
  const tolerance = recurse ? SIGNATURE_TOLERANCE : SIGNATURE_TOLERANCE_FORWARDED;
  if (req.expiry < now - tolerance) return fail(406, 'expire_all timestamp should be >= current time');
  const signed = { method: 'expire_all', namespace: req.namespace, expiry: req.expiry } as const;
  if (!verifyAuth(req.account, req.auth, signed)) return fail(401, 'expire_all signature verification failed');
  const owner = req.account.hex;
  const sigPrefix = owner + String(req.expiry);
  const reply = await fanOut(ctx, req, recurse, () =>
    req.namespace === 'all'
      ? acrossNamespaces(ctx, 'updated', ctx.db.shortenAll(owner, req.expiry), sigPrefix)
      : inNamespace(ctx, 'updated', ctx.db.shortenAllInNamespace(owner, req.namespace, req.expiry), sigPrefix),
  );
  return finish(ctx, reply, recurse, now);
}

export async function expire(ctx: NodeContext, req: ExpireRequest, recurse: boolean): Promise<MethodReply> {
  const misdirected = wrongSwarm(ctx, req.account);
  if (misdirected) return misdirected;
  const now = ctx.network.now();
  const applied: number[] = [];
  for (const expiry of req.expiry) {
    if (expiry < now - 60 * SECOND) return fail(401, 'expire: timestamp should be >= current time');
    applied.push(Math.min(now + TTL_MAXIMUM_PRIVATE, expiry));
  }
  const multi = req.expiry.length > 1;
  if (multi && !atLeast(ctx.hardfork, MULTI_EXPIRY_HARDFORK)) {
    return fail(403, 'expire: multi-expiry requests are not yet active on the network');
  }
  const signed = {
    method: 'expire',
    messages: req.messages,
    expiry: multi ? req.expiry : req.expiry[0]!,
    shorten: req.shorten,
    extend: req.extend,
  } as const;
  if (!verifyAuth(req.account, req.auth, signed)) return fail(401, 'expire: signature verification failed');

  const owner = req.account.hex;
  const reply = await fanOut(ctx, req, recurse, () => {
    const mode = req.extend ? 'extend' : req.shorten ? 'shorten' : 'set';
    const updated = ctx.db.updateExpiry(owner, req.messages, applied, mode).sort((a, b) => compare(a[0], b[0]));
    const updatedHashes = updated.map(([hash]) => hash);
    const unchanged = new Map<string, number>();
    if (req.extend || req.shorten) {
      const changed = new Set(updatedHashes);
      const rest = req.messages.filter((h) => !changed.has(h));
      if (rest.length > 0) for (const [h, e] of ctx.db.getExpiries(owner, rest)) unchanged.set(h, e);
    }
    const unchangedSorted = [...unchanged].sort((a, b) => compare(a[0], b[0]));
    // With one expiry, the entry echoes the expiry it tried; with several, those it applied.
    const expiries = multi ? updated.map(([, e]) => e) : [applied[0]!];
    const signature = nodeSignature(
      ctx,
      owner +
        expiries.join('') +
        req.messages.join('') +
        updatedHashes.join('') +
        unchangedSorted.map(([h, e]) => h + String(e)).join(''),
    );
    const mine: JsonObject = { expiry: multi ? expiries : applied[0]!, updated: updatedHashes, signature };
    if (req.extend || req.shorten) mine.unchanged = Object.fromEntries(unchangedSorted);
    return mine;
  });
  return finish(ctx, reply, recurse, now);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `{key: [sorted hashes], signature}`: the signature covers the prefix and the sorted hashes. */
function inNamespace(ctx: NodeContext, key: string, hashes: string[], sigPrefix: string): JsonObject {
  const sorted = [...hashes].sort(compare);
  return { [key]: sorted, signature: nodeSignature(ctx, sigPrefix + sorted.join('')) };
}

/** `{key: {"<ns>": [hashes]}, signature}`, with the hashes sorted across all namespaces for signing. */
function acrossNamespaces(ctx: NodeContext, key: string, pairs: Array<[number, string]>, sigPrefix: string): JsonObject {
  const sorted = [...pairs].sort((a, b) => compare(a[1], b[1]));
  const byNamespace: Record<string, string[]> = {};
  for (const [ns, hash] of sorted) (byNamespace[String(ns)] ??= []).push(hash);
  return { [key]: byNamespace, signature: nodeSignature(ctx, sigPrefix + sorted.map(([, h]) => h).join('')) };
}

function finish(ctx: NodeContext, reply: MethodReply, recurse: boolean, now: number): MethodReply {
  if (recurse && typeof reply.body === 'object') withMisc(ctx, reply.body, now);
  return reply;
}

/**
 * Sends the request to every other swarm member first, then applies it here. On a peer
 * (`recurse` false) the local entry is the whole answer. The entry node answers 500 only when
 * every entry failed.
 */
async function fanOut(
  ctx: NodeContext,
  req: RecursiveRequest,
  recurse: boolean,
  local: () => JsonObject,
): Promise<MethodReply> {
  if (!recurse) return ok(local());
  const peers = swarmMembers(ctx.network.nodes(), ownSwarm(ctx)).filter((n) => n.ed25519Hex !== ctx.record.ed25519Hex);
  const params = forwardParams(req);
  const pending = peers.map(async (peer): Promise<[string, SwarmEntry]> => {
    try {
      return [peer.ed25519Hex, await ctx.transport.forward(peer, req.method, params)];
    } catch {
      return [peer.ed25519Hex, { failed: true, bad_peer_response: true }];
    }
  });
  const swarm: JsonObject = { [ctx.record.ed25519Hex]: local() };
  for (const [peer, entry] of await Promise.all(pending)) swarm[peer] = entry as Json;
  const anySuccess = Object.values(swarm).some((e) => typeof e === 'object' && e !== null && !Array.isArray(e) && !('failed' in e));
  return ok({ swarm }, anySuccess ? 200 : 500);
}

/**
 * The request as the entry node forwards it: already parsed, with `ttl` resolved to `expiry` and
 * keys in canonical form. A delete's `required` flag stays with the entry node.
 */
export function forwardParams(req: RecursiveRequest): JsonObject {
  const out: JsonObject = { pubkey: req.account.hex };
  const auth: Auth | undefined = req.auth;
  if (auth !== undefined) {
    out.signature = auth.signature;
    if (auth.pubkeyEd25519 !== undefined) out.pubkey_ed25519 = hexOf(auth.pubkeyEd25519);
    if (auth.subaccount !== undefined) {
      out.subaccount = hexOf(auth.subaccount.token);
      out.subaccount_sig = auth.subaccount.signature;
    }
  }
  const ns = (n: NamespaceSelector): Json => n;
  switch (req.method) {
    case 'store':
      out.timestamp = req.timestamp;
      out.expiry = req.expiry;
      out.data = encodeBase64(req.data);
      if (req.namespace !== 0) out.namespace = req.namespace;
      if (req.sigTimestamp !== undefined) out.sig_timestamp = req.sigTimestamp;
      break;
    case 'delete':
      out.messages = [...req.messages];
      break;
    case 'delete_all':
      out.timestamp = req.timestamp;
      out.namespace = ns(req.namespace);
      break;
    case 'delete_before':
      out.before = req.before;
      out.namespace = ns(req.namespace);
      break;
    case 'expire_all':
      out.expiry = req.expiry;
      out.namespace = ns(req.namespace);
      break;
    case 'expire':
      out.expiry = req.expiry.length === 1 ? req.expiry[0]! : [...req.expiry];
      out.messages = [...req.messages];
      if (req.shorten) out.shorten = true;
      if (req.extend) out.extend = true;
      break;
  }
  return out;
}
