import { describe, expect, it } from 'vitest';
import { boundedExpiry, PUBLIC_INBOX_TTL_MAX_MS, SEEN_HASH_MARGIN_MS } from './storage-limits.ts';

const NOW = 1_750_000_000_000;
const DAY = 24 * 3600_000;

describe('boundedExpiry: how long a record about a swarm message is kept', () => {
  it('an honest expiry, plus the margin', () => {
    expect(boundedExpiry(NOW + 3 * DAY, NOW)).toBe(NOW + 3 * DAY + SEEN_HASH_MARGIN_MS);
    expect(boundedExpiry(NOW + PUBLIC_INBOX_TTL_MAX_MS, NOW)).toBe(NOW + 15 * DAY);
  });

  it('no later than now + 14 days (+ margin), whatever a node claims', () => {
    for (const claim of [NOW + 15 * DAY, Date.UTC(2100, 0, 1), Number.MAX_SAFE_INTEGER]) {
      expect(boundedExpiry(claim, NOW)).toBe(NOW + 15 * DAY);
    }
  });

  it('no earlier than now (+ margin)', () => {
    for (const claim of [NOW - 1, 0, -5]) expect(boundedExpiry(claim, NOW)).toBe(NOW + DAY);
  });

  it('a claim that is not a whole number of milliseconds counts as the longest', () => {
    for (const claim of [1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 60]) expect(boundedExpiry(claim, NOW)).toBe(NOW + 15 * DAY);
  });
});
