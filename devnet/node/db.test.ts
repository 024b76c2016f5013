import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MessageDb, type NewMessage } from './db.ts';

const OWNER = '05' + 'ab'.repeat(32);
const OTHER = '05' + 'cd'.repeat(32);
let dir: string;
let db: MessageDb;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'parley-db-'));
  db = new MessageDb(join(dir, 'node.sqlite'));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

function msg(hash: string, extra: Partial<NewMessage> = {}): NewMessage {
  return { owner: OWNER, hash, namespace: 0, timestamp: 1000, expiry: 5000, data: new Uint8Array([1, 2, 3]), ...extra };
}

describe('MessageDb', () => {
  it('returns messages in insertion order, not hash order', () => {
    for (const h of ['c', 'a', 'b']) db.store(msg(h), false);
    expect(db.retrieve(OWNER, 0, { now: 0 }).messages.map((m) => m.hash)).toEqual(['c', 'a', 'b']);
  });

  it('reports new, extended and exists, keeping the longer expiry', () => {
    expect(db.store(msg('h'), false)).toEqual({ result: 'new', expiry: 5000 });
    expect(db.store(msg('h', { expiry: 9000 }), false)).toEqual({ result: 'extended', expiry: 9000 });
    expect(db.store(msg('h', { expiry: 6000 }), false)).toEqual({ result: 'exists', expiry: 9000 });
    expect(db.messageCount()).toBe(1);
  });

  it('keeps owners and namespaces apart', () => {
    db.store(msg('a'), false);
    db.store(msg('b', { namespace: 2 }), false);
    db.store(msg('c', { owner: OTHER }), false);
    expect(db.retrieve(OWNER, 0, { now: 0 }).messages.map((m) => m.hash)).toEqual(['a']);
    expect(db.retrieve(OWNER, 2, { now: 0 }).messages.map((m) => m.hash)).toEqual(['b']);
    expect(db.deleteByHash(OWNER, ['c'])).toEqual([]);
    expect(db.deleteAll(OWNER).sort()).toEqual([
      [0, 'a'],
      [2, 'b'],
    ]);
  });

  it('replaces the other messages of a public outbox', () => {
    db.store(msg('old', { namespace: -1 }), true);
    db.store(msg('new', { namespace: -1 }), true);
    expect(db.retrieve(OWNER, -1, { now: 0 }).messages.map((m) => m.hash)).toEqual(['new']);
  });

  it('sets, extends and shortens expiries', () => {
    db.store(msg('a', { expiry: 5000 }), false);
    db.store(msg('b', { expiry: 7000 }), false);
    expect(db.updateExpiry(OWNER, ['a', 'b'], [6000], 'extend')).toEqual([['a', 6000]]);
    expect(db.updateExpiry(OWNER, ['a', 'b'], [6500], 'shorten')).toEqual([['b', 6500]]);
    expect(db.updateExpiry(OWNER, ['a', 'b', 'x'], [1, 2, 3], 'set')).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
    expect(Object.fromEntries(db.getExpiries(OWNER, ['a', 'b', 'x']))).toEqual({ a: 1, b: 2 });
    expect(db.shortenAll(OWNER, 0)).toHaveLength(2);
  });

  it('prunes expired messages and skips them on retrieve', () => {
    db.store(msg('gone', { expiry: 100 }), false);
    db.store(msg('kept', { expiry: 200 }), false);
    expect(db.retrieve(OWNER, 0, { now: 100 }).messages.map((m) => m.hash)).toEqual(['kept']);
    expect(db.pruneExpired(100)).toBe(1);
    expect(db.messageCount()).toBe(1);
  });

  it('survives close and reopen', () => {
    db.store(msg('stay'), false);
    db.close();
    db = new MessageDb(join(dir, 'node.sqlite'));
    const [m] = db.retrieve(OWNER, 0, { now: 0 }).messages;
    expect(m).toEqual({ hash: 'stay', namespace: 0, timestamp: 1000, expiry: 5000, data: new Uint8Array([1, 2, 3]) });
  });
});
