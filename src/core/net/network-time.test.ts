import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EARLIEST_SERVER_TIME_MS, NetworkTime, OFFSET_WINDOW, serverTimeOf } from './network-time.ts';

const T0 = 1_750_000_000_000;

function clockAt(start: number) {
  let now = start;
  return { clock: () => now, set: (ms: number) => (now = ms) };
}

describe('network time', () => {
  it('is the device clock until a server answers', () => {
    const { clock } = clockAt(T0);
    const time = new NetworkTime(clock);
    expect(time.offsetMs()).toBe(0);
    expect(time.now()).toBe(T0);
  });

  it('corrects by the offset of a server answer', () => {
    const { clock } = clockAt(T0 + 120_000);
    const time = new NetworkTime(clock);
    time.record(T0);
    expect(time.offsetMs()).toBe(120_000);
    expect(time.now()).toBe(T0);
  });

  it('averages the last 10 offsets, floored', () => {
    const { clock } = clockAt(T0);
    const time = new NetworkTime(clock);
    for (let i = 1; i <= 15; i++) time.record(T0 - i); // offsets 1..15
    expect(time.sampleCount).toBe(OFFSET_WINDOW);
    expect(time.offsetMs()).toBe(Math.floor((6 + 15) / 2)); // 6..15 kept: mean 10.5 → 10
    time.record(T0 + 3); // offset −3 replaces 6: 7..15 and −3 → (99 − 3) / 10 = 9.6 → 9
    expect(time.offsetMs()).toBe(9);
  });

  it('floors negative averages too (towards −∞), as desktop does', () => {
    const { clock } = clockAt(T0);
    const time = new NetworkTime(clock);
    time.record(T0 + 1);
    time.record(T0 + 2);
    expect(time.offsetMs()).toBe(-2);
  });

  it('ignores times before 2021-01-01 and non-integers', () => {
    const time = new NetworkTime(() => T0);
    for (const bad of [EARLIEST_SERVER_TIME_MS - 1, 0, -5, 1.5, Number.NaN, '1750000000000', null, undefined, {}]) time.record(bad);
    expect(time.sampleCount).toBe(0);
    time.record(EARLIEST_SERVER_TIME_MS);
    expect(time.sampleCount).toBe(1);
  });

  it('resync starts the window again from one fresh answer; a bad one changes nothing', () => {
    const { clock } = clockAt(T0);
    const time = new NetworkTime(clock);
    for (let i = 0; i < 10; i++) time.record(T0 - 50);
    expect(time.resync('garbage')).toBe(false);
    expect(time.offsetMs()).toBe(50);
    expect(time.resync(T0 + 120_000)).toBe(true);
    expect(time.sampleCount).toBe(1);
    expect(time.now()).toBe(T0 + 120_000);
  });

  it('property: with a window of equal offsets, now() is the server clock', () => {
    fc.assert(
      fc.property(fc.integer({ min: -86_400_000, max: 86_400_000 }), fc.integer({ min: 1, max: 30 }), (offset, n) => {
        const { clock } = clockAt(T0);
        const time = new NetworkTime(clock);
        for (let i = 0; i < n; i++) time.record(T0 - offset);
        expect(time.now()).toBe(T0 - offset);
      }),
      { numRuns: 100 },
    );
  });

  it('finds t at the top of an answer or in the first batch result that has one', () => {
    expect(serverTimeOf({ t: 5, hf: [19, 3] })).toBe(5);
    expect(serverTimeOf({ results: [{ code: 421, body: 'x' }, { code: 200, body: { t: 7 } }, { code: 200, body: { t: 9 } }] })).toBe(7);
    expect(serverTimeOf({ results: [] })).toBeUndefined();
    expect(serverTimeOf('text')).toBeUndefined();
    expect(serverTimeOf(null)).toBeUndefined();
    expect(serverTimeOf({ t: '5' })).toBeUndefined();
  });
});
