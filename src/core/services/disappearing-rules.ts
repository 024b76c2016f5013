/**
 * The rules of disappearing messages (client-protocol.md §8, §5.2; docs/disappearing.md), as pure
 * functions: which timers may be chosen, how a setting travels in Content (fields 12 and 13), how
 * long each copy lives in a swarm, and when a message's local timer starts.
 */
import { ParleyError } from '../../shared/errors.ts';
import { PUBLIC_INBOX_TTL_MAX_MS } from '../net/storage-limits.ts';
import type { Content } from '../protocol/content.ts';
import { DEV_TIMER_OPTIONS, TIMER_OPTIONS } from '../../shared/disappearing-timers.ts';
import type { DisappearingSetting } from '../store/schema.ts';

export type { DisappearingMode, DisappearingSetting } from '../store/schema.ts';

export { DEFAULT_TIMER, DEV_TIMER_OPTIONS, TIMER_OPTIONS } from '../../shared/disappearing-timers.ts';

/** Desktop's TTL for content messages, the server's maximum for namespace 0. */
export const DEFAULT_TTL_MS = PUBLIC_INBOX_TTL_MAX_MS;
/** The storage server refuses a TTL below 10 s (network-protocol.md §3.2). */
export const MIN_TTL_MS = 10_000;

/**
 * Checks a setting the person chose: `mode` 'off' gives null. `invalid_argument` {param, problem}
 * for an unknown mode or a timer Session does not offer for it.
 */
export function checkDisappearingChoice(mode: unknown, timerSeconds: unknown, allowDevTimers: boolean): DisappearingSetting | null {
  if (mode === 'off') return null;
  if (mode !== 'after_send' && mode !== 'after_read') {
    throw new ParleyError('invalid_argument', 'mode must be off, after_send or after_read', { param: 'mode', problem: 'value' });
  }
  const allowed = allowDevTimers ? [...DEV_TIMER_OPTIONS, ...TIMER_OPTIONS[mode]] : TIMER_OPTIONS[mode];
  if (typeof timerSeconds !== 'number' || !allowed.includes(timerSeconds)) {
    throw new ParleyError('invalid_argument', `timerSeconds must be one of ${allowed.join(', ')}`, {
      param: 'timerSeconds',
      problem: 'value',
    });
  }
  return { mode, timerSeconds };
}

/** Content's expirationType (12) and expirationTimer (13) for a setting; off is UNKNOWN and 0. */
export function contentExpiration(setting: DisappearingSetting | null): Pick<Content, 'expirationType' | 'expirationTimer'> {
  if (setting === null) return { expirationType: 'unknown', expirationTimer: 0 };
  return {
    expirationType: setting.mode === 'after_send' ? 'delete_after_send' : 'delete_after_read',
    expirationTimer: setting.timerSeconds,
  };
}

/**
 * The setting a received Content carries: null (off) when the timer is 0 or absent or the type is
 * unknown — a legacy or malformed value never makes a message disappear by surprise.
 */
export function settingFromContent(content: Pick<Content, 'expirationType' | 'expirationTimer'>): DisappearingSetting | null {
  const timer = content.expirationTimer ?? 0;
  if (timer <= 0) return null;
  if (content.expirationType === 'delete_after_send') return { mode: 'after_send', timerSeconds: timer };
  if (content.expirationType === 'delete_after_read') return { mode: 'after_read', timerSeconds: timer };
  return null;
}

/** A copy's TTL in the swarm (§5.2, §8): the timer for delete-after-send, else 14 days (shortened by `expire` once read). */
export function swarmTtlMs(setting: DisappearingSetting | null): number {
  if (setting === null || setting.mode === 'after_read') return DEFAULT_TTL_MS;
  return Math.min(DEFAULT_TTL_MS, Math.max(MIN_TTL_MS, setting.timerSeconds * 1000));
}

/**
 * When a message's local timer ends, from what is known when it is written:
 * - delete-after-send counts from the sent time (the envelope timestamp), both ways;
 * - delete-after-read counts from reading: our own messages are read when written (so from the
 *   sent time, as desktop does), someone else's wait for `startReadTimer` (null here).
 */
export function expiresAtOnWrite(setting: DisappearingSetting | null, sentAt: number, ours: boolean): number | null {
  if (setting === null) return null;
  if (setting.mode === 'after_read' && !ours) return null;
  return sentAt + setting.timerSeconds * 1000;
}

/** A delete-after-read message read at `readAt`: when it goes. */
export function expiresAtOnRead(setting: DisappearingSetting, readAt: number): number {
  return readAt + setting.timerSeconds * 1000;
}
