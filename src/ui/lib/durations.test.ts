import { describe, expect, it } from 'vitest';
import { remainingWords, timerWords } from './durations.ts';

describe('timerWords', () => {
  it("says each of Session's timers in its largest whole unit", () => {
    expect([10, 300, 3600, 43200, 86400, 604800, 1209600].map(timerWords)).toEqual([
      '10 seconds', '5 minutes', '1 hour', '12 hours', '1 day', '1 week', '2 weeks',
    ]);
  });
});

describe('remainingWords', () => {
  it('rounds up, never shows zero', () => {
    expect(remainingWords(0)).toBe('1 second');
    expect(remainingWords(9_200)).toBe('10 seconds');
    expect(remainingWords(59_000)).toBe('59 seconds');
    expect(remainingWords(61_000)).toBe('2 minutes');
    expect(remainingWords(86_400_000)).toBe('1 day');
    expect(remainingWords(86_400_001)).toBe('2 days');
  });
});
