import { describe, expect, it } from 'vitest';
import { describeDatabase, freshIndexedDB } from '../../../../test/fake-indexeddb.ts';
import { openParleyDatabase } from '../database.ts';
import { migration001Messaging } from './001-messaging.ts';
import { migration002Network } from './002-network.ts';

const NODE = 'c'.repeat(64);
const PUBKEY = '05' + 'd'.repeat(64);

describe('migration 002: network stores', () => {
  it('adds the network stores and leaves the messaging stores as they were', async () => {
    const indexedDB = freshIndexedDB();
    (await openParleyDatabase({ indexedDB, migrations: [migration001Messaging] })).close();
    const before = await describeDatabase(indexedDB, 'parley');
    (await openParleyDatabase({ indexedDB, migrations: [migration001Messaging, migration002Network] })).close();
    const after = await describeDatabase(indexedDB, 'parley');

    expect(after.version).toBe(2);
    for (const [name, shape] of Object.entries(before.stores)) expect(after.stores[name]).toEqual(shape);
    const added = Object.fromEntries(Object.entries(after.stores).filter(([name]) => !(name in before.stores)));
    expect(added).toEqual({
      netPool: { keyPath: 'ed25519Hex', autoIncrement: false, indexes: {} },
      netPaths: { keyPath: 'index', autoIncrement: false, indexes: {} },
      swarms: { keyPath: 'pubkey', autoIncrement: false, indexes: {} },
      lastHashes: {
        keyPath: ['nodeEd25519Hex', 'pubkey', 'namespace'],
        autoIncrement: false,
        indexes: { 'by-expiresAt': { keyPath: 'expiresAt', unique: false, multiEntry: false } },
      },
    });
  });

  it('keeps data written at version 1 through the upgrade', async () => {
    const indexedDB = freshIndexedDB();
    const v1 = await openParleyDatabase({ indexedDB, migrations: [migration001Messaging] });
    await (v1 as unknown as { put(store: string, value: object): Promise<unknown> }).put('settings', {
      key: 'networkProfile',
      value: 'devnet',
    });
    v1.close();
    const v2 = await openParleyDatabase({ indexedDB, migrations: [migration001Messaging, migration002Network] });
    expect(await v2.get('settings', 'networkProfile')).toEqual({ key: 'networkProfile', value: 'devnet' });
    v2.close();
  });

  it('keys last hashes by (node, pubkey, namespace): one record per triple', async () => {
    const indexedDB = freshIndexedDB();
    const db = await openParleyDatabase({ indexedDB, migrations: [migration001Messaging, migration002Network] });
    const record = { nodeEd25519Hex: NODE, pubkey: PUBKEY, namespace: 0, hash: 'h1', expiresAt: 1 };
    await db.put('lastHashes', record);
    await db.put('lastHashes', { ...record, hash: 'h2' });
    await db.put('lastHashes', { ...record, namespace: 2, hash: 'h3' });
    expect(await db.count('lastHashes')).toBe(2);
    expect((await db.get('lastHashes', [NODE, PUBKEY, 0]))?.hash).toBe('h2');
    db.close();
  });
});
