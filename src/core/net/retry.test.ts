import { describe, expect, it, vi } from 'vitest';
import { ParleyError, type ErrorCode } from '../../shared/errors.ts';
import { WrongSwarmError } from './destination-errors.ts';
import { DEFAULT_RETRY_POLICY, decideRetry, jitteredBackoff, withRetry, type RetryPolicy } from './retry.ts';

const first = { attempt: 1, clockResyncs: 0, swarmUpdates: 0 };
const half = () => 0.5;
const err = (code: ErrorCode, details: Record<string, string | number> = {}) => new ParleyError(code, code, details);
const fast: RetryPolicy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 1, maxDelayMs: 2 };

describe('decideRetry: the reaction to each code', () => {
  it('path failure: another path (the failed guard avoided) and another target, after a backoff', () => {
    const decision = decideRetry(err('path_failed', { guard: 'g1', reason: 'timeout' }), first, DEFAULT_RETRY_POLICY, half);
    expect(decision).toEqual({ action: 'retry', delayMs: jitteredBackoff(1, DEFAULT_RETRY_POLICY, half), changeTarget: true, avoidGuard: 'g1' });
  });

  it('node not found: another target at once; node unavailable: another target after a backoff', () => {
    expect(decideRetry(err('snode_not_found'), first)).toEqual({ action: 'retry', delayMs: 0, changeTarget: true });
    const unavailable = decideRetry(err('snode_unavailable', { status: 503 }), first, DEFAULT_RETRY_POLICY, half);
    expect(unavailable).toMatchObject({ action: 'retry', changeTarget: true });
    expect(unavailable.action === 'retry' && unavailable.delayMs).toBeGreaterThan(0);
  });

  it('421: update the swarm and use a new member, at most twice per request', () => {
    const error = new WrongSwarmError([], 'ab'.repeat(32));
    expect(decideRetry(error, first)).toEqual({ action: 'retry', delayMs: 0, changeTarget: true, updateSwarm: true });
    expect(decideRetry(error, { ...first, attempt: 3, swarmUpdates: 2 })).toEqual({ action: 'stop' });
  });

  it('a busy relay: the same request after its Retry-After, unless that is longer than the policy waits', () => {
    expect(decideRetry(err('relay_busy', { reason: 'rate_limited', retryAfterMs: 2_000 }), first)).toEqual({
      action: 'retry',
      delayMs: 2_000,
      changeTarget: false,
    });
    const tooLong = DEFAULT_RETRY_POLICY.maxRelayWaitMs + 1;
    expect(decideRetry(err('relay_busy', { reason: 'relay_busy', retryAfterMs: tooLong }), first)).toEqual({ action: 'stop' });
    expect(decideRetry(err('relay_busy', { retryAfterMs: 1_000 }), { ...first, attempt: DEFAULT_RETRY_POLICY.maxAttempts })).toEqual({ action: 'stop' });
  });

  it('406/425: resync the clock and retry on the same node, once', () => {
    expect(decideRetry(err('clock_out_of_sync'), first)).toEqual({ action: 'retry', delayMs: 0, changeTarget: false, resyncClock: true });
    expect(decideRetry(err('clock_out_of_sync'), { ...first, attempt: 2, clockResyncs: 1 })).toEqual({ action: 'stop' });
  });

  it('stops on offline, abort, refusals, unknown errors and after the last attempt', () => {
    for (const code of ['network_offline', 'aborted', 'pool_unavailable', 'request_failed', 'invalid_argument', 'storage_failed'] as const) {
      expect(decideRetry(err(code), first)).toEqual({ action: 'stop' });
    }
    expect(decideRetry(new Error('bug'), first)).toEqual({ action: 'stop' });
    expect(decideRetry(err('path_failed'), { ...first, attempt: DEFAULT_RETRY_POLICY.maxAttempts })).toEqual({ action: 'stop' });
  });

  it('backoff grows, is capped, and is jittered between half and all of it', () => {
    const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1000 };
    expect(jitteredBackoff(1, policy, () => 0)).toBe(50);
    expect(jitteredBackoff(1, policy, () => 0.999999)).toBe(100);
    expect(jitteredBackoff(3, policy, () => 0)).toBe(200);
    expect(jitteredBackoff(10, policy, () => 0)).toBe(500);
    expect(jitteredBackoff(10, policy, () => 0.999999)).toBe(1000);
  });
});

describe('withRetry', () => {
  it('retries path failures on another path, telling the attempt which guards failed', async () => {
    const seen: { attempt: number; changeTarget: boolean; avoid: string[] }[] = [];
    const result = await withRetry(
      async (ctx) => {
        seen.push({ attempt: ctx.attempt, changeTarget: ctx.changeTarget, avoid: [...ctx.avoidGuards] });
        if (ctx.attempt < 3) throw err('path_failed', { guard: `g${ctx.attempt}` });
        return 'ok';
      },
      { policy: fast },
    );
    expect(result).toBe('ok');
    expect(seen).toEqual([
      { attempt: 1, changeTarget: false, avoid: [] },
      { attempt: 2, changeTarget: true, avoid: ['g1'] },
      { attempt: 3, changeTarget: true, avoid: ['g1', 'g2'] },
    ]);
  });

  it('gives up after maxAttempts with the last error', async () => {
    const run = vi.fn(async () => {
      throw err('snode_unavailable');
    });
    await expect(withRetry(run, { policy: { ...fast, maxAttempts: 3 } })).rejects.toMatchObject({ code: 'snode_unavailable' });
    expect(run).toHaveBeenCalledTimes(3);
  });

  it('does not retry network_offline', async () => {
    const run = vi.fn(async () => {
      throw err('network_offline');
    });
    await expect(withRetry(run, { policy: fast })).rejects.toMatchObject({ code: 'network_offline' });
    expect(run).toHaveBeenCalledTimes(1);
  });

  it('resyncs the clock once on 406 and retries; a second 406 is final', async () => {
    const resyncClock = vi.fn(async () => undefined);
    let calls = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          throw err('clock_out_of_sync');
        },
        { policy: fast, hooks: { resyncClock } },
      ),
    ).rejects.toMatchObject({ code: 'clock_out_of_sync' });
    expect(calls).toBe(2);
    expect(resyncClock).toHaveBeenCalledTimes(1);
  });

  it('a failed resync is not fatal, but going offline during it is', async () => {
    let calls = 0;
    const run = async () => {
      if (calls++ === 0) throw err('clock_out_of_sync');
      return 'ok';
    };
    await expect(withRetry(run, { policy: fast, hooks: { resyncClock: async () => Promise.reject(err('path_failed')) } })).resolves.toBe('ok');
    calls = 0;
    await expect(
      withRetry(run, { policy: fast, hooks: { resyncClock: async () => Promise.reject(err('network_offline')) } }),
    ).rejects.toMatchObject({ code: 'network_offline' });
  });

  it('hands the 421 swarm to updateSwarm before the retry', async () => {
    const swarm = [{ ed25519Hex: 'a'.repeat(64), x25519Hex: 'b'.repeat(64), ip: '10.0.0.1', port: 1 }];
    const updateSwarm = vi.fn(async () => undefined);
    let calls = 0;
    const result = await withRetry(
      async (ctx) => {
        if (calls++ === 0) throw new WrongSwarmError(swarm, 'c'.repeat(64));
        return ctx.changeTarget;
      },
      { policy: fast, hooks: { updateSwarm } },
    );
    expect(result).toBe(true);
    expect(updateSwarm).toHaveBeenCalledTimes(1);
    expect((updateSwarm.mock.calls[0] as unknown[])[0]).toMatchObject({ code: 'wrong_swarm', swarm });
  });

  it('an abort during the backoff ends the wait at once', async () => {
    vi.useFakeTimers();
    try {
      const controller = new AbortController();
      const slow: RetryPolicy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 60_000, maxDelayMs: 60_000 };
      const run = vi.fn(async () => {
        throw err('snode_unavailable');
      });
      const outcome = withRetry(run, { policy: slow, signal: controller.signal }).catch((e: unknown) => e);
      await vi.advanceTimersByTimeAsync(0);
      expect(run).toHaveBeenCalledTimes(1);
      expect(vi.getTimerCount()).toBe(1); // the backoff is waiting
      controller.abort();
      // The clock never moves past the start: only the abort can end the wait.
      expect(await outcome).toMatchObject({ code: 'aborted' });
      expect(run).toHaveBeenCalledTimes(1);
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('does not start when the signal is already aborted', async () => {
    const run = vi.fn(async () => 'ok');
    await expect(withRetry(run, { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'aborted' });
    expect(run).not.toHaveBeenCalled();
  });
});
