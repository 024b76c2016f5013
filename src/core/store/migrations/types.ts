import type { IDBPDatabase, IDBPTransaction } from 'idb';

/**
 * One schema step, run inside the upgrade (versionchange) transaction. Migration N takes the
 * database from version N-1 to N. It is synchronous: it creates or deletes stores and indexes, and
 * if it must transform records it issues requests on `tx` without awaiting anything else (the
 * upgrade transaction commits on its own once they finish). Migrations are typed loosely on
 * purpose: a shipped migration never changes, while the current schema type (../schema.ts) will.
 */
export type Migration = (
  db: IDBPDatabase<unknown>,
  tx: IDBPTransaction<unknown, string[], 'versionchange'>,
) => void;
