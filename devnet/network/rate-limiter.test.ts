import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limiter.ts';

describe('RateLimiter (SS token bucket: 600 tokens, 300/s, 10 000 clients)', () => {
  it('lets a burst of 600 through, then refuses until tokens come back', () => {
    let now = 1_000;
    const limiter = new RateLimiter({ now: () => now });
    for (let i = 0; i < 600; i++) expect(limiter.shouldLimit('127.0.0.1')).toBe(false);
    expect(limiter.shouldLimit('127.0.0.1')).toBe(true);
    expect(limiter.shouldLimit('10.0.0.1')).toBe(false);
    now += 10; // 10 ms = 3 tokens at 300/s
    expect([0, 1, 2, 3].map(() => limiter.shouldLimit('127.0.0.1'))).toEqual([false, false, false, true]);
  });

  it('never refills past the bucket size', () => {
    let now = 0;
    const limiter = new RateLimiter({ now: () => now, bucketSize: 5, tokensPerSecond: 1000 });
    for (let i = 0; i < 5; i++) limiter.shouldLimit('a');
    now += 60_000;
    const results = Array.from({ length: 7 }, () => limiter.shouldLimit('a'));
    expect(results).toEqual([false, false, false, false, false, true, true]);
  });

  it('refuses new clients once the table is full of busy ones, and admits them when buckets refill', () => {
    let now = 0;
    const limiter = new RateLimiter({ now: () => now, maxClients: 2, bucketSize: 3, tokensPerSecond: 1 });
    expect(limiter.shouldLimit('a')).toBe(false);
    expect(limiter.shouldLimit('b')).toBe(false);
    expect(limiter.shouldLimit('c')).toBe(true);
    now += 5_000;
    expect(limiter.shouldLimit('c')).toBe(false);
  });
});
