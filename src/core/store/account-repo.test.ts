import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { toBase64, toHex } from '../../../wasm/bytes.ts';
import { isParleyError } from '../../shared/errors.ts';
import { MIN_LOCK_COST, lockSecret, unlockSecret } from '../../../wasm/passphrase.ts';
import { ready } from '../../../wasm/sodium.ts';
import { expectCode } from '../../../test/expect-code.ts';
import { dumpDatabase, freshIndexedDB, type TestIndexedDB } from '../../../test/fake-indexeddb.ts';
import {
  deleteAccount,
  getAccount,
  lockAccountSeed,
  saveAccount,
  setAccountDisplayName,
  unlockAccountSeed,
  type NewAccount,
} from './account-repo.ts';
import { openParleyDatabase, type ParleyDB } from './database.ts';
import type { StoredLockedSecret } from './schema.ts';

const SESSION_ID = '05' + '1f'.repeat(32);

function seedBytes(): Uint8Array {
  return Uint8Array.from({ length: 32 }, (_, i) => (i * 37 + 11) & 0xff);
}

function lockedSecret(): StoredLockedSecret {
  return {
    version: 1,
    algorithm: 'argon2id13+xchacha20poly1305',
    salt: new Uint8Array(16).fill(1),
    nonce: new Uint8Array(24).fill(2),
    ciphertext: new Uint8Array(48).fill(3),
    opsLimit: 2,
    memLimit: 67108864,
  };
}

function plainAccount(seed = seedBytes()): NewAccount {
  return { sessionId: SESSION_ID, displayName: 'Alice', createdAt: 1_700_000_000_000, seed: { kind: 'plain', ed25519Seed: seed } };
}

function containsBytes(haystack: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

/** Every place in `value` that holds `needle`: raw bytes (in any buffer or view) or its hex/base64 text. */
function tracesOf(value: unknown, needle: Uint8Array, path = '$'): string[] {
  if (value instanceof ArrayBuffer) return containsBytes(new Uint8Array(value), needle) ? [path] : [];
  if (ArrayBuffer.isView(value)) {
    return containsBytes(new Uint8Array(value.buffer, 0, value.buffer.byteLength), needle) ? [path] : [];
  }
  if (typeof value === 'string') {
    const texts = [toHex(needle), toBase64(needle), toBase64(needle).replace(/=+$/, '')];
    return texts.some((t) => value.toLowerCase().includes(t.toLowerCase())) ? [path] : [];
  }
  if (Array.isArray(value)) return value.flatMap((item, i) => tracesOf(item, needle, `${path}[${i}]`));
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([key, item]) => tracesOf(item, needle, `${path}.${key}`));
  }
  return [];
}

let indexedDB: TestIndexedDB;
let db: ParleyDB;

beforeAll(ready);

beforeEach(async () => {
  indexedDB = freshIndexedDB();
  db = await openParleyDatabase({ indexedDB });
});

afterEach(() => db.close());

describe('account repository', () => {
  it('has no account at first', async () => {
    expect(await getAccount(db)).toBeUndefined();
  });

  it('stores and reads back an account with a plain seed', async () => {
    await saveAccount(db, plainAccount());
    expect(await getAccount(db)).toEqual({
      id: 'self',
      sessionId: SESSION_ID,
      displayName: 'Alice',
      createdAt: 1_700_000_000_000,
      seed: { kind: 'plain', ed25519Seed: seedBytes() },
    });
  });

  it('keeps the account across a reopen', async () => {
    await saveAccount(db, plainAccount());
    db.close();
    db = await openParleyDatabase({ indexedDB });
    expect((await getAccount(db))?.sessionId).toBe(SESSION_ID);
  });

  it('does not keep or alter the caller’s seed buffer, and wipes its own copy', async () => {
    const seed = seedBytes();
    await saveAccount(db, plainAccount(seed));
    expect(seed).toEqual(seedBytes());
    const stored = await getAccount(db);
    expect(stored?.seed.kind === 'plain' && stored.seed.ed25519Seed).toEqual(seedBytes());
  });

  it('stores only the seed’s own 32 bytes when it is a view into a larger buffer', async () => {
    const secretKey = new Uint8Array(64);
    secretKey.set(seedBytes(), 0);
    const otherHalf = Uint8Array.from({ length: 32 }, (_, i) => 200 - i);
    secretKey.set(otherHalf, 32);
    await saveAccount(db, plainAccount(secretKey.subarray(0, 32)));
    const dump = await dumpDatabase(indexedDB, 'parley');
    expect(tracesOf(dump, seedBytes())).toEqual(['$.account[0].seed.ed25519Seed']);
    expect(tracesOf(dump, otherHalf)).toEqual([]);
  });

  it('locking the seed leaves no trace of the plain seed anywhere in the database', async () => {
    await saveAccount(db, plainAccount());
    await setAccountDisplayName(db, 'Alice B.');
    expect(tracesOf(await dumpDatabase(indexedDB, 'parley'), seedBytes())).toHaveLength(1);

    await lockAccountSeed(db, lockedSecret());

    expect(tracesOf(await dumpDatabase(indexedDB, 'parley'), seedBytes())).toEqual([]);
    db.close();
    db = await openParleyDatabase({ indexedDB });
    expect(tracesOf(await dumpDatabase(indexedDB, 'parley'), seedBytes())).toEqual([]);
    expect(await getAccount(db)).toEqual({
      id: 'self',
      sessionId: SESSION_ID,
      displayName: 'Alice B.',
      createdAt: 1_700_000_000_000,
      seed: { kind: 'locked', locked: lockedSecret() },
    });
  });

  it('stores what wasm/passphrase.ts locks, and it unlocks to the seed after a reopen', async () => {
    await saveAccount(db, plainAccount());
    await lockAccountSeed(db, lockSecret(seedBytes(), 'correct horse', MIN_LOCK_COST));
    expect(tracesOf(await dumpDatabase(indexedDB, 'parley'), seedBytes())).toEqual([]);
    db.close();
    db = await openParleyDatabase({ indexedDB });
    const account = await getAccount(db);
    if (account?.seed.kind !== 'locked') throw new Error('expected a locked seed');
    expect(unlockSecret(account.seed.locked, 'correct horse')).toEqual(seedBytes());
  });

  it('unlocking puts the plain seed back in place of the locked one', async () => {
    await saveAccount(db, { ...plainAccount(), seed: { kind: 'locked', locked: lockedSecret() } });
    await unlockAccountSeed(db, seedBytes());
    const account = await getAccount(db);
    expect(account?.seed).toEqual({ kind: 'plain', ed25519Seed: seedBytes() });
    expect(tracesOf(await dumpDatabase(indexedDB, 'parley'), lockedSecret().ciphertext)).toEqual([]);
  });

  it('changes the display name and nothing else', async () => {
    await saveAccount(db, plainAccount());
    await setAccountDisplayName(db, null);
    expect(await getAccount(db)).toEqual({ ...plainAccount(), id: 'self', displayName: null, seed: { kind: 'plain', ed25519Seed: seedBytes() } });
  });

  it('deletes the account', async () => {
    await saveAccount(db, plainAccount());
    await deleteAccount(db);
    expect(await getAccount(db)).toBeUndefined();
    expect(tracesOf(await dumpDatabase(indexedDB, 'parley'), seedBytes())).toEqual([]);
  });

  it('refuses to lock, unlock or rename when there is no account', async () => {
    const missing = (e: unknown) => isParleyError(e, 'storage_not_found');
    await expect(lockAccountSeed(db, lockedSecret())).rejects.toSatisfy(missing);
    await expect(unlockAccountSeed(db, seedBytes())).rejects.toSatisfy(missing);
    await expect(setAccountDisplayName(db, 'x')).rejects.toSatisfy(missing);
  });

  it('checks what it is given, naming the parameter', async () => {
    const account = plainAccount();
    const invalid = (call: Promise<unknown>, param: string) => expectCode(call, 'invalid_argument', param);
    await invalid(saveAccount(db, null as never), 'account');
    await invalid(saveAccount(db, { ...account, sessionId: SESSION_ID.toUpperCase() }), 'account.sessionId');
    await invalid(saveAccount(db, { ...account, sessionId: '15' + SESSION_ID.slice(2) }), 'account.sessionId');
    await invalid(saveAccount(db, { ...account, createdAt: -1 }), 'account.createdAt');
    await invalid(saveAccount(db, { ...account, createdAt: Number.NaN }), 'account.createdAt');
    await invalid(saveAccount(db, { ...account, displayName: '' }), 'account.displayName');
    await invalid(saveAccount(db, { ...account, seed: { kind: 'plain', ed25519Seed: new Uint8Array(31) } }), 'seed.ed25519Seed');
    await invalid(saveAccount(db, { ...account, seed: { kind: 'plain', ed25519Seed: [1, 2] as never } }), 'seed.ed25519Seed');
    await invalid(saveAccount(db, { ...account, seed: { kind: 'other' } as never }), 'seed.kind');
    await invalid(lockAccountSeed(db, { ...lockedSecret(), version: 2 as never }), 'seed.locked.version');
    await invalid(lockAccountSeed(db, { ...lockedSecret(), algorithm: 'aes' as never }), 'seed.locked.algorithm');
    await invalid(lockAccountSeed(db, { ...lockedSecret(), salt: 'salt' as never }), 'seed.locked.salt');
    await invalid(lockAccountSeed(db, { ...lockedSecret(), memLimit: 1.5 }), 'seed.locked.memLimit');
    await invalid(unlockAccountSeed(db, new Uint8Array(33)), 'seed.ed25519Seed');
    await invalid(setAccountDisplayName(db, 7 as never), 'displayName');
    expect(await getAccount(db)).toBeUndefined();
  });
});
