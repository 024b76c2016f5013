/**
 * THE retry policy of the network layer (ARCHITECTURE.md convention 3): chosen by error code only.
 * `decideRetry` is the table (pure, unit-tested); `withRetry` runs an attempt function under it with
 * bounded attempts, jittered backoff and the caller's AbortSignal.
 *
 *   path_failed        → another path (and another target, when any swarm member will do), backoff
 *   snode_not_found    → the node is gone from the pool already: another target, at once
 *   snode_unavailable  → the node was counted: another target, backoff
 *   wrong_swarm (421)  → take the swarm from the answer, another member, at once (twice at most)
 *   clock_out_of_sync  → fresh network time from `info`, re-sign, once
 *   relay_busy         → the same request after the relay's Retry-After (at most maxRelayWaitMs)
 *   network_offline, aborted, pool_unavailable, request_failed, anything else → stop
 */
import { isParleyError, type ParleyError } from '../../shared/errors.ts';
import { sleep, throwIfAborted } from './abort.ts';
import { WrongSwarmError } from './destination-errors.ts';
import type { Random } from './random.ts';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly maxClockResyncs: number;
  readonly maxSwarmUpdates: number;
  /** The longest a request waits for a busy relay; a longer Retry-After stops it (the outbox or poller tries later). */
  readonly maxRelayWaitMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 250,
  maxDelayMs: 3_000,
  maxClockResyncs: 1,
  maxSwarmUpdates: 2,
  maxRelayWaitMs: 10_000,
};

/** What happened so far in one request. */
export interface RetryState {
  /** Attempts made, the failed one included (≥ 1). */
  readonly attempt: number;
  readonly clockResyncs: number;
  readonly swarmUpdates: number;
}

export type RetryDecision =
  | { readonly action: 'stop' }
  | {
      readonly action: 'retry';
      readonly delayMs: number;
      /** Pick another node (any swarm member will do); callers with one fixed target ignore it. */
      readonly changeTarget: boolean;
      /** The guard whose path failed: use the other path next. */
      readonly avoidGuard?: string;
      readonly resyncClock?: true;
      readonly updateSwarm?: true;
    };

export function decideRetry(
  error: unknown,
  state: RetryState,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
  random: Random = Math.random,
): RetryDecision {
  const stop = { action: 'stop' } as const;
  if (!isParleyError(error) || state.attempt >= policy.maxAttempts) return stop;
  const backoff = () => jitteredBackoff(state.attempt, policy, random);
  switch (error.code) {
    case 'path_failed': {
      const guard = error.details['guard'];
      return typeof guard === 'string'
        ? { action: 'retry', delayMs: backoff(), changeTarget: true, avoidGuard: guard }
        : { action: 'retry', delayMs: backoff(), changeTarget: true };
    }
    case 'snode_not_found':
      return { action: 'retry', delayMs: 0, changeTarget: true };
    case 'snode_unavailable':
      return { action: 'retry', delayMs: backoff(), changeTarget: true };
    case 'wrong_swarm':
      return state.swarmUpdates < policy.maxSwarmUpdates
        ? { action: 'retry', delayMs: 0, changeTarget: true, updateSwarm: true }
        : stop;
    case 'relay_busy': {
      const wait = error.details['retryAfterMs'];
      if (typeof wait !== 'number' || wait > policy.maxRelayWaitMs) return stop;
      return { action: 'retry', delayMs: Math.max(0, wait), changeTarget: false };
    }
    case 'clock_out_of_sync':
      return state.clockResyncs < policy.maxClockResyncs
        ? { action: 'retry', delayMs: 0, changeTarget: false, resyncClock: true }
        : stop;
    default:
      return stop;
  }
}

/** Exponential (base × 2^(attempt−1), capped) with "equal jitter": half fixed, half random. */
export function jitteredBackoff(attempt: number, policy: RetryPolicy, random: Random): number {
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp / 2 + (random() * exp) / 2);
}

export interface AttemptContext {
  /** 1 for the first attempt. */
  readonly attempt: number;
  /** True when the previous attempt's failure asks for another target. */
  readonly changeTarget: boolean;
  readonly avoidGuards: ReadonlySet<string>;
  readonly signal?: AbortSignal | undefined;
}

export interface RetryHooks {
  /** Fetch a fresh `t` (clock_out_of_sync). */
  readonly resyncClock?: (signal?: AbortSignal) => Promise<void>;
  /** Store the swarm a 421 named (wrong_swarm). */
  readonly updateSwarm?: (error: WrongSwarmError, signal?: AbortSignal) => Promise<void>;
}

export interface RetryOptions {
  readonly signal?: AbortSignal | undefined;
  readonly policy?: RetryPolicy;
  readonly random?: Random;
  readonly hooks?: RetryHooks;
  readonly onRetry?: (error: ParleyError, decision: RetryDecision) => void;
}

export async function withRetry<T>(run: (context: AttemptContext) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const { signal, policy = DEFAULT_RETRY_POLICY, random = Math.random, hooks = {} } = options;
  const avoidGuards = new Set<string>();
  let state: RetryState = { attempt: 0, clockResyncs: 0, swarmUpdates: 0 };
  let changeTarget = false;
  for (;;) {
    throwIfAborted(signal);
    state = { ...state, attempt: state.attempt + 1 };
    try {
      return await run({ attempt: state.attempt, changeTarget, avoidGuards, signal });
    } catch (error) {
      const decision = decideRetry(error, state, policy, random);
      if (decision.action === 'stop' || !isParleyError(error)) throw error;
      options.onRetry?.(error, decision);
      if (decision.avoidGuard !== undefined) avoidGuards.add(decision.avoidGuard);
      changeTarget = decision.changeTarget;
      if (decision.updateSwarm) {
        state = { ...state, swarmUpdates: state.swarmUpdates + 1 };
        if (error instanceof WrongSwarmError) await hooks.updateSwarm?.(error, signal);
      }
      if (decision.resyncClock) {
        state = { ...state, clockResyncs: state.clockResyncs + 1 };
        // A failed resync is not this request's verdict: the retry shows whether the clock is right now.
        await hooks.resyncClock?.(signal).catch((resyncError: unknown) => {
          if (isParleyError(resyncError, 'aborted') || isParleyError(resyncError, 'network_offline')) throw resyncError;
        });
      }
      if (decision.delayMs > 0) await sleep(decision.delayMs, signal);
    }
  }
}
