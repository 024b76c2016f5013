/**
 * The outbox's schedule between send ATTEMPTS, and what a failed attempt means, by error code.
 *
 * Two layers of retrying, on purpose:
 * - src/core/net/retry.ts retries inside ONE store call, within seconds: another path, another swarm
 *   member, a fresh clock, the swarm named by a 421. It is the network layer's one retry policy.
 * - This file decides what happens after such a call has given up: when the outbox tries the message
 *   again (minutes, surviving reloads, since the time is written in the outbox entry), when it stops
 *   trying (the message is 'failed'), and that being offline is not a failure at all.
 */
import { isParleyError, type ErrorCode } from '../../shared/errors.ts';
import { DEFAULT_RETRY_POLICY, jitteredBackoff } from '../net/retry.ts';

export interface OutboxSchedule {
  /** Attempts (the first included) before a message is 'failed'. */
  readonly maxAttempts: number;
  /** Wait after the first failed attempt; doubled after each further one, up to retryMaxMs. */
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
  /** Offline: the first probe for the network after this, doubling up to probeMaxMs. */
  readonly probeBaseMs: number;
  readonly probeMaxMs: number;
}

/**
 * 8 attempts over about 4 minutes of waits (2 s, 4 s, … 128 s, each jittered to between half and
 * all of it); offline, probes every 5 s at first, then at most every minute.
 */
export const DEFAULT_OUTBOX_SCHEDULE: OutboxSchedule = {
  maxAttempts: 8,
  retryBaseMs: 2_000,
  retryMaxMs: 5 * 60_000,
  probeBaseMs: 5_000,
  probeMaxMs: 60_000,
};

export type SendFailure =
  /** The relay cannot be reached: wait for the network, the message stays queued, no attempt is lost. */
  | { readonly kind: 'offline' }
  /** The outbox was stopped mid-attempt. */
  | { readonly kind: 'aborted' }
  /** Worth another attempt later. */
  | { readonly kind: 'retry'; readonly code: ErrorCode }
  /** Trying again cannot help (a bug, a refused payload, local storage): 'failed' at once. */
  | { readonly kind: 'give_up'; readonly code: ErrorCode };

/** Network conditions that another attempt, on another path or a little later, may not meet again. */
const RETRYABLE: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'pool_unavailable',
  'path_failed',
  'snode_not_found',
  'snode_unavailable',
  'wrong_swarm',
  'clock_out_of_sync',
  'request_failed',
  'onion_decrypt_failed',
  'onion_malformed',
]);

export function classifySendFailure(error: unknown): SendFailure {
  if (isParleyError(error, 'network_offline')) return { kind: 'offline' };
  if (isParleyError(error, 'aborted')) return { kind: 'aborted' };
  // Anything without a code is a bug in our own code: another attempt would meet it again.
  if (!isParleyError(error)) return { kind: 'give_up', code: 'request_failed' };
  return RETRYABLE.has(error.code) ? { kind: 'retry', code: error.code } : { kind: 'give_up', code: error.code };
}

/** When to try again after `attempts` failed attempts, or null when the message has had them all. */
export function nextAttemptAfter(attempts: number, now: number, schedule: OutboxSchedule, random: () => number): number | null {
  if (attempts >= schedule.maxAttempts) return null;
  return now + jitteredBackoff(attempts, { ...DEFAULT_RETRY_POLICY, baseDelayMs: schedule.retryBaseMs, maxDelayMs: schedule.retryMaxMs }, random);
}

/**
 * The longest wait the schedule can set after `attempts` failed attempts (0: none, a new message
 * is due at once): the capped doubling that `nextAttemptAfter`'s jitter stays under. A due time
 * further away than this can only come from a device clock that stepped back since it was written.
 */
export function longestWaitAfter(attempts: number, schedule: OutboxSchedule): number {
  if (attempts <= 0) return 0;
  return Math.min(schedule.retryMaxMs, schedule.retryBaseMs * 2 ** Math.min(attempts - 1, 52));
}

/** The wait before the `probes`+1-th probe for the network (probes already made, 0 at first). */
export function probeDelay(probes: number, schedule: OutboxSchedule, random: () => number): number {
  return jitteredBackoff(probes + 1, { ...DEFAULT_RETRY_POLICY, baseDelayMs: schedule.probeBaseMs, maxDelayMs: schedule.probeMaxMs }, random);
}
