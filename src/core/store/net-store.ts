/**
 * The network layer's persistence (net/types.ts `NetStore`) over IndexedDB: the snode pool, onion
 * paths, swarms, and retrieve's last_hash per (node, pubkey, namespace).
 */
import { checkArray, checkInteger, checkObject } from '../../../wasm/check.ts';
import type { NetStore, Snode } from '../net/types.ts';
import { checkAccountPubkey, checkEd25519Hex, checkText, checkTime } from './checks.ts';
import type { ParleyDB } from './database.ts';
import type { LastHashRecord } from './schema.ts';
import { keyRange } from './idb-env.ts';
import { storageCall } from './storage-errors.ts';
import { writeTransaction } from './transaction.ts';

export interface NetStoreOptions {
  /** The clock that decides whether a stored last hash has expired. */
  readonly now?: () => number;
}

/** Storage-server namespaces are 16-bit signed integers. */
const NAMESPACE_MIN = -32768;
const NAMESPACE_MAX = 32767;

export function createNetStore(db: ParleyDB, options: NetStoreOptions = {}): NetStore {
  const now = options.now ?? Date.now;
  return {
    loadSnodePool: () => storageCall('loadSnodePool', () => db.getAll('netPool')),

    async saveSnodePool(nodes) {
      checkArray(nodes, 'nodes');
      const records = nodes.map((node, i) => toSnode(node, `nodes[${i}]`));
      return writeTransaction(db, ['netPool'], 'saveSnodePool', async (tx) => {
        await tx.store.clear();
        await Promise.all(records.map((node) => tx.store.put(node)));
      });
    },

    loadPaths: () =>
      storageCall('loadPaths', async () => (await db.getAll('netPaths')).map((path) => [...path.nodes])),

    async savePaths(paths) {
      checkArray(paths, 'paths');
      paths.forEach((path, i) => checkNodeKeys(path, `paths[${i}]`));
      const records = paths.map((path, index) => ({ index, nodes: [...path] }));
      return writeTransaction(db, ['netPaths'], 'savePaths', async (tx) => {
        await tx.store.clear();
        await Promise.all(records.map((record) => tx.store.put(record)));
      });
    },

    async loadSwarm(pubkey) {
      checkAccountPubkey(pubkey, 'pubkey');
      return storageCall('loadSwarm', async () => {
        const record = await db.get('swarms', pubkey);
        return record === undefined ? undefined : { members: [...record.members], fetchedAt: record.fetchedAt };
      });
    },

    async saveSwarm(pubkey, members, fetchedAt) {
      checkAccountPubkey(pubkey, 'pubkey');
      checkNodeKeys(members, 'members');
      checkTime(fetchedAt, 'fetchedAt');
      const record = { pubkey, members: [...members], fetchedAt };
      return storageCall('saveSwarm', async () => {
        await db.put('swarms', record);
      });
    },

    async loadLastHash(nodeEd25519Hex, pubkey, namespace) {
      checkLastHashKey(nodeEd25519Hex, pubkey, namespace);
      return storageCall('loadLastHash', async () => {
        const record = await db.get('lastHashes', [nodeEd25519Hex, pubkey, namespace]);
        // Past its expiry the node has dropped that message, so the hash no longer narrows a retrieve.
        return record !== undefined && record.expiresAt > now() ? record.hash : undefined;
      });
    },

    async saveLastHash(nodeEd25519Hex, pubkey, namespace, hash, expiresAt) {
      checkLastHashKey(nodeEd25519Hex, pubkey, namespace);
      checkText(hash, 'hash');
      checkTime(expiresAt, 'expiresAt');
      const record: LastHashRecord = { nodeEd25519Hex, pubkey, namespace, hash, expiresAt };
      return storageCall('saveLastHash', async () => {
        await db.put('lastHashes', record);
      });
    },
  };
}

/** Deletes last hashes that expired by `now`; returns how many went. */
export async function pruneLastHashes(db: ParleyDB, now: number): Promise<number> {
  checkTime(now, 'now');
  return writeTransaction(db, ['lastHashes'], 'pruneLastHashes', async (tx) => {
    let removed = 0;
    for await (const cursor of tx.store.index('by-expiresAt').iterate(keyRange().upperBound(now))) {
      await cursor.delete();
      removed++;
    }
    return removed;
  });
}

/** Copies exactly the Snode fields, checked. */
function toSnode(node: unknown, name: string): Snode {
  checkObject(node, name);
  checkEd25519Hex(node['ed25519Hex'], `${name}.ed25519Hex`);
  checkEd25519Hex(node['x25519Hex'], `${name}.x25519Hex`);
  checkText(node['ip'], `${name}.ip`, 64);
  checkInteger(node['port'], `${name}.port`, 1, 65535);
  return { ed25519Hex: node['ed25519Hex'], x25519Hex: node['x25519Hex'], ip: node['ip'], port: node['port'] };
}

function checkNodeKeys(keys: unknown, name: string): void {
  checkArray(keys, name);
  keys.forEach((key, i) => checkEd25519Hex(key, `${name}[${i}]`));
}

function checkLastHashKey(nodeEd25519Hex: unknown, pubkey: unknown, namespace: unknown): void {
  checkEd25519Hex(nodeEd25519Hex, 'nodeEd25519Hex');
  checkAccountPubkey(pubkey, 'pubkey');
  checkInteger(namespace, 'namespace', NAMESPACE_MIN, NAMESPACE_MAX);
}
