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
const chatting: Attention = { visible: true, activeConversation: true, lastActivityAt: NOW - 5_000, now: NOW };
const quiet: Attention = { ...chatting, lastActivityAt: NOW - I.burstHoldMs - I.burstDecayMs };
const listOnly: Attention = { ...chatting, activeConversation: false };
const hidden: Attention = { ...chatting, visible: false };

describe('pollInterval', () => {
  it('500 ms right after a message, 7.5 s open but quiet, on the list, and hidden', () => {
    expect(pollInterval(chatting)).toBe(500);
    expect(pollInterval(quiet)).toBe(7_500);
    expect(pollInterval({ ...chatting, lastActivityAt: null })).toBe(7_500);
    expect(pollInterval(listOnly)).toBe(7_500);
    expect(pollInterval(hidden)).toBe(7_500);
    expect(pollInterval({ ...hidden, activeConversation: false })).toBe(7_500);
  });

  it('the burst holds for burstHoldMs, then slows evenly to the calm pace over burstDecayMs', () => {
    const at = (since: number) => pollInterval({ ...chatting, lastActivityAt: NOW - since });
    expect(at(0)).toBe(I.chattingMs);
    expect(at(I.burstHoldMs)).toBe(I.chattingMs);
    expect(at(I.burstHoldMs + I.burstDecayMs / 2)).toBe((I.chattingMs + I.conversationOpenMs) / 2);
    expect(at(I.burstHoldMs + I.burstDecayMs)).toBe(I.conversationOpenMs);
    expect(at(10 * 60_000)).toBe(I.conversationOpenMs);
    // Never faster as the message grows older.
    let previous = 0;
    for (let since = 0; since <= I.burstHoldMs + I.burstDecayMs + 1_000; since += 250) {
      expect(at(since)).toBeGreaterThanOrEqual(previous);
      previous = at(since);
    }
  });

  it('a clock set back before the last message gives the calm pace, not a burst', () => {
    expect(pollInterval({ ...chatting, lastActivityAt: NOW + 60_000 })).toBe(I.conversationOpenMs);
  });

  it('activity without an open conversation, or hidden, does not speed up', () => {
    expect(pollInterval({ ...listOnly, lastActivityAt: NOW })).toBe(I.visibleMs);
    expect(pollInterval({ ...hidden, lastActivityAt: NOW })).toBe(I.hiddenMs);
  });

  it('never faster when less is on screen (monotone in attention), always between burst and hidden', () => {
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

  it('all four at one value is a fixed pace (how a benchmark runs Session Desktop\'s 5 s)', () => {
    const fixed = { ...I, chattingMs: 5_000, conversationOpenMs: 5_000, visibleMs: 5_000, hiddenMs: 5_000 };
    for (const a of [chatting, quiet, listOnly, hidden]) expect(pollInterval(a, fixed)).toBe(5_000);
  });

  it('takes other numbers; a burst slower than the calm pace is the calm pace', () => {
    expect(pollInterval(chatting, { ...I, chattingMs: 100 })).toBe(100);
    expect(pollInterval(chatting, { ...I, chattingMs: 9_000 })).toBe(I.conversationOpenMs);
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
    expect(nextPoll(chatting, { kind: 'none' })).toEqual({ kind: 'after', delayMs: 500 });
    expect(nextPoll(hidden, { kind: 'ok', more: false, immediateRepolls: 0 })).toEqual({ kind: 'after', delayMs: 7_500 });
  });

  it('`more` → again at once, at most MAX_IMMEDIATE_REPOLLS times in a row', () => {
    expect(nextPoll(hidden, { kind: 'ok', more: true, immediateRepolls: 0 })).toEqual({ kind: 'after', delayMs: 0 });
    expect(nextPoll(hidden, { kind: 'ok', more: true, immediateRepolls: MAX_IMMEDIATE_REPOLLS - 1 })).toEqual({ kind: 'after', delayMs: 0 });
    expect(nextPoll(hidden, { kind: 'ok', more: true, immediateRepolls: MAX_IMMEDIATE_REPOLLS })).toEqual({ kind: 'after', delayMs: 7_500 });
  });

  it('failures double the interval up to 60 s', () => {
    const delays = [1, 2, 3, 4, 5, 6, 7, 8, 40].map((n) => nextPoll(chatting, { kind: 'failed', code: 'path_failed', consecutiveFailures: n }));
    expect(delays.map((d) => (d.kind === 'after' ? d.delayMs : -1))).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000]);
    expect(nextPoll(listOnly, { kind: 'failed', code: 'internal', consecutiveFailures: 1 })).toEqual({ kind: 'after', delayMs: 15_000 });
    expect(nextPoll(hidden, { kind: 'failed', code: 'snode_unavailable', consecutiveFailures: 4 })).toEqual({ kind: 'after', delayMs: 60_000 });
  });

  it('a failure never polls sooner than the interval, whatever the cap', () => {
    const tightCap = { ...I, maxBackoffMs: 1_000 };
    expect(nextPoll(hidden, { kind: 'failed', code: 'request_failed', consecutiveFailures: 1 }, tightCap)).toEqual({ kind: 'after', delayMs: 7_500 });
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
    expect([0, 1, 2, 3, 4, 5].map((n) => offlineProbeDelay(quiet, n))).toEqual([7_500, 15_000, 30_000, 60_000, 60_000, 60_000]);
    expect(offlineProbeDelay(hidden, 0)).toBe(7_500);
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
