import { describe, expect, it, vi } from 'vitest';
import { isParleyError } from '../../shared/errors.ts';
import { describeDatabase, freshIndexedDB, openRaw } from '../../../test/fake-indexeddb.ts';
import { openParleyDatabase, wipeAllData } from './database.ts';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations/index.ts';
import type { Migration } from './migrations/types.ts';
import { setSetting, getSetting } from './settings-repo.ts';

describe('openParleyDatabase', () => {
  it('creates the database at the latest version with every store', async () => {
    const indexedDB = freshIndexedDB();
    const db = await openParleyDatabase({ indexedDB });
    expect(db.version).toBe(SCHEMA_VERSION);
    expect(SCHEMA_VERSION).toBe(MIGRATIONS.length);
    expect([...db.objectStoreNames].sort()).toEqual(
      ['account', 'attachmentData', 'conversations', 'lastHashes', 'messages', 'netPaths', 'netPool', 'outbox', 'seenHashes', 'settings', 'swarmChores', 'swarms'],
    );
    db.close();
  });

  it('uses the factory it is given, under the name it is given', async () => {
    const indexedDB = freshIndexedDB();
    (await openParleyDatabase({ indexedDB, name: 'other' })).close();
    expect((await indexedDB.databases()).map((d: { name: string }) => d.name)).toEqual(['other']);
  });

  it('keeps data across a reopen of the same database', async () => {
    const indexedDB = freshIndexedDB();
    const first = await openParleyDatabase({ indexedDB });
    await setSetting(first, 'networkProfile', 'mainnet');
    first.close();
    const second = await openParleyDatabase({ indexedDB });
    expect(await getSetting(second, 'networkProfile')).toBe('mainnet');
    second.close();
  });

  it('runs only the migrations a database has not had yet, in order', async () => {
    const indexedDB = freshIndexedDB();
    const calls: number[] = [];
    const counting = MIGRATIONS.map<Migration>((migration, i) => (db, tx) => {
      calls.push(i + 1);
      migration(db, tx);
    });
    (await openParleyDatabase({ indexedDB, migrations: counting.slice(0, 1) })).close();
    (await openParleyDatabase({ indexedDB, migrations: counting })).close();
    (await openParleyDatabase({ indexedDB, migrations: counting })).close();
    expect(calls).toEqual(MIGRATIONS.map((_, i) => i + 1));
  });

  it('fails with storage_unavailable when there is no IndexedDB', async () => {
    await expect(openParleyDatabase({ indexedDB: undefined })).rejects.toSatisfy((e) => isParleyError(e, 'storage_unavailable'));
    await expect(openParleyDatabase()).rejects.toSatisfy((e) => isParleyError(e, 'storage_unavailable'));
  });

  it('checks its options', async () => {
    const indexedDB = freshIndexedDB();
    await expect(openParleyDatabase({ indexedDB, name: '' })).rejects.toSatisfy((e) => isParleyError(e, 'invalid_argument'));
    await expect(openParleyDatabase({ indexedDB, migrations: [] })).rejects.toSatisfy((e) => isParleyError(e, 'invalid_argument'));
  });

  it('rolls the whole upgrade back when a migration throws', async () => {
    const indexedDB = freshIndexedDB();
    (await openParleyDatabase({ indexedDB, migrations: MIGRATIONS.slice(0, 1) })).close();
    const before = await describeDatabase(indexedDB, 'parley');
    const failing: Migration = (db) => {
      db.createObjectStore('half-done');
      throw new Error('bug in a migration');
    };
    const error = await openParleyDatabase({ indexedDB, migrations: [...MIGRATIONS, failing] }).catch((e: unknown) => e);
    expect(isParleyError(error, 'storage_migration_failed')).toBe(true);
    expect((error as { details: Record<string, unknown> }).details['version']).toBe(MIGRATIONS.length + 1);
    // Migration 2 ran in the same upgrade transaction, so it is rolled back as well.
    expect(await describeDatabase(indexedDB, 'parley')).toEqual(before);
  });

  it('fails with storage_version_newer when newer code has upgraded the database', async () => {
    const indexedDB = freshIndexedDB();
    const newer: Migration = (db) => void db.createObjectStore('from-the-future');
    (await openParleyDatabase({ indexedDB, migrations: [...MIGRATIONS, newer] })).close();
    await expect(openParleyDatabase({ indexedDB })).rejects.toSatisfy((e) => isParleyError(e, 'storage_version_newer'));
  });

  it('closes on versionchange so that another tab can upgrade, and says so', async () => {
    const indexedDB = freshIndexedDB();
    const onClosed = vi.fn();
    const old = await openParleyDatabase({ indexedDB, migrations: MIGRATIONS.slice(0, 1), onClosed });
    const onBlocked = vi.fn();
    const upgraded = await openParleyDatabase({ indexedDB, onBlocked });
    expect(onClosed).toHaveBeenCalledWith('versionchange');
    expect(onBlocked).not.toHaveBeenCalled();
    expect(upgraded.version).toBe(SCHEMA_VERSION);
    await expect(getSetting(old, 'networkProfile')).rejects.toSatisfy((e) => isParleyError(e, 'storage_closed'));
    upgraded.close();
  });

  it('reports a connection that will not close, and opens once it does', async () => {
    const indexedDB = freshIndexedDB();
    (await openParleyDatabase({ indexedDB, migrations: MIGRATIONS.slice(0, 1) })).close();
    // A connection from code that ignores versionchange (an old tab).
    const stubborn = await openRaw(indexedDB, 'parley');
    let opened = false;
    let blocked = 0;
    const opening = openParleyDatabase({
      indexedDB,
      onBlocked: () => {
        blocked++;
        expect(opened).toBe(false);
        stubborn.close();
      },
    }).then((db) => {
      opened = true;
      return db;
    });
    const db = await opening;
    expect(blocked).toBe(1);
    expect(db.version).toBe(SCHEMA_VERSION);
    db.close();
  });
});

describe('wipeAllData', () => {
  it('empties every store', async () => {
    const indexedDB = freshIndexedDB();
    const db = await openParleyDatabase({ indexedDB });
    await setSetting(db, 'notifications', 'anonymous');
    await db.put('seenHashes', { hash: 'h', expiresAt: 1 });
    await wipeAllData(db);
    for (const store of db.objectStoreNames) expect(await db.count(store)).toBe(0);
    db.close();
  });
});
