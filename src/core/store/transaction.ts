import type { IDBPDatabase, IDBPTransaction, StoreNames } from 'idb';
import type { ParleySchema } from './schema.ts';
import { storageCall } from './storage-errors.ts';

type Stores = ArrayLike<StoreNames<ParleySchema>>;

/**
 * All-or-nothing writes across stores. `body` may await only requests of `tx` (anything else lets
 * the transaction auto-commit half done). If `body` throws, the transaction is aborted, so the
 * writes it already made are rolled back, and the error is rethrown as a coded one.
 */
export function writeTransaction<const Names extends Stores, T>(
  db: IDBPDatabase<ParleySchema>,
  stores: Names,
  operation: string,
  body: (tx: IDBPTransaction<ParleySchema, Names, 'readwrite'>) => Promise<T>,
): Promise<T> {
  return storageCall(operation, async () => {
    const tx = db.transaction<Names, 'readwrite'>(stores, 'readwrite');
    // Observed at once: an aborted transaction must not surface as an unhandled rejection.
    const done = tx.done.then(
      () => undefined,
      (error: unknown) => error ?? new Error('transaction aborted'),
    );
    let result: T;
    try {
      result = await body(tx);
    } catch (error) {
      try {
        tx.abort();
      } catch {
        // Already aborted by the failed request itself.
      }
      await done;
      throw error;
    }
    const failure = await done;
    if (failure !== undefined) throw failure;
    return result;
  });
}
