/**
 * The forward timeout between swarm members, on fake timers: a peer that is not there is reported
 * as timed out only once the timeout has passed (as OxenMQ keeps retrying until then), and a
 * peer that answers in time is never reported as timed out.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { NodeRecord, SwarmEntry } from '../node/types.ts';
import { InProcessSwarmTransport, TIMEOUT_ENTRY, type ForwardTarget } from './swarm-transport.ts';
import { sleep, withDeadline } from './timers.ts';
import { track } from '../../test/wait.ts';

const TIMEOUT_MS = 1_000;
const peer: NodeRecord = { ed25519Hex: 'ab'.repeat(32), x25519Hex: 'cd'.repeat(32), ip: '127.0.0.1', httpsPort: 1, omqPort: 2, swarmId: 0n };

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('InProcessSwarmTransport', () => {
  it('reports a peer that is not there as timed out once the forward timeout has passed, not before', async () => {
    const transport = new InProcessSwarmTransport(() => undefined, () => TIMEOUT_MS);
    const forwarded = track(transport.forward(peer, 'store', {}));
    await vi.advanceTimersByTimeAsync(TIMEOUT_MS - 1);
    expect(forwarded.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(forwarded).toEqual({ settled: true, value: TIMEOUT_ENTRY });
  });

  it('passes a peer’s answer on (copied, as over a wire), with the current timeout', async () => {
    const entry: SwarmEntry = { hash: 'h', signature: 's' };
    const target: ForwardTarget = { answerForwarded: vi.fn(async () => entry) };
    const transport = new InProcessSwarmTransport(() => target, () => TIMEOUT_MS);
    const answer = await transport.forward(peer, 'store', { a: 1 });
    expect(answer).toEqual(entry);
    expect(answer).not.toBe(entry);
    expect(target.answerForwarded).toHaveBeenCalledWith('store', { a: 1 }, TIMEOUT_MS);
  });
});

describe('devnet timers', () => {
  it('withDeadline gives the timeout value exactly when the deadline passes, and the work’s value before it', async () => {
    const late = track(withDeadline(sleep(5_000).then(() => 'work'), TIMEOUT_MS, () => 'timeout'));
    await vi.advanceTimersByTimeAsync(TIMEOUT_MS - 1);
    expect(late.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(late).toEqual({ settled: true, value: 'timeout' });

    const early = track(withDeadline(sleep(10).then(() => 'work'), TIMEOUT_MS, () => 'timeout'));
    await vi.advanceTimersByTimeAsync(10);
    expect(early).toEqual({ settled: true, value: 'work' });
    expect(vi.getTimerCount()).toBe(1); // only the late work's 5 s sleep is left: the early deadline was cleared
  });

  it('sleep waits its time and no less', async () => {
    const slept = track(sleep(300));
    await vi.advanceTimersByTimeAsync(299);
    expect(slept.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(slept.settled).toBe(true);
  });
});
