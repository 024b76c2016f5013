/**
 * The tabs' channel: how a follower tab's worker reaches the worker that runs the engine
 * (src/core/tab-forwarding.ts, src/core/tab-leadership.ts). Every script on the origin can hear
 * and post on this channel, so what travels here is a contract, not a private detail: the e2e
 * specs import these names and shapes rather than copying them.
 *
 * Messages (structured clone):
 *   { kind: 'call', id, from, method, args }      a follower asks the leader
 *   { kind: 'result', id, to, ok, value | error } the leader answers that follower
 *   { kind: 'event', event }                      the leader's Core events, for every follower
 *   { kind: 'hello' }                             a follower has just started listening
 *   { kind: 'leader', leaderId }                  a leader answers (on start, and to every hello)
 */
import type { WireParleyError } from './errors.ts';

/** The BroadcastChannel every tab's worker joins. */
export const TAB_CHANNEL_NAME = 'parley-core';

/** The exclusive Web Lock held by the worker that runs the engine, for its whole life. */
export const LEADER_LOCK_NAME = 'parley-core-leader';

export interface CallMessage {
  readonly kind: 'call';
  readonly id: number;
  readonly from: string;
  readonly method: string;
  readonly args: unknown[];
}

export type ResultMessage =
  | { readonly kind: 'result'; readonly id: number; readonly to: string; readonly ok: true; readonly value: unknown }
  | { readonly kind: 'result'; readonly id: number; readonly to: string; readonly ok: false; readonly error: WireParleyError };

/** `Event` is the Core API's event type; this module names no engine type, so it stays below the engine. */
export interface EventMessage<Event = unknown> {
  readonly kind: 'event';
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
