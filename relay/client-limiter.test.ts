import { describe, expect, it } from 'vitest';
import { ClientLimiter, clientKey } from './client-limiter.ts';

const limits = { clientBurst: 3, clientRefillPerSecond: 2, clientMaxConcurrent: 2, maxTrackedClients: 4 };

function limiterAt(start = 0) {
  const clock = { now: start };
  return { limiter: new ClientLimiter(limits, () => clock.now), clock };
}

describe('client limiter', () => {
  it('admits a burst, then refuses with the wait until the next token, then admits as tokens come back', () => {
    const { limiter, clock } = limiterAt();
    for (let i = 0; i < 3; i++) {
      const admission = limiter.admit('10.0.0.1');
      expect(admission.admitted).toBe(true);
      if (admission.admitted) admission.release();
    }
    expect(limiter.admit('10.0.0.1')).toEqual({ admitted: false, reason: 'rate', retryAfterSeconds: 1 });
    clock.now += 500; // one token at 2 per second
    expect(limiter.admit('10.0.0.1').admitted).toBe(true);
    expect(limiter.admit('10.0.0.1').admitted).toBe(false);
  });

  it('caps requests in flight, and a release frees the slot (once, however often it is called)', () => {
    const { limiter, clock } = limiterAt();
    const first = limiter.admit('10.0.0.1');
    const second = limiter.admit('10.0.0.1');
    expect(limiter.admit('10.0.0.1')).toEqual({ admitted: false, reason: 'concurrency', retryAfterSeconds: 1 });
    if (!first.admitted || !second.admitted) throw new Error('expected two admissions');
    first.release();
    first.release();
    clock.now += 10_000;
    expect(limiter.admit('10.0.0.1').admitted).toBe(true);
    expect(limiter.admit('10.0.0.1').admitted).toBe(false);
  });

  it('counts each client on its own', () => {
    const { limiter } = limiterAt();
    for (let i = 0; i < 3; i++) limiter.admit('10.0.0.1');
    expect(limiter.admit('10.0.0.1').admitted).toBe(false);
    expect(limiter.admit('10.0.0.2').admitted).toBe(true);
  });

  it('forgets idle clients once over the bound, and keeps the busy ones', () => {
    const { limiter, clock } = limiterAt();
    const busy = limiter.admit('10.0.0.100');
    expect(busy.admitted).toBe(true);
    for (let i = 1; i <= 4; i++) {
      const admission = limiter.admit(`10.0.0.${i}`);
      if (admission.admitted) admission.release();
    }
    expect(limiter.tracked).toBe(5);
    clock.now += 10_000; // every released bucket is full again
    limiter.admit('10.0.1.1');
    expect(limiter.tracked).toBe(2);
    // The busy client was kept: its slot is still taken.
    limiter.admit('10.0.0.100');
    expect(limiter.admit('10.0.0.100')).toMatchObject({ admitted: false, reason: 'concurrency' });
  });
});

describe('client key', () => {
  it('is the IPv4 address, also when mapped into IPv6', () => {
    expect(clientKey('192.0.2.7')).toBe('192.0.2.7');
    expect(clientKey('::ffff:192.0.2.7')).toBe('192.0.2.7');
  });

  it("is an IPv6 client's /64, however the address is written", () => {
    const key = clientKey('2001:db8:1:2::1');
    expect(key).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:0db8:0001:0002:ffff:ffff:ffff:ffff')).toBe(key);
    expect(clientKey('2001:DB8:1:2:0:0:0:9')).toBe(key);
    expect(clientKey('2001:db8:1:3::1')).not.toBe(key);
    expect(clientKey('::1')).toBe('0:0:0:0::/64');
  });

  it('puts clients without an address together', () => {
    expect(clientKey(undefined)).toBe('unknown');
  });
});
