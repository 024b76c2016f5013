import { describe, expect, it, vi } from 'vitest';
import { ParleyError } from '../../shared/errors.ts';
import { MemoryNetStore } from '../../../test/memory-net-store.ts';
import { devnetProfile } from './network-profile.ts';
import { seededRandom } from './random.ts';
import { intersect, SnodePool } from './snode-pool.ts';
import { fakeNodes } from '../../../test/net-fakes.ts';
import type { Snode } from './types.ts';

const profile = devnetProfile('http://relay.test', { minPoolSize: 7, poolAgreementMin: 12 });

function makePool(seedNodes: Snode[], store = new MemoryNetStore()) {
  const transport = { fetchSeedNodes: vi.fn(async () => seedNodes) };
  const pool = new SnodePool({ profile, store, transport, random: seededRandom(1) });
  return { pool, store, transport };
}

describe('snode pool', () => {
  it('bootstraps from the seed when the store holds too few nodes, and persists', async () => {
    const { pool, store, transport } = makePool(fakeNodes(12));
    await store.saveSnodePool(fakeNodes(3));
    await pool.ensure();
    expect(transport.fetchSeedNodes).toHaveBeenCalledTimes(1);
    expect(pool.all()).toHaveLength(12);
    expect(await store.loadSnodePool()).toHaveLength(12);
  });

  it('uses a stored pool that is big enough, without asking the seed', async () => {
    const store = new MemoryNetStore();
    await store.saveSnodePool(fakeNodes(8));
    const { pool, transport } = makePool(fakeNodes(12), store);
    await pool.ensure();
    expect(transport.fetchSeedNodes).not.toHaveBeenCalled();
    expect(pool.all()).toHaveLength(8);
  });

  it('concurrent callers share one seed fetch', async () => {
    const { pool, transport } = makePool(fakeNodes(12));
    await Promise.all([pool.ensure(), pool.ensure(), pool.ensure()]);
    expect(transport.fetchSeedNodes).toHaveBeenCalledTimes(1);
  });

  it('drops a node at its third failure, persists and tells the listeners', async () => {
    const { pool, store } = makePool(fakeNodes(12));
    await pool.ensure();
    const removed: string[][] = [];
    pool.onDrop((r) => void removed.push([...r]));
    const ed = pool.all()[0]!.ed25519Hex;
    expect(await pool.recordFailure(ed)).toBe(false);
    expect(await pool.recordFailure(ed)).toBe(false);
    expect(pool.failureCount(ed)).toBe(2);
    expect(await pool.recordFailure(ed)).toBe(true);
    expect(pool.get(ed)).toBeUndefined();
    expect((await store.loadSnodePool()).some((n) => n.ed25519Hex === ed)).toBe(false);
    expect(removed).toEqual([[ed]]);
    expect(await pool.recordFailure(ed)).toBe(false);
  });

  it('refresh takes the intersection of 3 answers when enough nodes agree', async () => {
    const { pool } = makePool(fakeNodes(14));
    await pool.ensure();
    const removed: string[] = [];
    pool.onDrop((r) => void removed.push(...r));
    const asked: string[] = [];
    // Every node knows nodes 0..12; one also knows 13, another lacks 0 → the agreement is 1..12.
    const ask = async (node: Snode) => {
      asked.push(node.ed25519Hex);
      const n = asked.length;
      return n === 1 ? fakeNodes(14) : n === 2 ? fakeNodes(12, 1) : fakeNodes(13);
    };
    expect(await pool.refresh(ask)).toBe('nodes');
    expect(new Set(asked).size).toBe(3);
    expect(pool.all().map((n) => n.ip)).toEqual(fakeNodes(12, 1).map((n) => n.ip));
    expect(removed.sort()).toEqual([fakeNodes(1)[0]!.ed25519Hex, fakeNodes(1, 13)[0]!.ed25519Hex].sort());
  });

  it('refresh falls back to the seed when the nodes do not agree on enough, or fail', async () => {
    const { pool, transport } = makePool(fakeNodes(12));
    await pool.ensure();
    let call = 0;
    const ask = async () => (call++ % 3 === 0 ? fakeNodes(12) : call % 3 === 1 ? fakeNodes(6) : Promise.reject(new ParleyError('path_failed', 'x')));
    expect(await pool.refresh(ask)).toBe('seed');
    expect(transport.fetchSeedNodes).toHaveBeenCalledTimes(2);
  });

  it('refresh stops at once when the network is offline', async () => {
    const { pool } = makePool(fakeNodes(12));
    await pool.ensure();
    const ask = async () => Promise.reject(new ParleyError('network_offline', 'x'));
    await expect(pool.refresh(ask)).rejects.toMatchObject({ code: 'network_offline' });
  });

  it('intersect keeps the first list’s records present in every list', () => {
    const a = fakeNodes(5);
    expect(intersect([a, fakeNodes(4, 1), fakeNodes(5)])).toEqual(a.slice(1));
    expect(intersect([])).toEqual([]);
  });
});
