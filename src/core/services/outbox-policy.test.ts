import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ParleyError, type ErrorCode } from '../../shared/errors.ts';
import { classifySendFailure, DEFAULT_OUTBOX_SCHEDULE, nextAttemptAfter, probeDelay } from './outbox-policy.ts';

const err = (code: ErrorCode) => new ParleyError(code, 'test');

describe('classifySendFailure', () => {
  it('offline and aborted are not failures; network trouble is retried; the rest gives up with its code', () => {
    expect(classifySendFailure(err('network_offline'))).toEqual({ kind: 'offline' });
    expect(classifySendFailure(err('aborted'))).toEqual({ kind: 'aborted' });
    for (const code of ['path_failed', 'snode_unavailable', 'snode_not_found', 'wrong_swarm', 'clock_out_of_sync', 'request_failed', 'pool_unavailable', 'onion_malformed'] as const) {
      expect(classifySendFailure(err(code))).toEqual({ kind: 'retry', code });
    }
    for (const code of ['invalid_argument', 'storage_quota_exceeded', 'storage_failed', 'no_account'] as const) {
      expect(classifySendFailure(err(code))).toEqual({ kind: 'give_up', code });
    }
    expect(classifySendFailure(new TypeError('a bug'))).toEqual({ kind: 'give_up', code: 'request_failed' });
  });
});

describe('the schedule', () => {
  it('waits 2 s · 2^(n−1), jittered to between half and all of it, capped at 5 min; none after the last attempt', () => {
    const s = DEFAULT_OUTBOX_SCHEDULE;
    expect(s.maxAttempts).toBe(8);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 7 }), fc.double({ min: 0, max: 0.999999, noNaN: true }), (attempts, r) => {
        const full = Math.min(s.retryMaxMs, s.retryBaseMs * 2 ** (attempts - 1));
        const wait = nextAttemptAfter(attempts, 1_000, s, () => r)! - 1_000;
        expect(wait).toBeGreaterThanOrEqual(full / 2);
        expect(wait).toBeLessThanOrEqual(full);
      }),
      { numRuns: 100 },
    );
    expect(nextAttemptAfter(8, 1_000, s, Math.random)).toBeNull();
    expect(nextAttemptAfter(1, 0, { ...s, retryBaseMs: 10 * 60_000 }, () => 1)).toBe(s.retryMaxMs);
  });

  it('probes for the network after 5 s, then less often, at most every minute', () => {
    expect(probeDelay(0, DEFAULT_OUTBOX_SCHEDULE, () => 1)).toBe(5_000);
    expect(probeDelay(0, DEFAULT_OUTBOX_SCHEDULE, () => 0)).toBe(2_500);
    expect(probeDelay(1, DEFAULT_OUTBOX_SCHEDULE, () => 1)).toBe(10_000);
    expect(probeDelay(20, DEFAULT_OUTBOX_SCHEDULE, () => 1)).toBe(60_000);
  });
});
