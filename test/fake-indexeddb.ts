/**
 * IndexedDB for core tests under Node: fake-indexeddb's classes as globals (idb checks
 * `instanceof IDBDatabase` and friends, and the store uses IDBKeyRange), but no global
 * `indexedDB`, so code that forgets to use the factory it was given fails instead of sharing one.
 */
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';

Reflect.deleteProperty(globalThis, 'indexedDB');

/** What the factory hands out; typed loosely because Node's types know no IndexedDB. */
export type TestIndexedDB = InstanceType<typeof IDBFactory>;

/** A new, empty IndexedDB: one per test keeps tests apart. */
export function freshIndexedDB(): TestIndexedDB {
  return new IDBFactory();
}

export interface IndexShape {
  keyPath: string | string[];
  unique: boolean;
  multiEntry: boolean;
}

export interface StoreShape {
  keyPath: string | string[] | null;
  autoIncrement: boolean;
  indexes: Record<string, IndexShape>;
}

export interface DatabaseShape {
  version: number;
  stores: Record<string, StoreShape>;
}

/** Opens the database as it is (no version, no upgrade), straight through the IndexedDB API. */
export function openRaw(factory: TestIndexedDB, name: string): Promise<any> {
  return new Promise((resolve, reject) => {
    const request = factory.open(name);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/** The schema as IndexedDB reports it: stores, key paths, indexes, uniqueness. */
export async function describeDatabase(factory: TestIndexedDB, name: string): Promise<DatabaseShape> {
  const db = await openRaw(factory, name);
  try {
    const stores: Record<string, StoreShape> = {};
    const names = [...db.objectStoreNames] as string[];
    if (names.length === 0) return { version: db.version, stores };
    const tx = db.transaction(names, 'readonly');
    for (const storeName of names) {
      const store = tx.objectStore(storeName);
      const indexes: Record<string, IndexShape> = {};
      for (const indexName of [...store.indexNames] as string[]) {
        const index = store.index(indexName);
        indexes[indexName] = { keyPath: index.keyPath, unique: index.unique, multiEntry: index.multiEntry };
      }
      stores[storeName] = { keyPath: store.keyPath, autoIncrement: store.autoIncrement, indexes };
    }
    return { version: db.version, stores };
  } finally {
    db.close();
  }
}

/** Every record of every store, read through the raw API: what is really in the database. */
export async function dumpDatabase(factory: TestIndexedDB, name: string): Promise<Record<string, unknown[]>> {
  const db = await openRaw(factory, name);
  try {
    const names = [...db.objectStoreNames] as string[];
    if (names.length === 0) return {};
    const tx = db.transaction(names, 'readonly');
    const entries = await Promise.all(
      names.map(
        (storeName) =>
          new Promise<[string, unknown[]]>((resolve, reject) => {
            const request = tx.objectStore(storeName).getAll();
            request.onsuccess = () => resolve([storeName, request.result as unknown[]]);
            request.onerror = () => reject(request.error);
          }),
      ),
    );
    return Object.fromEntries(entries);
  } finally {
    db.close();
  }
}
