/**
 * When to poll the account's swarm next: a pure function of what the person is doing and of how
 * the last poll went. docs/delivery.md gives the measurements behind the numbers and compares them
 * with Session Desktop's fixed 5 s (2 members per poll); docs/core.md "Receiving and polling" the
 * rules.
 *
 *   visible, a conversation open, a message sent or received in the last 10 s → 500 ms ("burst")
 *   … then slowing evenly over the next 20 s                                   → up to the calm pace
 *   visible (a conversation open and quiet, or the list)                       → 7.5 s
 *   hidden                                                                     → 7.5 s
 *
 * Each poll asks one swarm member (poller.ts), so 7.5 s costs less than half the requests of desktop's
 * two members every 5 s. A poll whose answer says `more` is followed at once, up to
 * MAX_IMMEDIATE_REPOLLS in a row. After a failure the delay doubles from the current interval up to
 * 60 s; `network_offline` waits for the network state (or its probe) instead of a timer of its own.
 */
import { checkInteger } from '../../../wasm/check.ts';
import { ParleyError, type ErrorCode } from '../../shared/errors.ts';

export interface PollIntervals {
  /** The burst: a conversation is open and a message went either way within `burstHoldMs`. */
  readonly chattingMs: number;
  /** How long after the last message the burst keeps its pace. */
  readonly burstHoldMs: number;
  /** Then, over this long, the interval grows evenly from `chattingMs` to `conversationOpenMs`. */
  readonly burstDecayMs: number;
  /** A conversation is open, but quiet. */
  readonly conversationOpenMs: number;
  /** The app is on screen, showing the conversation list or settings. */
  readonly visibleMs: number;
  /** The tab is hidden or the window minimised. */
  readonly hiddenMs: number;
  /**
   * A message whose `sentAt` is older than this when it is stored is a backlog (fetched after a
   * restore or a long absence), not a conversation going on now: it starts no burst (poller.ts).
   */
  readonly activeWindowMs: number;
  /** The longest wait after failures. */
  readonly maxBackoffMs: number;
}

export const DEFAULT_POLL_INTERVALS: PollIntervals = {
  chattingMs: 500,
  burstHoldMs: 10_000,
  burstDecayMs: 20_000,
  conversationOpenMs: 7_500,
  visibleMs: 7_500,
  hiddenMs: 7_500,
  activeWindowMs: 2 * 60_000,
  maxBackoffMs: 60_000,
};

/** Polls made at once in a row while nodes answer `more`; then the normal interval resumes. */
export const MAX_IMMEDIATE_REPOLLS = 10;

/** ±10 % on every timer delay, so that many clients do not poll in lockstep. */
export const JITTER_FRACTION = 0.1;

export interface Attention {
  /** The app is on screen (document.visibilityState === 'visible'). */
  readonly visible: boolean;
  /** A conversation is open. */
  readonly activeConversation: boolean;
  /** When a message was last sent or received (device ms), or null if none since start. */
  readonly lastActivityAt: number | null;
  readonly now: number;
}

/** How the last poll ended. */
export type PollOutcome =
  | { readonly kind: 'none' }
  | { readonly kind: 'ok'; readonly more: boolean; readonly immediateRepolls: number }
  | { readonly kind: 'failed'; readonly code: ErrorCode; readonly consecutiveFailures: number };

export type NextPoll =
  | { readonly kind: 'after'; readonly delayMs: number }
  /** The relay is unreachable: poll when the network state says it is back (or its probe does). */
  | { readonly kind: 'when_online' };

/** The regular interval for what the person is doing now. */
export function pollInterval(attention: Attention, intervals: PollIntervals = DEFAULT_POLL_INTERVALS): number {
  checkAttention(attention);
  if (!attention.visible) return intervals.hiddenMs;
  if (!attention.activeConversation) return intervals.visibleMs;
  const { lastActivityAt, now } = attention;
  const calm = intervals.conversationOpenMs;
  // No activity yet, or a clock set back past it: calm (a burst is earned by a message, not a step).
  if (lastActivityAt === null || now < lastActivityAt) return calm;
  const since = now - lastActivityAt;
  const burst = Math.min(intervals.chattingMs, calm);
  if (since <= intervals.burstHoldMs) return burst;
  const decayed = since - intervals.burstHoldMs;
  if (decayed >= intervals.burstDecayMs) return calm;
  return Math.round(burst + ((calm - burst) * decayed) / intervals.burstDecayMs);
}

/** The next poll, from the attention now and the last poll's outcome (no jitter: see `withJitter`). */
export function nextPoll(attention: Attention, outcome: PollOutcome, intervals: PollIntervals = DEFAULT_POLL_INTERVALS): NextPoll {
  const interval = pollInterval(attention, intervals);
  switch (outcome.kind) {
    case 'none':
      return { kind: 'after', delayMs: interval };
    case 'ok':
      checkInteger(outcome.immediateRepolls, 'outcome.immediateRepolls', 0);
      return outcome.more && outcome.immediateRepolls < MAX_IMMEDIATE_REPOLLS
        ? { kind: 'after', delayMs: 0 }
        : { kind: 'after', delayMs: interval };
    case 'failed':
      checkInteger(outcome.consecutiveFailures, 'outcome.consecutiveFailures', 1);
      if (outcome.code === 'network_offline') return { kind: 'when_online' };
      return { kind: 'after', delayMs: backoff(interval, outcome.consecutiveFailures, intervals.maxBackoffMs) };
    default:
      throw new ParleyError('invalid_argument', 'outcome.kind must be none, ok or failed', { param: 'outcome.kind', problem: 'value' });
  }
}

/**
 * While offline: how long until the next probe. Doubles from the visible interval, so a hidden tab
 * probes no more often than it would poll.
 */
export function offlineProbeDelay(attention: Attention, probesSoFar: number, intervals: PollIntervals = DEFAULT_POLL_INTERVALS): number {
  checkInteger(probesSoFar, 'probesSoFar', 0);
  return backoff(pollInterval(attention, intervals), probesSoFar, intervals.maxBackoffMs);
}

/** `delayMs` moved by up to ±JITTER_FRACTION; `random` gives [0, 1). Zero stays zero. */
export function withJitter(delayMs: number, random: () => number = Math.random): number {
  checkInteger(delayMs, 'delayMs', 0);
  const factor = 1 + JITTER_FRACTION * (2 * random() - 1);
  return Math.max(0, Math.round(delayMs * factor));
}

/** interval × 2^failures, capped (the cap never shortens an interval already longer). */
function backoff(interval: number, failures: number, cap: number): number {
  const doubled = interval * 2 ** Math.min(failures, 30);
  return Math.max(interval, Math.min(cap, doubled));
}

function checkAttention(attention: Attention): void {
  if (typeof attention !== 'object' || attention === null) {
    throw new ParleyError('invalid_argument', 'attention must be an object', { param: 'attention', problem: 'type' });
  }
  for (const key of ['visible', 'activeConversation'] as const) {
    if (typeof attention[key] !== 'boolean') {
      throw new ParleyError('invalid_argument', `attention.${key} must be a boolean`, { param: `attention.${key}`, problem: 'type' });
    }
  }
  if (attention.lastActivityAt !== null) checkInteger(attention.lastActivityAt, 'attention.lastActivityAt', 0);
  checkInteger(attention.now, 'attention.now', 0);
}
