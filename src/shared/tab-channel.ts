/**
 * The tabs' channel: how a follower tab's worker reaches the worker that runs the engine
 * (src/core/tab-forwarding.ts, src/core/tab-leadership.ts). Every script on the origin can hear
 * and post on this channel, so what travels here is a contract, not a private detail: the e2e
 * specs import these names and shapes rather than copying them.
 *
 * Messages (structured clone):
 *   { kind: 'call', id, from, method, args }                 a follower asks the leader
 *   { kind: 'result', id, to, leaderId, ok, value | error }  the leader answers that follower
 *   { kind: 'event', leaderId, event }                       the leader's Core events, for every follower
 *   { kind: 'hello' }                                        a follower has just started listening
 *   { kind: 'leader', leaderId }                             a leader answers (on start, and to every hello)
 *
 * A BroadcastChannel does not say who posted a message: any script of the origin can post any of
 * these. So both sides take a message only through `parseTabMessage` (one validator per shape,
 * below), drop and count what does not match, and carry nothing here that a forger could misuse
 * beyond what the Core API's forwardable methods already allow (docs/SECURITY.md). The
 * `leaderId` on results and events lets a follower take them only from the leader it knows; it
 * is not a secret (every 'leader' message shows it), so it sorts out stale and stray messages,
 * not a determined forger.
 */
import type { WireParleyError } from './errors.ts';

/** The BroadcastChannel every tab's worker joins. */
export const TAB_CHANNEL_NAME = 'parley-core';

/** The exclusive Web Lock held by the worker that runs the engine, for its whole life. */
export const LEADER_LOCK_NAME = 'parley-core-leader';

/** No Core API method takes more arguments than this. */
export const MAX_CALL_ARGS = 4;

/** Tab ids, leader ids (UUIDs) and method names are short; a longer string is not ours. */
const MAX_NAME_LENGTH = 128;

/** How deep a call's arguments, a result's value or an event may nest (the Core API's deepest view is far less). */
const MAX_DEPTH = 16;

export interface CallMessage {
  readonly kind: 'call';
  readonly id: number;
  readonly from: string;
  readonly method: string;
  readonly args: unknown[];
}

export type ResultMessage =
  | { readonly kind: 'result'; readonly id: number; readonly to: string; readonly leaderId: string; readonly ok: true; readonly value: unknown }
  | { readonly kind: 'result'; readonly id: number; readonly to: string; readonly leaderId: string; readonly ok: false; readonly error: WireParleyError };

/** `Event` is the Core API's event type; this module names no engine type, so it stays below the engine. */
export interface EventMessage<Event = unknown> {
  readonly kind: 'event';
  readonly leaderId: string;
  readonly event: Event;
}

export interface HelloMessage {
  readonly kind: 'hello';
}

export interface LeaderMessage {
  readonly kind: 'leader';
  readonly leaderId: string;
}

export type TabMessage<Event = unknown> = CallMessage | ResultMessage | EventMessage<Event> | HelloMessage | LeaderMessage;

/**
 * Plain data, as the Core API passes it: null, booleans, finite numbers, strings, undefined, and
 * arrays and plain objects of those, no deeper than `MAX_DEPTH` (which also stops cycles, which a
 * structured clone keeps). Anything else a structured clone can carry (Map, Blob, Date, typed
 * arrays …) is not something the Core API takes or gives.
 */
export function isPlainData(value: unknown, depth = 0): boolean {
  if (value === null || value === undefined) return true;
  switch (typeof value) {
    case 'boolean':
    case 'string':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object':
      break;
    default:
      return false;
  }
  if (depth >= MAX_DEPTH) return false;
  if (Array.isArray(value)) return value.every((item) => isPlainData(item, depth + 1));
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return false;
  return Object.values(value as Record<string, unknown>).every((item) => isPlainData(item, depth + 1));
}

function isName(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_NAME_LENGTH;
}

function isCallId(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Only the keys a shape has: a message with more is not one we post. */
function hasOnlyKeys(message: Record<string, unknown>, keys: readonly string[]): boolean {
  return Object.keys(message).every((key) => keys.includes(key));
}

export function isCallMessage(data: unknown): data is CallMessage {
  return (
    isRecord(data) &&
    data['kind'] === 'call' &&
    hasOnlyKeys(data, ['kind', 'id', 'from', 'method', 'args']) &&
    isCallId(data['id']) &&
    isName(data['from']) &&
    isName(data['method']) &&
    Array.isArray(data['args']) &&
    data['args'].length <= MAX_CALL_ARGS &&
    isPlainData(data['args'])
  );
}

/** A ParleyError as data: a code, a message, and details of strings, numbers and booleans. */
export function isWireError(value: unknown): value is WireParleyError {
  if (!isRecord(value) || value['parleyError'] !== true || !isName(value['code']) || typeof value['message'] !== 'string') return false;
  const details = value['details'];
  if (!isRecord(details) || Object.getPrototypeOf(details) !== Object.prototype) return false;
  return Object.values(details).every((detail) => ['string', 'number', 'boolean'].includes(typeof detail));
}

export function isResultMessage(data: unknown): data is ResultMessage {
  if (!isRecord(data) || data['kind'] !== 'result') return false;
  if (!isCallId(data['id']) || !isName(data['to']) || !isName(data['leaderId'])) return false;
  if (data['ok'] === true) return hasOnlyKeys(data, ['kind', 'id', 'to', 'leaderId', 'ok', 'value']) && isPlainData(data['value']);
  if (data['ok'] === false) return hasOnlyKeys(data, ['kind', 'id', 'to', 'leaderId', 'ok', 'error']) && isWireError(data['error']);
  return false;
}

/** An event is a plain object with a `type`; which types the engine has is the engine's check (tab-forwarding.ts). */
export function isEventMessage(data: unknown): data is EventMessage {
  if (!isRecord(data) || data['kind'] !== 'event' || !hasOnlyKeys(data, ['kind', 'leaderId', 'event']) || !isName(data['leaderId'])) return false;
  const event = data['event'];
  return isRecord(event) && isName(event['type']) && isPlainData(event);
}

export function isHelloMessage(data: unknown): data is HelloMessage {
  return isRecord(data) && data['kind'] === 'hello' && hasOnlyKeys(data, ['kind']);
}

export function isLeaderMessage(data: unknown): data is LeaderMessage {
  return isRecord(data) && data['kind'] === 'leader' && hasOnlyKeys(data, ['kind', 'leaderId']) && isName(data['leaderId']);
}

/** The message `data` is, or undefined when it matches none of the shapes above (to be dropped and counted). */
export function parseTabMessage(data: unknown): TabMessage | undefined {
  try {
    if (isCallMessage(data) || isResultMessage(data) || isEventMessage(data) || isHelloMessage(data) || isLeaderMessage(data)) return data;
  } catch {
    // Only a structured clone reaches here, so nothing should throw; a validator bug must not either.
  }
  return undefined;
}
