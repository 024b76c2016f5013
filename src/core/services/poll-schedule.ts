/**
 * When to poll the account's swarm next: a pure function of what the person is doing and of how
 * the last poll went. docs/core.md "Receiving and polling" gives the reasoning behind the numbers
 * and compares them with Session Desktop's fixed 5 s.
 *
 *   visible, a conversation open, a message sent or received in the last 2 min → 2 s
 *   visible, a conversation open, quiet                                       → 5 s
 *   visible, no conversation open                                             → 15 s
 *   hidden                                                                    → 60 s
 *
 * A poll whose answer says `more` is followed at once, up to MAX_IMMEDIATE_REPOLLS in a row. After
 * a failure the delay doubles from the current interval up to 60 s; `network_offline` waits for the
 * network state (or its probe) instead of a timer of its own.
 */
import { checkInteger } from '../../../wasm/check.ts';
import { ParleyError, type ErrorCode } from '../../shared/errors.ts';

export interface PollIntervals {
  /** A conversation is open and a message went either way within `activeWindowMs`. */
  readonly chattingMs: number;
  /** A conversation is open, but quiet. */
  readonly conversationOpenMs: number;
  /** The app is on screen, showing the conversation list or settings. */
  readonly visibleMs: number;
  /** The tab is hidden or the window minimised. */
  readonly hiddenMs: number;
  /** How long after the last message a conversation still counts as active. */
  readonly activeWindowMs: number;
  /** The longest wait after failures. */
  readonly maxBackoffMs: number;
}

export const DEFAULT_POLL_INTERVALS: PollIntervals = {
  chattingMs: 2_000,
  conversationOpenMs: 5_000,
  visibleMs: 15_000,
  hiddenMs: 60_000,
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
  const recent = lastActivityAt !== null && now - lastActivityAt <= intervals.activeWindowMs;
  return recent ? intervals.chattingMs : intervals.conversationOpenMs;
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
