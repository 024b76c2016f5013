/**
 * The IndexedDB globals the store names. Core code is type-checked with the WebWorker lib, where
 * these are the real DOM types. The same files are checked again through their tests under Node's
 * types, which know no IndexedDB; there they fall back to `any` (idb's own types degrade the same
 * way), so the strict check is the worker's.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
type Globals = typeof globalThis;

export type IndexedDBFactory = Globals extends { indexedDB: infer F } ? F : any;
export type OpenRequest = Globals extends { indexedDB: infer F extends { open(...args: never[]): unknown } }
  ? ReturnType<F['open']>
  : any;
type KeyRangeStatic = Globals extends { IDBKeyRange: infer K } ? K : any;

/** `indexedDB` of this global scope, if it has one. */
export function globalIndexedDB(): IndexedDBFactory | undefined {
  return (globalThis as { indexedDB?: IndexedDBFactory }).indexedDB;
}

/** `IDBKeyRange` of this global scope (under Node, fake-indexeddb's once 'fake-indexeddb/auto' ran). */
export function keyRange(): KeyRangeStatic {
  return (globalThis as unknown as { IDBKeyRange: KeyRangeStatic }).IDBKeyRange;
}
