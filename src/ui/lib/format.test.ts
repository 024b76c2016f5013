import { describe, expect, it } from 'vitest';
import { formatTime } from './format.ts';

describe('formatTime', () => {
  it('says the same as Intl for every second of a minute, across minutes and days', () => {
    const intl = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
    const base = new Date(2026, 2, 29, 0, 58, 0).getTime();
    for (let at = base; at < base + 3 * 60_000; at += 7_000) expect(formatTime(at)).toBe(intl.format(at));
    for (const at of [0, 86_399_999, base + 86_400_000 * 200 + 59_999]) expect(formatTime(at)).toBe(intl.format(at));
  });
});
