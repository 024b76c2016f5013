import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectCode } from '../../../test/expect-code.ts';
import { freshIndexedDB, type TestIndexedDB } from '../../../test/fake-indexeddb.ts';
import type { NetStore, Snode } from '../net/types.ts';
import { openParleyDatabase, type ParleyDB } from './database.ts';
import { createNetStore, pruneLastHashes } from './net-store.ts';

const key = (n: number) => n.toString(16).padStart(2, '0').repeat(32);
const snode = (n: number): Snode => ({ ed25519Hex: key(n), x25519Hex: key(n + 100), ip: `10.0.0.${n}`, port: 22000 + n });
const PUBKEY = '05' + key(0xaa);

let indexedDB: TestIndexedDB;
let db: ParleyDB;
let now: number;
let store: NetStore;
beforeEach(async () => {
  indexedDB = freshIndexedDB();
  db = await openParleyDatabase({ indexedDB });
  now = 1_000;
  store = createNetStore(db, { now: () => now });
});
afterEach(() => db.close());

describe('NetStore over IndexedDB', () => {
  it('round-trips the snode pool, a new pool replacing the old one', async () => {
    expect(await store.loadSnodePool()).toEqual([]);
    await store.saveSnodePool([snode(1), snode(2), snode(3)]);
    expect(sortByKey(await store.loadSnodePool())).toEqual([snode(1), snode(2), snode(3)]);
    await store.saveSnodePool([snode(4)]);
    expect(await store.loadSnodePool()).toEqual([snode(4)]);
  });

  it('keeps only the Snode fields', async () => {
    await store.saveSnodePool([{ ...snode(1), extra: 'x' } as Snode]);
    expect(await store.loadSnodePool()).toEqual([snode(1)]);
  });

  it('round-trips paths in order, a new set replacing the old one', async () => {
    expect(await store.loadPaths()).toEqual([]);
    const paths = [[key(1), key(2), key(3)], [key(4), key(5), key(6)]];
    await store.savePaths(paths);
    expect(await store.loadPaths()).toEqual(paths);
    await store.savePaths([[key(7), key(8), key(9)]]);
    expect(await store.loadPaths()).toEqual([[key(7), key(8), key(9)]]);
    await store.savePaths([]);
    expect(await store.loadPaths()).toEqual([]);
  });

  it('round-trips a swarm per pubkey', async () => {
    expect(await store.loadSwarm(PUBKEY)).toBeUndefined();
    await store.saveSwarm(PUBKEY, [key(1), key(2)], 500);
    await store.saveSwarm('03' + key(0xbb), [key(3)], 600);
    expect(await store.loadSwarm(PUBKEY)).toEqual({ members: [key(1), key(2)], fetchedAt: 500 });
    await store.saveSwarm(PUBKEY, [key(9)], 700);
    expect(await store.loadSwarm(PUBKEY)).toEqual({ members: [key(9)], fetchedAt: 700 });
  });

  it('keeps one last hash per (node, pubkey, namespace)', async () => {
    await store.saveLastHash(key(1), PUBKEY, 0, 'a', 5_000);
    await store.saveLastHash(key(1), PUBKEY, 2, 'b', 5_000);
    await store.saveLastHash(key(2), PUBKEY, 0, 'c', 5_000);
    await store.saveLastHash(key(1), PUBKEY, 0, 'd', 5_000);
    await store.saveLastHash(key(1), PUBKEY, -11, 'e', 5_000);
    expect(await store.loadLastHash(key(1), PUBKEY, 0)).toBe('d');
    expect(await store.loadLastHash(key(1), PUBKEY, 2)).toBe('b');
    expect(await store.loadLastHash(key(2), PUBKEY, 0)).toBe('c');
    expect(await store.loadLastHash(key(1), PUBKEY, -11)).toBe('e');
    expect(await store.loadLastHash(key(2), PUBKEY, 2)).toBeUndefined();
  });

  it('forgets an expired last hash, and prunes it', async () => {
    await store.saveLastHash(key(1), PUBKEY, 0, 'old', 2_000);
    await store.saveLastHash(key(2), PUBKEY, 0, 'new', 9_000);
    expect(await store.loadLastHash(key(1), PUBKEY, 0)).toBe('old');
    now = 2_000;
    expect(await store.loadLastHash(key(1), PUBKEY, 0)).toBeUndefined();
    expect(await pruneLastHashes(db, now)).toBe(1);
    expect(await db.count('lastHashes')).toBe(1);
    expect(await store.loadLastHash(key(2), PUBKEY, 0)).toBe('new');
  });

  it('keeps everything across a reopen', async () => {
    await store.saveSnodePool([snode(1)]);
    await store.savePaths([[key(1), key(2), key(3)]]);
    await store.saveSwarm(PUBKEY, [key(1)], 1);
    await store.saveLastHash(key(1), PUBKEY, 0, 'h', 5_000);
    db.close();
    db = await openParleyDatabase({ indexedDB });
    store = createNetStore(db, { now: () => now });
    expect(await store.loadSnodePool()).toEqual([snode(1)]);
    expect(await store.loadPaths()).toEqual([[key(1), key(2), key(3)]]);
    expect(await store.loadSwarm(PUBKEY)).toEqual({ members: [key(1)], fetchedAt: 1 });
    expect(await store.loadLastHash(key(1), PUBKEY, 0)).toBe('h');
  });

  it('checks its inputs and writes nothing on a bad one', async () => {
    await expectCode(store.saveSnodePool('nodes' as never), 'invalid_argument', 'nodes');
    await expectCode(store.saveSnodePool([snode(1), { ...snode(2), port: 0 }]), 'invalid_argument', 'nodes[1].port');
    await expectCode(store.saveSnodePool([{ ...snode(2), ed25519Hex: key(2).toUpperCase().replace(/\d/g, 'A') }]), 'invalid_argument', 'nodes[0].ed25519Hex');
    await expectCode(store.saveSnodePool([{ ...snode(2), x25519Hex: 'ab' }]), 'invalid_argument', 'nodes[0].x25519Hex');
    await expectCode(store.saveSnodePool([{ ...snode(2), ip: '' }]), 'invalid_argument', 'nodes[0].ip');
    await expectCode(store.savePaths([[key(1), 'xyz']]), 'invalid_argument', 'paths[0][1]');
    await expectCode(store.loadSwarm('05' + key(1).slice(2)), 'invalid_argument', 'pubkey');
    await expectCode(store.saveSwarm(PUBKEY, [key(1)], -1), 'invalid_argument', 'fetchedAt');
    await expectCode(store.saveLastHash(key(1), PUBKEY, 40_000, 'h', 1), 'invalid_argument', 'namespace');
    await expectCode(store.saveLastHash(key(1), PUBKEY, 0, '', 1), 'invalid_argument', 'hash');
    await expectCode(store.loadLastHash('nope', PUBKEY, 0), 'invalid_argument', 'nodeEd25519Hex');
    await expectCode(pruneLastHashes(db, -1), 'invalid_argument', 'now');
    expect(await store.loadSnodePool()).toEqual([]);
    expect(await store.loadPaths()).toEqual([]);
  });
});

function sortByKey(nodes: Snode[]): Snode[] {
  return [...nodes].sort((a, b) => a.ed25519Hex.localeCompare(b.ed25519Hex));
}
