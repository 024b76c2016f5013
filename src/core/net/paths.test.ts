import { describe, expect, it } from 'vitest';
import { ParleyError } from '../../shared/errors.ts';
import { MemoryNetStore } from '../../../test/memory-net-store.ts';
import { devnetProfile, mainnetProfile, type NetworkProfile } from './network-profile.ts';
import { PathManager, type GuardTester } from './paths.ts';
import { seededRandom, subnetOf } from './random.ts';
import { SnodePool } from './snode-pool.ts';
import { fakeNodes } from '../../../test/net-fakes.ts';
import type { OnionPath, Snode } from './types.ts';

interface Setup {
  nodes?: Snode[];
  profile?: NetworkProfile;
  testGuard?: GuardTester;
  store?: MemoryNetStore;
}

async function setup({ nodes = fakeNodes(12), profile = devnetProfile('http://relay.test'), testGuard, store = new MemoryNetStore() }: Setup = {}) {
  const pool = new SnodePool({ profile, store, transport: { fetchSeedNodes: async () => nodes }, random: seededRandom(7) });
  const tested: string[] = [];
  const events: string[] = [];
  const paths = new PathManager({
    profile,
    pool,
    store,
    random: seededRandom(11),
    testGuard:
      testGuard ??
      (async (candidate) => {
        tested.push(candidate.ed25519Hex);
        return true;
      }),
    events: { onBuilding: () => events.push('building'), onPaths: (p) => events.push(`paths:${p.length}`) },
  });
  return { pool, paths, store, tested, events };
}

const keysOf = (paths: readonly OnionPath[]) => paths.map((p) => p.map((n) => n.ed25519Hex));

describe('onion paths', () => {
  it('builds 2 disjoint 3-node paths whose guards were tested, and persists them', async () => {
    const { paths, store, tested, events } = await setup();
    const built = await paths.ensure();
    expect(built).toHaveLength(2);
    const all = built.flat().map((n) => n.ed25519Hex);
    expect(new Set(all).size).toBe(6);
    for (const path of built) expect(tested).toContain(path[0].ed25519Hex);
    for (const path of built) for (const relay of path.slice(1)) expect(tested).not.toContain(relay.ed25519Hex);
    expect(await store.loadPaths()).toEqual(keysOf(built));
    expect(events).toEqual(['building', 'paths:2']);
  });

  it('skips guard candidates that fail the test', async () => {
    const refused = new Set(fakeNodes(6).map((n) => n.ed25519Hex));
    const { paths } = await setup({ testGuard: async (c) => !refused.has(c.ed25519Hex) });
    const built = await paths.ensure();
    for (const path of built) expect(refused.has(path[0].ed25519Hex)).toBe(false);
  });

  it('gives up after the rounds when no candidate passes; a network_offline test stops at once', async () => {
    let tests = 0;
    const none = await setup({ testGuard: async () => (tests++, false) });
    await expect(none.paths.ensure()).rejects.toMatchObject({ code: 'path_failed' });
    expect(tests).toBeLessThanOrEqual(12);
    const offline = await setup({ testGuard: async () => Promise.reject(new ParleyError('network_offline', 'x')) });
    await expect(offline.paths.ensure()).rejects.toMatchObject({ code: 'network_offline' });
  });

  it('reloads stored paths without testing their guards again', async () => {
    const first = await setup();
    const built = keysOf(await first.paths.ensure());
    const second = await setup({ store: first.store });
    expect(keysOf(await second.paths.ensure())).toEqual(built);
    expect(second.tested).toEqual([]);
  });

  it('never gives a path containing the target', async () => {
    const { paths } = await setup();
    const [a, b] = await paths.ensure();
    for (let i = 0; i < 20; i++) expect(await paths.pathFor(a![1].ed25519Hex, new Set())).toBe(b);
    // Even when the other path's guard already failed this request: avoiding the target comes first.
    expect(await paths.pathFor(a![0].ed25519Hex, new Set([b![0].ed25519Hex]))).toBe(b);
  });

  it('when every path holds the target, a one-off path through a tested guard avoids it', async () => {
    const { paths, store } = await setup({ profile: devnetProfile('http://relay.test', { guardCount: 1 }) });
    const [only] = await paths.ensure();
    const target = only![2].ed25519Hex;
    const oneOff = await paths.pathFor(target, new Set());
    expect(oneOff[0]).toBe(only![0]);
    expect(oneOff.map((n) => n.ed25519Hex)).not.toContain(target);
    expect(paths.current()).toEqual([only]);
    expect(await store.loadPaths()).toEqual(keysOf([only!]));
  });

  it('prefers a path whose guard has not failed this request', async () => {
    const { paths } = await setup();
    const [a, b] = await paths.ensure();
    for (let i = 0; i < 10; i++) expect(await paths.pathFor(undefined, new Set([a![0].ed25519Hex]))).toBe(b);
  });

  it('counts path failures on the relays and the path; at 3 the path is dropped and rebuilt', async () => {
    const { paths, pool } = await setup();
    const [a] = await paths.ensure();
    const guard = a![0].ed25519Hex;
    await paths.reportFailure(a!);
    expect(pool.failureCount(a![1].ed25519Hex)).toBe(1);
    expect(pool.failureCount(guard)).toBe(0);
    expect(paths.failureCount(guard)).toBe(1);
    await paths.reportFailure(paths.current()[0]!);
    await paths.reportFailure(paths.current()[0]!);
    // Both relays reached 3 and left the pool; the path reached 3 and was dropped.
    expect(pool.get(a![1].ed25519Hex)).toBeUndefined();
    expect(paths.current().some((p) => p[0].ed25519Hex === guard)).toBe(false);
    expect(paths.current()).toHaveLength(1);
    const rebuilt = await paths.ensure();
    expect(rebuilt).toHaveLength(2);
  });

  it('a guard that is down is counted too', async () => {
    const { paths, pool } = await setup();
    const [a] = await paths.ensure();
    await paths.reportFailure(a!, { guardDown: true });
    expect(pool.failureCount(a![0].ed25519Hex)).toBe(1);
  });

  it('a relay dropped from the pool is replaced; a dropped guard takes its path along', async () => {
    const { paths, pool, store } = await setup();
    const [a, b] = await paths.ensure();
    await pool.drop(a![2].ed25519Hex);
    const repaired = paths.current().find((p) => p[0] === a![0])!;
    expect(repaired.map((n) => n.ed25519Hex)).not.toContain(a![2].ed25519Hex);
    expect(new Set(paths.current().flat().map((n) => n.ed25519Hex)).size).toBe(6);
    await pool.drop(b![0].ed25519Hex);
    expect(paths.current()).toHaveLength(1);
    expect(await store.loadPaths()).toEqual(keysOf(paths.current()));
  });

  it('rebuild replaces every path with newly built ones', async () => {
    const { paths, tested, events } = await setup();
    await paths.ensure();
    const before = tested.length;
    const rebuilt = await paths.rebuild();
    expect(rebuilt).toHaveLength(2);
    expect(tested.length).toBeGreaterThan(before);
    expect(events).toEqual(['building', 'paths:2', 'paths:0', 'building', 'paths:2']);
  });

  it('on mainnet, a path takes its nodes from distinct /24 subnets', async () => {
    const crowded = fakeNodes(24).map((n, i) => ({ ...n, ip: `10.0.${i % 4}.${i + 1}` }));
    const { paths } = await setup({ nodes: crowded, profile: mainnetProfile('https://relay.test') });
    for (let i = 0; i < 5; i++) {
      for (const path of await paths.ensure()) expect(new Set(path.map((n) => subnetOf(n.ip))).size).toBe(3);
      await paths.reportFailure(paths.current()[0]!);
    }
  });
});
