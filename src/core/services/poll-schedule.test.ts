import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codeOf } from '../../../test/expect-code.ts';
import {
  DEFAULT_POLL_INTERVALS as I,
  MAX_IMMEDIATE_REPOLLS,
  nextPoll,
  offlineProbeDelay,
  pollInterval,
  withJitter,
  type Attention,
} from './poll-schedule.ts';

const NOW = 1_750_000_000_000;
const chatting: Attention = { visible: true, activeConversation: true, lastActivityAt: NOW - 10_000, now: NOW };
const quiet: Attention = { ...chatting, lastActivityAt: NOW - I.activeWindowMs - 1 };
const listOnly: Attention = { ...chatting, activeConversation: false };
const hidden: Attention = { ...chatting, visible: false };

describe('pollInterval', () => {
  it('2 s chatting, 5 s open but quiet, 15 s visible, 60 s hidden', () => {
    expect(pollInterval(chatting)).toBe(2_000);
    expect(pollInterval(quiet)).toBe(5_000);
    expect(pollInterval({ ...chatting, lastActivityAt: null })).toBe(5_000);
    expect(pollInterval(listOnly)).toBe(15_000);
    expect(pollInterval(hidden)).toBe(60_000);
    expect(pollInterval({ ...hidden, activeConversation: false })).toBe(60_000);
  });

  it('the active window ends exactly at activeWindowMs', () => {
    expect(pollInterval({ ...chatting, lastActivityAt: NOW - I.activeWindowMs })).toBe(I.chattingMs);
    expect(pollInterval({ ...chatting, lastActivityAt: NOW - I.activeWindowMs - 1 })).toBe(I.conversationOpenMs);
  });

  it('activity without an open conversation does not speed up the list', () => {
    expect(pollInterval({ ...listOnly, lastActivityAt: NOW })).toBe(I.visibleMs);
  });

  it('never faster when less is on screen (monotone in attention)', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.boolean(), fc.option(fc.integer({ min: 0, max: NOW })), (visible, active, last) => {
        const a: Attention = { visible, activeConversation: active, lastActivityAt: last, now: NOW };
        expect(pollInterval({ ...a, visible: false })).toBeGreaterThanOrEqual(pollInterval(a));
        expect(pollInterval({ ...a, activeConversation: false })).toBeGreaterThanOrEqual(pollInterval(a));
        expect(pollInterval(a)).toBeGreaterThanOrEqual(I.chattingMs);
        expect(pollInterval(a)).toBeLessThanOrEqual(I.hiddenMs);
      }),
      { numRuns: 100 },
    );
  });

  it('takes other numbers', () => {
    expect(pollInterval(chatting, { ...I, chattingMs: 100 })).toBe(100);
  });

  it('checks its input', () => {
    expect(codeOf(() => pollInterval(null as never), 'param')).toBe('invalid_argument:attention');
    expect(codeOf(() => pollInterval({ ...chatting, visible: 1 as never }), 'param')).toBe('invalid_argument:attention.visible');
    expect(codeOf(() => pollInterval({ ...chatting, activeConversation: 'yes' as never }), 'param')).toBe('invalid_argument:attention.activeConversation');
    expect(codeOf(() => pollInterval({ ...chatting, lastActivityAt: 1.5 }), 'param')).toBe('invalid_argument:attention.lastActivityAt');
    expect(codeOf(() => pollInterval({ ...chatting, now: -1 }), 'param')).toBe('invalid_argument:attention.now');
  });
});

describe('nextPoll', () => {
  it('after a first start or a plain poll: the interval', () => {
    expect(nextPoll(chatting, { kind: 'none' })).toEqual({ kind: 'after', delayMs: 2_000 });
    expect(nextPoll(hidden, { kind: 'ok', more: false, immediateRepolls: 0 })).toEqual({ kind: 'after', delayMs: 60_000 });
  });

  it('`more` → again at once, at most MAX_IMMEDIATE_REPOLLS times in a row', () => {
    expect(nextPoll(hidden, { kind: 'ok', more: true, immediateRepolls: 0 })).toEqual({ kind: 'after', delayMs: 0 });
    expect(nextPoll(hidden, { kind: 'ok', more: true, immediateRepolls: MAX_IMMEDIATE_REPOLLS - 1 })).toEqual({ kind: 'after', delayMs: 0 });
    expect(nextPoll(hidden, { kind: 'ok', more: true, immediateRepolls: MAX_IMMEDIATE_REPOLLS })).toEqual({ kind: 'after', delayMs: 60_000 });
  });

  it('failures double the interval up to 60 s', () => {
    const delays = [1, 2, 3, 4, 5, 6, 40].map((n) => nextPoll(chatting, { kind: 'failed', code: 'path_failed', consecutiveFailures: n }));
    expect(delays.map((d) => (d.kind === 'after' ? d.delayMs : -1))).toEqual([4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000]);
    expect(nextPoll(listOnly, { kind: 'failed', code: 'internal', consecutiveFailures: 1 })).toEqual({ kind: 'after', delayMs: 30_000 });
    expect(nextPoll(hidden, { kind: 'failed', code: 'snode_unavailable', consecutiveFailures: 3 })).toEqual({ kind: 'after', delayMs: 60_000 });
  });

  it('a failure never polls sooner than the interval, whatever the cap', () => {
    const tightCap = { ...I, maxBackoffMs: 1_000 };
    expect(nextPoll(hidden, { kind: 'failed', code: 'request_failed', consecutiveFailures: 1 }, tightCap)).toEqual({ kind: 'after', delayMs: 60_000 });
  });

  it('network_offline waits for the network instead of a timer', () => {
    expect(nextPoll(chatting, { kind: 'failed', code: 'network_offline', consecutiveFailures: 1 })).toEqual({ kind: 'when_online' });
  });

  it('checks its input', () => {
    expect(codeOf(() => nextPoll(chatting, { kind: 'later' } as never), 'param')).toBe('invalid_argument:outcome.kind');
    expect(codeOf(() => nextPoll(chatting, { kind: 'failed', code: 'aborted', consecutiveFailures: 0 }), 'param')).toBe(
      'invalid_argument:outcome.consecutiveFailures',
    );
    expect(codeOf(() => nextPoll(chatting, { kind: 'ok', more: true, immediateRepolls: -1 }), 'param')).toBe('invalid_argument:outcome.immediateRepolls');
  });
});

describe('offlineProbeDelay and withJitter', () => {
  it('offline probes back off from the interval to 60 s', () => {
    expect([0, 1, 2, 3, 4, 5].map((n) => offlineProbeDelay(quiet, n))).toEqual([5_000, 10_000, 20_000, 40_000, 60_000, 60_000]);
    expect(offlineProbeDelay(hidden, 0)).toBe(60_000);
    expect(codeOf(() => offlineProbeDelay(quiet, -1), 'param')).toBe('invalid_argument:probesSoFar');
  });

  it('jitter stays within ±10 % and leaves 0 at 0', () => {
    expect(withJitter(0, () => 0.99)).toBe(0);
    expect(withJitter(2_000, () => 0)).toBe(1_800);
    expect(withJitter(2_000, () => 0.5)).toBe(2_000);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 120_000 }), fc.double({ min: 0, max: 0.999999, noNaN: true }), (ms, r) => {
        const jittered = withJitter(ms, () => r);
        expect(jittered).toBeGreaterThanOrEqual(Math.floor(ms * 0.9));
        expect(jittered).toBeLessThanOrEqual(Math.ceil(ms * 1.1));
      }),
      { numRuns: 100 },
    );
    expect(codeOf(() => withJitter(-1), 'param')).toBe('invalid_argument:delayMs');
  });
});
