import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ParleyError } from '../../shared/errors.ts';
import { NetworkState } from '../net/network-state.ts';
import { NetworkWaiter } from './network-waiter.ts';

/** A network state whose probe fails until `online` is set (as storage.info through a dead relay would). */
function fakeNetwork() {
  const world = { online: false, probes: 0 };
  const state: NetworkState = new NetworkState(async () => {
    world.probes++;
    if (!world.online) {
      state.reportOffline();
      throw new ParleyError('network_offline', 'test: offline');
    }
    state.reportReachable();
  });
  state.reportOffline();
  return { world, state };
}

describe('NetworkWaiter', () => {
  // The waiter's clock is faked: each probe happens exactly when its delay has run out, no sooner.
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('probes on its backoff until the network answers, then calls onBack once', async () => {
    const { world, state } = fakeNetwork();
    let backs = 0;
    const delays: number[] = [];
    const waiter = new NetworkWaiter({ state, probeDelay: (n) => (delays.push(n), 20), onBack: () => backs++ });
    waiter.begin();
    waiter.begin(); // already waiting: no second schedule
    expect(waiter.waiting).toBe(true);
    await vi.advanceTimersByTimeAsync(19);
    expect(world.probes).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(world.probes).toBe(1);
    await vi.advanceTimersByTimeAsync(20);
    expect(world.probes).toBe(2);
    expect(delays).toEqual([0, 1, 2]);
    world.online = true;
    await vi.advanceTimersByTimeAsync(20);
    expect(world.probes).toBe(3);
    expect(backs).toBe(1);
    expect(waiter.waiting).toBe(false);
    expect(vi.getTimerCount()).toBe(0); // no timer left
    await vi.advanceTimersByTimeAsync(60_000);
    expect(world.probes).toBe(3);
    expect(backs).toBe(1);
  });

  it('comes back when anything else reaches the network (state change), and nudge probes at once', async () => {
    const { world, state } = fakeNetwork();
    let backs = 0;
    const waiter = new NetworkWaiter({ state, probeDelay: () => 60_000, onBack: () => backs++ });
    waiter.begin();
    state.reportReachable(); // e.g. the poller got an answer
    expect(backs).toBe(1);

    waiter.begin();
    state.reportOffline();
    await waiter.nudge();
    expect(world.probes).toBe(1);
    expect(waiter.waiting).toBe(true);
    world.online = true;
    await waiter.nudge();
    expect(backs).toBe(2);
    expect(waiter.waiting).toBe(false);
    await waiter.nudge(); // not waiting: nothing
    expect(world.probes).toBe(2);
  });

  it('cancel stops probing without calling onBack', async () => {
    const { world, state } = fakeNetwork();
    let backs = 0;
    const waiter = new NetworkWaiter({ state, probeDelay: () => 10, onBack: () => backs++ });
    waiter.begin();
    await vi.advanceTimersByTimeAsync(30);
    expect(world.probes).toBe(3);
    await waiter.cancel();
    expect(vi.getTimerCount()).toBe(0); // nothing left that could probe again
    world.online = true;
    state.reportReachable();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(world.probes).toBe(3);
    expect(backs).toBe(0);
    expect(waiter.waiting).toBe(false);
  });
});
