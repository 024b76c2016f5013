/**
 * The methods that only read or answer locally: retrieve, get_expiries, info, get_swarm and
 * oxend_request (session-storage-server v2.8.0 `rpc/request_handler.cpp`).
 */
import { verifyAuth } from './auth.ts';
import type { MessageDb } from './db.ts';
import { encodeBase64, hexOf } from './encoding.ts';
import type { JsonObject } from './json.ts';
import { fail, type MethodReply, type NodeContext, ok, SECOND, withMisc, wrongSwarm } from './node-context.ts';
import { oxendRequest } from './oxend.ts';
import { isNoAuthRetrieveNamespace } from './namespaces.ts';
import type { GetExpiriesRequest, GetSwarmRequest, OxendRequest, RetrieveRequest } from './request-types.ts';
import { swarmFor, swarmJson } from './swarm.ts';

/** Tolerance for signed request timestamps. */
export const SIGNATURE_TOLERANCE = 60 * SECOND;
/** Largest retrieve answer the server assembles, in counted bytes. */
export const RETRIEVE_MAX_SIZE = 7_800_000;

export function retrieve(ctx: NodeContext, req: RetrieveRequest): MethodReply {
  const misdirected = wrongSwarm(ctx, req.account);
  if (misdirected) return misdirected;
  const now = ctx.network.now();
  if (!isNoAuthRetrieveNamespace(req.namespace) && req.auth === undefined) {
    return fail(401, 'retrieve: request signature required');
  }
  if (req.auth !== undefined) {
    if (Math.abs(req.auth.timestamp - now) > SIGNATURE_TOLERANCE) {
      return fail(406, 'retrieve timestamp too far from current time');
    }
    const signed = { method: 'retrieve', namespace: req.namespace, timestamp: req.auth.timestamp } as const;
    if (!verifyAuth(req.account, req.auth, signed)) return fail(401, 'retrieve signature verification failed');
  }

  // 0 means "not given"; with neither limit, a fifth of the cap. A negative size is a fraction of
  // the cap; a negative count wraps to "no limit" on the server.
  let maxCount = req.maxCount === 0 ? undefined : req.maxCount;
  let maxSize = req.maxSize === 0 ? undefined : req.maxSize;
  if (maxCount === undefined && maxSize === undefined) maxSize = -5;
  if (maxSize !== undefined && maxSize < 0) maxSize = Math.floor(RETRIEVE_MAX_SIZE / -maxSize);
  else if (maxSize === undefined || maxSize > RETRIEVE_MAX_SIZE) maxSize = RETRIEVE_MAX_SIZE;
  if (maxCount !== undefined && maxCount < 0) maxCount = undefined;

  let found: ReturnType<MessageDb['retrieve']>;
  try {
    found = ctx.db.retrieve(req.account.hex, req.namespace, {
      ...(req.lastHash !== undefined ? { lastHash: req.lastHash } : {}),
      ...(maxCount !== undefined ? { maxCount } : {}),
      maxSize,
      now,
    });
  } catch {
    const key = req.account.key;
    const shortKey = hexOf(key.subarray(0, 2)) + '…' + hexOf(key.subarray(key.length - 1));
    return fail(500, `Internal Server Error. Could not retrieve messages for ${shortKey}`);
  }
  const { messages, more } = found;
  const list = messages.map((m) => ({
    hash: m.hash,
    timestamp: m.timestamp,
    expiration: m.expiry,
    data: encodeBase64(m.data),
  }));
  return ok(withMisc(ctx, { messages: list, more }, now));
}

export function getExpiries(ctx: NodeContext, req: GetExpiriesRequest): MethodReply {
  const misdirected = wrongSwarm(ctx, req.account);
  if (misdirected) return misdirected;
  const now = ctx.network.now();
  if (Math.abs(req.timestamp - now) > SIGNATURE_TOLERANCE) {
    return fail(406, 'get_expiries timestamp too far from current time');
  }
  const signed = { method: 'get_expiries', messages: req.messages, timestamp: req.timestamp } as const;
  if (!verifyAuth(req.account, req.auth, signed)) return fail(401, 'get_expiries signature verification failed');
  const expiries: JsonObject = {};
  for (const [hash, expiry] of ctx.db.getExpiries(req.account.hex, req.messages)) expiries[hash] = expiry;
  // This reply alone carries no t/hf.
  return ok({ expiries });
}

export function info(ctx: NodeContext): MethodReply {
  const now = ctx.network.now();
  return ok(withMisc(ctx, { version: [...ctx.version], timestamp: now }, now));
}

/** Any node answers for any account: no swarm check. */
export function getSwarm(ctx: NodeContext, req: GetSwarmRequest): MethodReply {
  const nodes = ctx.network.nodes();
  return ok(withMisc(ctx, swarmJson(nodes, swarmFor(nodes, req.account.hex))));
}

export function oxend(ctx: NodeContext, req: OxendRequest): MethodReply {
  const now = ctx.network.now();
  const answer = oxendRequest(req.endpoint, req.params, {
    nodes: ctx.network.nodes(),
    height: ctx.network.height(),
    hardfork: ctx.hardfork,
    storageVersion: ctx.version,
    nowSeconds: Math.floor(now / 1000),
  });
  if ('error' in answer) return fail(400, answer.error);
  return ok(withMisc(ctx, { result: answer.result }, now));
}
