import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectCode } from '../../../test/expect-code.ts';
import { freshIndexedDB } from '../../../test/fake-indexeddb.ts';
import { openParleyDatabase, type ParleyDB } from './database.ts';
import { deleteSetting, getAllSettings, getSetting, setSetting } from './settings-repo.ts';

let db: ParleyDB;
beforeEach(async () => {
  db = await openParleyDatabase({ indexedDB: freshIndexedDB() });
});
afterEach(() => db.close());

describe('settings', () => {
  it('reads back what was set, and nothing for what was not', async () => {
    expect(await getSetting(db, 'networkProfile')).toBeUndefined();
    await setSetting(db, 'networkProfile', 'devnet');
    await setSetting(db, 'notifications', 'with_sender');
    await setSetting(db, 'autoLockMinutes', 15);
    expect(await getSetting(db, 'networkProfile')).toBe('devnet');
    expect(await getSetting(db, 'notifications')).toBe('with_sender');
    expect(await getAllSettings(db)).toEqual({ networkProfile: 'devnet', notifications: 'with_sender', autoLockMinutes: 15 });
    await setSetting(db, 'autoLockMinutes', null);
    expect(await getSetting(db, 'autoLockMinutes')).toBeNull();
    await setSetting(db, 'networkProfile', 'mainnet');
    expect(await getSetting(db, 'networkProfile')).toBe('mainnet');
    await deleteSetting(db, 'networkProfile');
    expect(await getSetting(db, 'networkProfile')).toBeUndefined();
  });

  it('reads a stored value that no longer passes its check as unset', async () => {
    await db.put('settings', { key: 'networkProfile', value: 'testnet' });
    await db.put('settings', { key: 'retiredSetting', value: 1 });
    expect(await getSetting(db, 'networkProfile')).toBeUndefined();
    expect(await getAllSettings(db)).toEqual({});
  });

  it('refuses unknown keys and values of the wrong kind', async () => {
    await expectCode(setSetting(db, 'networkProfile', 'testnet' as never), 'invalid_argument', 'value');
    await expectCode(setSetting(db, 'notifications', 'yes' as never), 'invalid_argument', 'value');
    for (const minutes of [0, -5, 1.5, 24 * 60 + 1, Number.NaN]) {
      await expectCode(setSetting(db, 'autoLockMinutes', minutes), 'invalid_argument', 'value');
    }
    await expectCode(setSetting(db, 'theme' as never, 'dark' as never), 'invalid_argument', 'key');
    await expectCode(getSetting(db, 'theme' as never), 'invalid_argument', 'key');
    await expectCode(deleteSetting(db, '' as never), 'invalid_argument', 'key');
    expect(await db.count('settings')).toBe(0);
  });
});
