import { describe, expect, it } from 'vitest';
import { ParleyError } from '../../shared/errors.ts';
import { fakeNodes } from '../../../test/net-fakes.ts';
import { MemoryNetStore } from '../../../test/memory-net-store.ts';
import { NetworkState, type NetworkStatus } from './network-state.ts';
import type { OnionPath } from './types.ts';

const path = fakeNodes(3) as unknown as OnionPath;

describe('network state', () => {
  it('goes building → connected → offline → connected, telling subscribers each change once', () => {
    const state = new NetworkState();
    const seen: NetworkStatus['kind'][] = [];
    const unsubscribe = state.subscribe((s) => seen.push(s.kind));
    expect(state.current.kind).toBe('building_path');
    state.reportPaths([path]);
    expect(state.current).toEqual({ kind: 'connected', paths: [path], lastDestination: null });
    state.reportReachable();
    state.reportOffline();
    state.reportOffline();
    state.reportBuilding(); // building while offline stays offline: the relay is what is missing
    state.reportPaths([path]);
    expect(state.current.kind).toBe('offline');
    state.reportReachable();
    expect(state.current).toEqual({ kind: 'connected', paths: [path], lastDestination: null });
    unsubscribe();
    state.reportOffline();
    expect(seen).toEqual(['connected', 'offline', 'connected']);
  });

  it("keeps the first path's last destination, forgets it with a new guard, and tells subscribers of a change only", () => {
    const state = new NetworkState();
    const other = fakeNodes(6).slice(3) as unknown as OnionPath;
    const seen: (string | null)[] = [];
    state.subscribe((s) => seen.push(s.kind === 'connected' ? s.lastDestination : s.kind));
    state.reportPaths([path, other]);
    state.reportDelivered(path, 'aa'.repeat(32));
    state.reportDelivered(path, 'aa'.repeat(32));
    state.reportDelivered(other, 'bb'.repeat(32)); // not the path the view shows
    expect(state.current).toEqual({ kind: 'connected', paths: [path, other], lastDestination: 'aa'.repeat(32) });
    state.reportPaths([other]);
    expect(state.current).toMatchObject({ lastDestination: null });
    expect(seen).toEqual([null, 'aa'.repeat(32), null]);
  });

  it('without paths, coming back online means building', () => {
    const state = new NetworkState();
    state.reportOffline();
    state.reportReachable();
    expect(state.current.kind).toBe('building_path');
  });

  it('probe runs the check and answers with the resulting status; failures are a status, abort is thrown', async () => {
    const state = new NetworkState(async () => {
      state.reportReachable();
    });
    state.reportPaths([path]);
    state.reportOffline();
    expect((await state.probe()).kind).toBe('connected');
    const failing = new NetworkState(async () => {
      failing.reportOffline();
      throw new ParleyError('network_offline', 'x');
    });
    expect((await failing.probe()).kind).toBe('offline');
    const controller = new AbortController();
    controller.abort();
    const aborting = new NetworkState(async () => Promise.reject(new ParleyError('aborted', 'x')));
    await expect(aborting.probe(controller.signal)).rejects.toMatchObject({ code: 'aborted' });
  });
});

describe('MemoryNetStore', () => {
  it('keeps copies, and forgets a last hash once its message expired', async () => {
    let now = 1_000;
    const store = new MemoryNetStore(() => now);
    const nodes = fakeNodes(2);
    await store.saveSnodePool(nodes);
    (await store.loadSnodePool()).pop();
    expect(await store.loadSnodePool()).toHaveLength(2);
    const members = ['a', 'b'];
    await store.saveSwarm('05ab', members, 5);
    members.push('c');
    expect(await store.loadSwarm('05ab')).toEqual({ members: ['a', 'b'], fetchedAt: 5 });
    expect(await store.loadSwarm('05cd')).toBeUndefined();
    await store.saveLastHash('n', '05ab', 0, 'h', 2_000);
    expect(await store.loadLastHash('n', '05ab', 0)).toBe('h');
    expect(await store.loadLastHash('n', '05ab', 2)).toBeUndefined();
    now = 2_000;
    expect(await store.loadLastHash('n', '05ab', 0)).toBeUndefined();
  });
});
