/**
 * Opening the core's IndexedDB database: runs the numbered migrations inside the upgrade, and
 * steps aside when another tab needs to upgrade. The IndexedDB factory is injected (the worker's
 * `indexedDB`, or fake-indexeddb under Node).
 *
 * Under Node, idb also needs the IndexedDB classes as globals (it checks `instanceof IDBDatabase`
 * and friends): import 'fake-indexeddb/auto' once before opening.
 */
import { wrap, type IDBPDatabase, type StoreNames } from 'idb';
import { ParleyError } from '../../shared/errors.ts';
import { checkText } from './checks.ts';
import { globalIndexedDB, type IndexedDBFactory, type OpenRequest } from './idb-env.ts';
import { MIGRATIONS, type Migration } from './migrations/index.ts';
import type { ParleySchema } from './schema.ts';
import { errorName, toStorageError } from './storage-errors.ts';
import { writeTransaction } from './transaction.ts';

export type ParleyDB = IDBPDatabase<ParleySchema>;
type RawDatabase = OpenRequest['result'];

export const DEFAULT_DATABASE_NAME = 'parley';

export type ClosedReason = 'versionchange' | 'terminated';

export interface OpenParleyDatabaseOptions {
  readonly name?: string;
  readonly indexedDB?: IndexedDBFactory | undefined;
  /**
   * Another connection (a tab running older code that ignores versionchange) holds the database,
   * so the upgrade waits; it resumes by itself once that connection closes. Tell the user.
   */
  readonly onBlocked?: () => void;
  /**
   * This connection was closed: another tab opened a newer schema ('versionchange'; this tab's
   * code is now outdated and should reload) or the browser dropped it ('terminated'). Every later
   * call on the database fails with `storage_closed`.
   */
  readonly onClosed?: (reason: ClosedReason) => void;
  /** The migration list; only tests of upgrades pass a shorter one. */
  readonly migrations?: readonly Migration[];
}

/**
 * Opens (creating or upgrading) the database. Errors: `storage_unavailable` (no IndexedDB),
 * `storage_version_newer` (newer code already upgraded it), `storage_migration_failed` {version}
 * (a migration threw or its transaction failed: nothing of the upgrade is kept), `storage_failed`.
 */
export async function openParleyDatabase(options: OpenParleyDatabaseOptions = {}): Promise<ParleyDB> {
  const { name = DEFAULT_DATABASE_NAME, indexedDB = globalIndexedDB(), migrations = MIGRATIONS } = options;
  checkText(name, 'name');
  if (indexedDB === undefined || indexedDB === null) {
    throw new ParleyError('storage_unavailable', 'storage: IndexedDB is not available here');
  }
  if (!Array.isArray(migrations) || migrations.length === 0) {
    throw new ParleyError('invalid_argument', 'migrations must be a non-empty list', { param: 'migrations' });
  }
  const version = migrations.length;

  let request: OpenRequest;
  try {
    request = indexedDB.open(name, version);
  } catch (error) {
    // Some browsers refuse IndexedDB outright in private modes (SecurityError).
    throw new ParleyError('storage_unavailable', 'storage: IndexedDB refused to open', {
      name: errorName(error),
    });
  }

  let upgradingTo: number | undefined;
  request.addEventListener('upgradeneeded', (event: { readonly oldVersion: number }) => {
    const tx = request.transaction;
    if (tx === null) return;
    const wrappedTx = wrap(tx) as unknown as Parameters<Migration>[1];
    // The open request reports the failure; this keeps idb's `done` promise from going unhandled.
    wrappedTx.done.catch(() => undefined);
    const db = wrap(request.result) as IDBPDatabase<unknown>;
    for (let from = event.oldVersion; from < version; from++) {
      upgradingTo = from + 1;
      try {
        migrations[from]!(db, wrappedTx);
      } catch {
        tx.abort();
        return;
      }
    }
  });
  request.addEventListener('blocked', () => options.onBlocked?.());

  let raw: RawDatabase;
  try {
    raw = await openResult(request);
  } catch (error) {
    throw openError(error, upgradingTo);
  }

  raw.addEventListener('versionchange', () => {
    // Closing lets the other tab's upgrade go ahead instead of leaving it blocked.
    raw.close();
    options.onClosed?.('versionchange');
  });
  raw.addEventListener('close', () => options.onClosed?.('terminated'));
  return wrap(raw) as unknown as ParleyDB;
}

/** Empties every store, the account included, in one transaction ("remove this account from this device"). */
export async function wipeAllData(db: ParleyDB): Promise<void> {
  const stores = [...db.objectStoreNames] as StoreNames<ParleySchema>[];
  return writeTransaction(db, stores, 'wipeAllData', async (tx) => {
    await Promise.all(stores.map((store) => tx.objectStore(store).clear()));
  });
}

function openResult(request: OpenRequest): Promise<RawDatabase> {
  return new Promise((resolve, reject) => {
    request.addEventListener('success', () => resolve(request.result));
    request.addEventListener('error', () => reject(request.error));
  });
}

function openError(error: unknown, upgradingTo: number | undefined): ParleyError {
  const name = errorName(error);
  if (name === 'VersionError') {
    return new ParleyError('storage_version_newer', 'storage: the database was upgraded by newer code', { name });
  }
  if (upgradingTo !== undefined) {
    return new ParleyError('storage_migration_failed', `storage: migration ${upgradingTo} failed`, {
      version: upgradingTo,
      name,
    });
  }
  return toStorageError(error, 'open');
}
