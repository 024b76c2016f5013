import { describe, expect, it } from 'vitest';
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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('NetworkWaiter', () => {
  it('probes on its backoff until the network answers, then calls onBack once', async () => {
    const { world, state } = fakeNetwork();
    let backs = 0;
    const delays: number[] = [];
    const waiter = new NetworkWaiter({ state, probeDelay: (n) => (delays.push(n), 20), onBack: () => backs++ });
    waiter.begin();
    waiter.begin(); // already waiting: no second schedule
    expect(waiter.waiting).toBe(true);
    await sleep(90);
    expect(world.probes).toBeGreaterThanOrEqual(2);
    expect(delays.slice(0, 3)).toEqual([0, 1, 2]);
    world.online = true;
    await sleep(60);
    expect(backs).toBe(1);
    expect(waiter.waiting).toBe(false);
    const after = world.probes;
    await sleep(60);
    expect(world.probes).toBe(after); // no timer left
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
    await sleep(35);
    await waiter.cancel();
    const probes = world.probes;
    world.online = true;
    state.reportReachable();
    await sleep(40);
    expect(world.probes).toBe(probes);
    expect(backs).toBe(0);
    expect(waiter.waiting).toBe(false);
  });
});
