/**
 * The account: one record holding the Session ID, the display name and the Ed25519 seed, either in
 * the clear or locked under a passphrase. Every write replaces the whole record (`put`), so locking
 * leaves no field behind that once held the plain seed.
 */
import { checkBytes, checkObject } from '../../../wasm/check.ts';
import { ParleyError } from '../../shared/errors.ts';
import { checkNullableText, checkSessionId, checkTime } from './checks.ts';
import type { ParleyDB } from './database.ts';
import { ACCOUNT_KEY, type AccountRecord, type AccountSeed, type StoredLockedSecret } from './schema.ts';
import { storageCall } from './storage-errors.ts';
import { writeTransaction } from './transaction.ts';

export interface NewAccount {
  readonly sessionId: string;
  readonly displayName: string | null;
  readonly createdAt: number;
  readonly seed: AccountSeed;
}

export async function getAccount(db: ParleyDB): Promise<AccountRecord | undefined> {
  return storageCall('getAccount', () => db.get('account', ACCOUNT_KEY));
}

/** Creates or replaces the account (a new one, or one restored from its recovery phrase). */
export async function saveAccount(db: ParleyDB, account: NewAccount): Promise<void> {
  checkObject(account, 'account');
  checkSessionId(account.sessionId, 'account.sessionId');
  checkNullableText(account.displayName, 'account.displayName');
  checkTime(account.createdAt, 'account.createdAt');
  const record: AccountRecord = {
    id: ACCOUNT_KEY,
    sessionId: account.sessionId,
    displayName: account.displayName,
    createdAt: account.createdAt,
    seed: copySeed(account.seed),
  };
  return putAccount(db, 'saveAccount', () => record);
}

/**
 * Replaces the seed by its locked form. The plain seed goes with the replaced record. Fails with
 * `storage_not_found` when there is no account.
 */
export async function lockAccountSeed(db: ParleyDB, locked: StoredLockedSecret): Promise<void> {
  const seed = copySeed({ kind: 'locked', locked });
  return putAccount(db, 'lockAccountSeed', (current) => ({ ...current, seed }));
}

/** Replaces a locked seed by the plain one (the passphrase was removed). */
export async function unlockAccountSeed(db: ParleyDB, ed25519Seed: Uint8Array): Promise<void> {
  const seed = copySeed({ kind: 'plain', ed25519Seed });
  return putAccount(db, 'unlockAccountSeed', (current) => ({ ...current, seed }));
}

export async function setAccountDisplayName(db: ParleyDB, displayName: string | null): Promise<void> {
  checkNullableText(displayName, 'displayName');
  return putAccount(db, 'setAccountDisplayName', (current) => ({ ...current, displayName }));
}

export async function deleteAccount(db: ParleyDB): Promise<void> {
  return storageCall('deleteAccount', () => db.delete('account', ACCOUNT_KEY));
}

function putAccount(
  db: ParleyDB,
  operation: string,
  change: (current: AccountRecord) => AccountRecord,
): Promise<void> {
  return writeTransaction(db, ['account'], operation, async (tx) => {
    const store = tx.objectStore('account');
    const current = await store.get(ACCOUNT_KEY);
    if (current === undefined && operation !== 'saveAccount') {
      throw new ParleyError('storage_not_found', `storage: ${operation} needs an account`, { operation });
    }
    const next = change(current as AccountRecord);
    const written = store.put(next);
    // put() has cloned the record already; our copies of the plain seed need not live on.
    if (next.seed.kind === 'plain') next.seed.ed25519Seed.fill(0);
    if (current?.seed.kind === 'plain') current.seed.ed25519Seed.fill(0);
    await written;
  });
}

/**
 * Checks the seed and copies every byte array into its own buffer. Structured clone stores a
 * view's whole underlying buffer, so a seed that is a view into a larger secret (a 64-byte secret
 * key, a pooled buffer) would otherwise carry those other bytes into the database.
 */
function copySeed(seed: AccountSeed): AccountSeed {
  checkObject(seed, 'seed');
  if (seed.kind === 'plain') {
    checkBytes(seed.ed25519Seed, 'seed.ed25519Seed', 32);
    return { kind: 'plain', ed25519Seed: seed.ed25519Seed.slice() };
  }
  if (seed.kind === 'locked') {
    const locked = seed.locked;
    checkObject(locked, 'seed.locked');
    if (locked.version !== 1) throw invalidLocked('version', 'must be 1');
    if (locked.algorithm !== 'argon2id13+xchacha20poly1305') throw invalidLocked('algorithm', 'is not supported');
    checkBytes(locked.salt, 'seed.locked.salt');
    checkBytes(locked.nonce, 'seed.locked.nonce');
    checkBytes(locked.ciphertext, 'seed.locked.ciphertext');
    checkTime(locked.opsLimit, 'seed.locked.opsLimit');
    checkTime(locked.memLimit, 'seed.locked.memLimit');
    return {
      kind: 'locked',
      locked: {
        version: 1,
        algorithm: locked.algorithm,
        salt: locked.salt.slice(),
        nonce: locked.nonce.slice(),
        ciphertext: locked.ciphertext.slice(),
        opsLimit: locked.opsLimit,
        memLimit: locked.memLimit,
      },
    };
  }
  throw new ParleyError('invalid_argument', 'seed.kind must be "plain" or "locked"', { param: 'seed.kind', problem: 'value' });
}

function invalidLocked(field: string, message: string): ParleyError {
  return new ParleyError('invalid_argument', `seed.locked.${field} ${message}`, {
    param: `seed.locked.${field}`,
    problem: 'value',
  });
}
