/**
 * One service node's message store: a SQLite file (WAL) that outlives the process, so a node
 * restart keeps its messages. Rows keep insertion order through an autoincrement id, which is the
 * order `retrieve` returns. Owners are 66-hex account keys (network byte included).
 */
import Database from 'better-sqlite3';

export interface StoredMessage {
  readonly hash: string;
  readonly namespace: number;
  readonly timestamp: number;
  readonly expiry: number;
  readonly data: Uint8Array;
}

export interface NewMessage extends StoredMessage {
  readonly owner: string;
}

/** `new` row, or an existing one whose expiry was raised (`extended`) or left (`exists`). */
export type StoreOutcome = { readonly result: 'new' | 'extended' | 'exists'; readonly expiry: number };

export interface RetrieveOptions {
  readonly lastHash?: string;
  /** At most this many messages (positive). */
  readonly maxCount?: number;
  /** Stop before the running size would pass this (the first message always counts). */
  readonly maxSize?: number;
  /** Messages that expired by this time are skipped. */
  readonly now: number;
}

/** Per-message size as the server counts it against `max_size`: overhead + hash + base64 data. */
export const RETRIEVE_MESSAGE_OVERHEAD = 100;

interface Row {
  hash: string;
  namespace: number;
  timestamp: number;
  expiry: number;
  data: Buffer;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS messages (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  hash TEXT NOT NULL UNIQUE,
  owner TEXT NOT NULL,
  namespace INTEGER NOT NULL,
  timestamp INTEGER NOT NULL,
  expiry INTEGER NOT NULL,
  data BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS messages_owner ON messages(owner, namespace, id);
CREATE INDEX IF NOT EXISTS messages_expiry ON messages(expiry);
`;

/** `json_each` keeps one prepared statement for any number of hashes. */
const HASH_LIST = '(SELECT value FROM json_each(?))';

export class MessageDb {
  private readonly db: Database.Database;
  private readonly st: ReturnType<typeof prepareStatements>;

  constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(SCHEMA);
    this.st = prepareStatements(this.db);
  }

  /**
   * Saves a message unless its hash is already stored, in which case the longer expiry wins.
   * `replaceOthers` (public outboxes) first drops the owner's other messages in that namespace.
   */
  store(msg: NewMessage, replaceOthers: boolean): StoreOutcome {
    return this.db.transaction((): StoreOutcome => {
      if (replaceOthers) this.st.clearOutbox.run(msg.owner, msg.namespace, msg.hash);
      const existing = this.st.byHash.get(msg.hash) as { id: number; expiry: number } | undefined;
      if (existing === undefined) {
        this.st.insert.run(msg.hash, msg.owner, msg.namespace, msg.timestamp, msg.expiry, blob(msg.data));
        return { result: 'new', expiry: msg.expiry };
      }
      if (existing.expiry < msg.expiry) {
        this.st.setExpiry.run(msg.expiry, existing.id);
        return { result: 'extended', expiry: msg.expiry };
      }
      return { result: 'exists', expiry: existing.expiry };
    })();
  }

  /**
   * Messages after `lastHash` (or from the start when it is unknown in that namespace), in
   * insertion order, within the count and size limits; `more` tells whether any were held back.
   */
  retrieve(owner: string, namespace: number, options: RetrieveOptions): { messages: StoredMessage[]; more: boolean } {
    const { lastHash, maxCount, maxSize, now } = options;
    const after =
      lastHash === undefined
        ? undefined
        : (this.st.idOf.get(owner, namespace, lastHash) as { id: number } | undefined)?.id;
    const limit = maxCount === undefined ? -1 : maxCount + 1;
    const rows = this.st.retrieveFrom.all(owner, namespace, after ?? 0, now, limit) as Row[];
    const messages: StoredMessage[] = [];
    let size = 0;
    for (const row of rows) {
      if (maxCount !== undefined && messages.length >= maxCount) return { messages, more: true };
      if (maxSize !== undefined) {
        size += RETRIEVE_MESSAGE_OVERHEAD + row.hash.length + Math.floor((row.data.length * 4) / 3);
        if (messages.length > 0 && size > maxSize) return { messages, more: true };
      }
      messages.push(toMessage(row));
    }
    return { messages, more: false };
  }

  /** Deletes every message of the owner; returns (namespace, hash) pairs. */
  deleteAll(owner: string): Array<[number, string]> {
    return (this.st.deleteAll.all(owner) as Array<{ namespace: number; hash: string }>).map((r) => [r.namespace, r.hash]);
  }

  deleteAllInNamespace(owner: string, namespace: number): string[] {
    return hashesOf(this.st.deleteAllNs.all(owner, namespace));
  }

  deleteByHash(owner: string, hashes: readonly string[]): string[] {
    return hashesOf(this.st.deleteHashes.all(owner, JSON.stringify(hashes)));
  }

  /** Deletes messages whose (store) timestamp is at or before `before`. */
  deleteBefore(owner: string, before: number): Array<[number, string]> {
    const rows = this.st.deleteBefore.all(owner, before) as Array<{ namespace: number; hash: string }>;
    return rows.map((r) => [r.namespace, r.hash]);
  }

  deleteBeforeInNamespace(owner: string, namespace: number, before: number): string[] {
    return hashesOf(this.st.deleteBeforeNs.all(owner, before, namespace));
  }

  /** Expiries of the owner's messages among `hashes`; unknown hashes are left out. */
  getExpiries(owner: string, hashes: readonly string[]): Map<string, number> {
    const rows = this.st.expiries.all(owner, JSON.stringify(hashes)) as Array<{ hash: string; expiry: number }>;
    return new Map(rows.map((r) => [r.hash, r.expiry]));
  }

  /**
   * Sets expiries (one for all hashes, or one per hash). `extend` only raises, `shorten` only
   * lowers. Returns the (hash, expiry) pairs that changed, in request order.
   */
  updateExpiry(
    owner: string,
    hashes: readonly string[],
    expiries: readonly number[],
    mode: 'set' | 'extend' | 'shorten',
  ): Array<[string, number]> {
    const st = mode === 'extend' ? this.st.extendExpiry : mode === 'shorten' ? this.st.shortenExpiry : this.st.updateExpiry;
    return this.db.transaction(() => {
      const updated: Array<[string, number]> = [];
      const seen = new Set<string>();
      hashes.forEach((hash, i) => {
        const expiry = expiries.length === 1 ? expiries[0]! : expiries[i]!;
        const changed = mode === 'set' ? st.all(expiry, owner, hash) : st.all(expiry, owner, hash, expiry);
        // With one expiry for all, a hash named twice still changes one row.
        if (changed.length > 0 && (expiries.length > 1 || !seen.has(hash))) {
          seen.add(hash);
          updated.push([hash, expiry]);
        }
      });
      return updated;
    })();
  }

  /** Lowers every expiry above `expiry` to it; returns (namespace, hash) pairs changed. */
  shortenAll(owner: string, expiry: number): Array<[number, string]> {
    const rows = this.st.shortenAll.all(expiry, owner, expiry) as Array<{ namespace: number; hash: string }>;
    return rows.map((r) => [r.namespace, r.hash]);
  }

  shortenAllInNamespace(owner: string, namespace: number, expiry: number): string[] {
    return hashesOf(this.st.shortenAllNs.all(expiry, owner, namespace, expiry));
  }

  /** Deletes every message that expired at or before `now`; returns how many. */
  pruneExpired(now: number): number {
    return this.st.prune.run(now).changes;
  }

  messageCount(): number {
    return (this.st.count.get() as { n: number }).n;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

function prepareStatements(db: Database.Database) {
const p = (sql: string) => db.prepare(sql);
return {
    byHash: p('SELECT id, expiry FROM messages WHERE hash = ?'),
    insert: p(
      'INSERT INTO messages (hash, owner, namespace, timestamp, expiry, data) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    setExpiry: p('UPDATE messages SET expiry = ? WHERE id = ?'),
    clearOutbox: p('DELETE FROM messages WHERE owner = ? AND namespace = ? AND hash != ?'),
    idOf: p('SELECT id FROM messages WHERE owner = ? AND namespace = ? AND hash = ?'),
    retrieveFrom: p(
      'SELECT hash, namespace, timestamp, expiry, data FROM messages' +
        ' WHERE owner = ? AND namespace = ? AND id > ? AND expiry > ? ORDER BY id LIMIT ?',
    ),
    deleteAll: p('DELETE FROM messages WHERE owner = ? RETURNING namespace, hash'),
    deleteAllNs: p('DELETE FROM messages WHERE owner = ? AND namespace = ? RETURNING hash'),
    deleteHashes: p(`DELETE FROM messages WHERE owner = ? AND hash IN ${HASH_LIST} RETURNING hash`),
    deleteBefore: p('DELETE FROM messages WHERE owner = ? AND timestamp <= ? RETURNING namespace, hash'),
    deleteBeforeNs: p(
      'DELETE FROM messages WHERE owner = ? AND timestamp <= ? AND namespace = ? RETURNING hash',
    ),
    expiries: p(`SELECT hash, expiry FROM messages WHERE owner = ? AND hash IN ${HASH_LIST}`),
    updateExpiry: p('UPDATE messages SET expiry = ? WHERE owner = ? AND hash = ? RETURNING hash'),
    extendExpiry: p('UPDATE messages SET expiry = ? WHERE owner = ? AND hash = ? AND expiry < ? RETURNING hash'),
    shortenExpiry: p('UPDATE messages SET expiry = ? WHERE owner = ? AND hash = ? AND expiry > ? RETURNING hash'),
    shortenAll: p('UPDATE messages SET expiry = ? WHERE owner = ? AND expiry > ? RETURNING namespace, hash'),
    shortenAllNs: p(
      'UPDATE messages SET expiry = ? WHERE owner = ? AND namespace = ? AND expiry > ? RETURNING hash',
    ),
    prune: p('DELETE FROM messages WHERE expiry <= ?'),
    count: p('SELECT COUNT(*) AS n FROM messages'),
  };
}

function blob(data: Uint8Array): Buffer {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

function hashesOf(rows: unknown[]): string[] {
  return (rows as Array<{ hash: string }>).map((r) => r.hash);
}

function toMessage(row: Row): StoredMessage {
  return {
    hash: row.hash,
    namespace: row.namespace,
    timestamp: row.timestamp,
    expiry: row.expiry,
    data: new Uint8Array(row.data),
  };
}
