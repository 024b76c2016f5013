/**
 * One onion round trip, without judgement: build the layers for `path` + `target` (wasm/onion),
 * POST them through the relay to the first node, open the destination's reply. What an outcome
 * means for paths, nodes and retries is decided by the callers (onion-request.ts, guard tests).
 */
import { utf8 } from '../../../wasm/bytes.ts';
import { isParleyError } from '../../shared/errors.ts';
import { buildOnionRequest, decryptSnodeReply } from '../../../wasm/onion/index.ts';
import { wipe } from '../../../wasm/sodium.ts';
import type { RelayErrorCode } from '../../shared/relay-api.ts';
import { abortedError, deadline } from './abort.ts';
import { onionHop } from './snode-records.ts';
import { MAX_SNODE_REPLY_BYTES } from './storage-limits.ts';
import type { RelayTransport } from './transport.ts';
import type { Snode } from './types.ts';

/** A storage RPC as the destination runs it: `{"method": …, "params": {…}}`. */
export interface SnodeRpc {
  readonly method: string;
  readonly params: Readonly<Record<string, unknown>>;
}

export type ExchangeOutcome =
  /** The destination answered; `status` is its own (200, 421, 406 …), from inside the encryption. */
  | { readonly kind: 'reply'; readonly status: number; readonly body: string }
  /** A path node (or the relay, with `relayError`) answered instead, in plain text (§4.5). */
  | {
      readonly kind: 'path_error';
      readonly status: number;
      readonly text: string;
      readonly relayError?: RelayErrorCode;
      readonly retryAfterMs?: number;
    }
  /** Nothing came back in time. */
  | { readonly kind: 'timeout' }
  /** A 200 whose body does not open with the reply key: something on the way garbled it. */
  | { readonly kind: 'bad_reply' }
  /** An answer over MAX_SNODE_REPLY_BYTES, refused unread (storage-limits.ts). */
  | { readonly kind: 'too_large'; readonly length: number };

export interface ExchangeRequest {
  /** `[guard, relay1, relay2]`, or `[]` to talk to `target` directly (a zero-hop onion). */
  readonly path: readonly Snode[];
  readonly target: Snode;
  readonly rpc: SnodeRpc;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal | undefined;
}

/** Throws only `network_offline` (relay unreachable) and `aborted` (the caller's signal). */
export async function onionExchange(transport: Pick<RelayTransport, 'postOnion'>, request: ExchangeRequest): Promise<ExchangeOutcome> {
  const { path, target, rpc, signal } = request;
  const built = await buildOnionRequest({
    path: path.map(onionHop),
    destination: { kind: 'snode', node: onionHop(target) },
    payload: utf8(JSON.stringify({ method: rpc.method, params: rpc.params })),
  });
  const limit = deadline(signal, request.timeoutMs);
  try {
    const answer = await transport.postOnion(path[0] ?? target, built.body, limit.signal);
    // Before any decoding: nothing honest is that large, and it would only cost us to read it.
    if (answer.body.length > MAX_SNODE_REPLY_BYTES) return { kind: 'too_large', length: answer.body.length };
    if (answer.status !== 200 || answer.relayError !== undefined) {
      const text = new TextDecoder('utf-8').decode(answer.body);
      if (answer.relayError === undefined) return { kind: 'path_error', status: answer.status, text };
      return answer.retryAfterMs === undefined
        ? { kind: 'path_error', status: answer.status, text, relayError: answer.relayError }
        : { kind: 'path_error', status: answer.status, text, relayError: answer.relayError, retryAfterMs: answer.retryAfterMs };
    }
    try {
      const reply = await decryptSnodeReply(answer.body, built.replyKey, built.encType);
      return { kind: 'reply', status: reply.status, body: reply.body };
    } catch (error) {
      if (isParleyError(error, 'onion_decrypt_failed') || isParleyError(error, 'onion_malformed')) return { kind: 'bad_reply' };
      throw error;
    }
  } catch (error) {
    if (isParleyError(error, 'aborted')) {
      if (limit.timedOut()) return { kind: 'timeout' };
      throw abortedError();
    }
    throw error;
  } finally {
    limit.dispose();
    wipe(built.replyKey);
  }
}
