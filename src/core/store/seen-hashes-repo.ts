/**
 * Swarm hashes already processed (client-protocol.md §5.4, layer 3), each kept until its message
 * expires from the swarm, as the writers bound it (net/storage-limits.ts `boundedExpiry`: a node's
 * claim never keeps one past now + 15 days). Every fetched hash is marked, whether handling it worked or not, and the
 * hashes of our own stored messages too, so that our sync copies are not taken for new mail.
 */
import type { IDBPObjectStore, StoreNames } from 'idb';
import { checkArray } from '../../../wasm/check.ts';
import { checkText, checkTime } from './checks.ts';
import type { ParleyDB } from './database.ts';
import type { ParleySchema } from './schema.ts';
import { keyRange } from './idb-env.ts';
import { storageCall } from './storage-errors.ts';
import { writeTransaction } from './transaction.ts';

/** Marks inside a caller's transaction; an existing record keeps the later of the two expiries. */
export async function markSeenIn<Tx extends ArrayLike<StoreNames<ParleySchema>>>(
  store: IDBPObjectStore<ParleySchema, Tx, 'seenHashes', 'readwrite'>,
  hashes: readonly string[],
  expiresAt: number,
): Promise<void> {
  const unique = [...new Set(hashes)];
  const existing = await Promise.all(unique.map((hash) => store.get(hash)));
  await Promise.all(
    unique.map((hash, i) => store.put({ hash, expiresAt: Math.max(existing[i]?.expiresAt ?? 0, expiresAt) })),
  );
}

export async function markSeen(db: ParleyDB, hashes: readonly string[], expiresAt: number): Promise<void> {
  checkHashes(hashes);
  checkTime(expiresAt, 'expiresAt');
  return writeTransaction(db, ['seenHashes'], 'markSeen', (tx) => markSeenIn(tx.objectStore('seenHashes'), hashes, expiresAt));
}

/** Marks several hashes, each with its own expiry, in one transaction (a poll's junk, in one write). */
export async function markSeenEach(db: ParleyDB, entries: readonly { readonly hash: string; readonly expiresAt: number }[]): Promise<void> {
  checkArray(entries, 'entries');
  checkHashes(entries.map((entry) => entry.hash));
  entries.forEach((entry, i) => checkTime(entry.expiresAt, `entries[${i}].expiresAt`));
  if (entries.length === 0) return;
  return writeTransaction(db, ['seenHashes'], 'markSeenEach', async (tx) => {
    const store = tx.objectStore('seenHashes');
    await Promise.all(entries.map((entry) => markSeenIn(store, [entry.hash], entry.expiresAt)));
  });
}

/** The hashes not seen before, in their given order, each once. */
export async function filterUnseen(db: ParleyDB, hashes: readonly string[]): Promise<string[]> {
  checkHashes(hashes);
  return storageCall('filterUnseen', async () => {
    const unique = [...new Set(hashes)];
    const store = db.transaction('seenHashes').store;
    const known = await Promise.all(unique.map((hash) => store.getKey(hash)));
    return unique.filter((_, i) => known[i] === undefined);
  });
}

/** Deletes the hashes whose messages have expired by `now`; returns how many went. */
export async function pruneSeenHashes(db: ParleyDB, now: number): Promise<number> {
  checkTime(now, 'now');
  return writeTransaction(db, ['seenHashes'], 'pruneSeenHashes', async (tx) => {
    let removed = 0;
    for await (const cursor of tx.store.index('by-expiresAt').iterate(keyRange().upperBound(now))) {
      await cursor.delete();
      removed++;
    }
    return removed;
  });
}

function checkHashes(hashes: readonly string[]): void {
  checkArray(hashes, 'hashes');
  hashes.forEach((hash, i) => checkText(hash, `hashes[${i}]`));
}
