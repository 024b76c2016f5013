import fc from 'fast-check';
import { IDBObjectStore } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { expectCode } from '../../../test/expect-code.ts';
import { dumpDatabase, freshIndexedDB, type TestIndexedDB } from '../../../test/fake-indexeddb.ts';
import { getConversation } from './conversations-repo.ts';
import { openParleyDatabase, type ParleyDB } from './database.ts';
import {
  findMessageBySender,
  getMessage,
  insertMessage,
  listOutgoingByStatus,
  pageConversation,
  recordIncomingMessage,
  type IncomingMessageWrite,
} from './messages-repo.ts';
import type { NewMessage } from './schema.ts';
import { filterUnseen } from './seen-hashes-repo.ts';

const ME = '05' + 'ee'.repeat(32);
const peer = (n: number) => '05' + n.toString(16).padStart(2, '0').repeat(32);

function incoming(from: string, sentAt: number, body = 'hello'): NewMessage {
  return {
    direction: 'incoming',
    conversationId: from,
    senderSessionId: from,
    sentAt,
    receivedAt: sentAt + 1,
    body,
    swarmHashes: [],
    expiresAt: null,
  };
}

function outgoing(to: string, sentAt: number, status: 'queued' | 'sending' | 'sent' | 'failed' = 'queued'): NewMessage {
  return {
    direction: 'outgoing',
    conversationId: to,
    senderSessionId: ME,
    sentAt,
    receivedAt: sentAt,
    body: 'out',
    swarmHashes: [],
    expiresAt: null,
    status,
    failureCode: status === 'failed' ? 'storage_failed' : null,
  };
}

function arrival(message: NewMessage, hash: string | null): IncomingMessageWrite {
  return {
    message,
    conversationUpdate: { createdAt: message.receivedAt, lastMessageAt: message.sentAt, unreadIncrement: 1 },
    seenHash: hash === null ? null : { hash, expiresAt: message.sentAt + 14 * 86_400_000 },
  };
}

let indexedDB: TestIndexedDB;
let db: ParleyDB;
beforeEach(async () => {
  indexedDB = freshIndexedDB();
  db = await openParleyDatabase({ indexedDB });
});
afterEach(() => {
  vi.restoreAllMocks();
  db.close();
});

describe('insertMessage and dedup by (sender, sentAt)', () => {
  it('gives each new message an id and reads it back', async () => {
    const result = await insertMessage(db, incoming(peer(1), 100));
    expect(result).toEqual({ inserted: true, id: 1 });
    // Fields a caller leaves out get their defaults (version 3): a plain text message, no timer.
    const stored = { id: 1, ...incoming(peer(1), 100), kind: 'text', disappearing: null, ownSwarmHashes: [] };
    expect(await getMessage(db, 1)).toEqual(stored);
    expect(await findMessageBySender(db, peer(1), 100)).toEqual(stored);
    expect(await findMessageBySender(db, peer(1), 101)).toBeUndefined();
  });

  it('reports a duplicate with the existing id and keeps the first copy', async () => {
    await insertMessage(db, incoming(peer(1), 100, 'first'));
    const again = await insertMessage(db, incoming(peer(1), 100, 'second'));
    expect(again).toEqual({ inserted: false, existingId: 1 });
    expect((await getMessage(db, 1))?.body).toBe('first');
    expect((await dumpDatabase(indexedDB, 'parley'))['messages']).toHaveLength(1);
  });

  it('treats the same time from another sender as another message', async () => {
    expect((await insertMessage(db, incoming(peer(1), 100))).inserted).toBe(true);
    expect((await insertMessage(db, incoming(peer(2), 100))).inserted).toBe(true);
    expect((await insertMessage(db, outgoing(peer(1), 100))).inserted).toBe(true);
  });

  it('stores each (sender, sentAt) once, whatever the order of arrivals (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 5 })), { maxLength: 25 }), async (arrivals) => {
        const fresh = await openParleyDatabase({ indexedDB: freshIndexedDB() });
        try {
          const firstIds = new Map<string, number>();
          for (const [sender, sentAt] of arrivals) {
            const key = `${sender}:${sentAt}`;
            const result = await insertMessage(fresh, incoming(peer(sender), sentAt));
            if (firstIds.has(key)) expect(result).toEqual({ inserted: false, existingId: firstIds.get(key) });
            else {
              expect(result.inserted).toBe(true);
              if (result.inserted) firstIds.set(key, result.id);
            }
          }
          expect(await fresh.count('messages')).toBe(firstIds.size);
        } finally {
          fresh.close();
        }
      }),
      { numRuns: 50 },
    );
  });
});

describe('pageConversation', () => {
  it('returns the latest messages oldest first, and pages back before a cursor', async () => {
    for (const sentAt of [50, 10, 40, 20, 30]) await insertMessage(db, incoming(peer(1), sentAt));
    await insertMessage(db, incoming(peer(2), 35));
    const latest = await pageConversation(db, peer(1), { limit: 2 });
    expect(latest.map((m) => m.sentAt)).toEqual([40, 50]);
    const older = await pageConversation(db, peer(1), { limit: 2, before: latest[0]! });
    expect(older.map((m) => m.sentAt)).toEqual([20, 30]);
    const oldest = await pageConversation(db, peer(1), { limit: 2, before: older[0]! });
    expect(oldest.map((m) => m.sentAt)).toEqual([10]);
    expect(await pageConversation(db, peer(1), { before: oldest[0]! })).toEqual([]);
    expect(await pageConversation(db, peer(9))).toEqual([]);
  });

  it('pages through every message exactly once, ties in sentAt included (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 1, max: 2 }), fc.integer({ min: 0, max: 6 })), { maxLength: 30 }),
        fc.integer({ min: 1, max: 4 }),
        async (messages, limit) => {
          const fresh = await openParleyDatabase({ indexedDB: freshIndexedDB() });
          try {
            for (const [mine, conversation, sentAt] of messages) {
              await insertMessage(fresh, mine ? outgoing(peer(conversation), sentAt) : incoming(peer(conversation), sentAt));
            }
            const all = (await fresh.getAll('messages'))
              .filter((m) => m.conversationId === peer(1))
              .sort((a, b) => a.sentAt - b.sentAt || a.id - b.id);
            const paged: number[] = [];
            let page = await pageConversation(fresh, peer(1), { limit });
            while (page.length > 0) {
              paged.unshift(...page.map((m) => m.id));
              page = await pageConversation(fresh, peer(1), { limit, before: page[0]! });
            }
            expect(paged).toEqual(all.map((m) => m.id));
          } finally {
            fresh.close();
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('recordIncomingMessage', () => {
  it('writes the message, its conversation and its seen hash together', async () => {
    const result = await recordIncomingMessage(db, arrival(incoming(peer(1), 100), 'hash-1'));
    expect(result).toEqual({ inserted: true, id: 1 });
    expect(await getConversation(db, peer(1))).toEqual({
      id: peer(1),
      displayName: null,
      createdAt: 101,
      lastMessageAt: 100,
      unreadCount: 1,
      lastMessage: { messageId: 1, kind: 'text', direction: 'incoming', excerpt: 'hello', sentAt: 100, status: null, attachments: null },
      // Everything before this first message counts as read: only it is unread.
      readThroughId: 0,
    });
    expect(await filterUnseen(db, ['hash-1', 'hash-2'])).toEqual(['hash-2']);
  });

  it('on a duplicate, marks the new hash seen and leaves the conversation alone', async () => {
    await recordIncomingMessage(db, arrival(incoming(peer(1), 100), 'hash-1'));
    const again = await recordIncomingMessage(db, arrival(incoming(peer(1), 100), 'hash-other'));
    expect(again).toEqual({ inserted: false, existingId: 1 });
    expect((await getConversation(db, peer(1)))?.unreadCount).toBe(1);
    expect(await filterUnseen(db, ['hash-1', 'hash-other'])).toEqual([]);
    expect(await db.count('messages')).toBe(1);
  });

  it('files a sync copy of our own message, sent from another device, as outgoing and sent', async () => {
    const copy = outgoing(peer(2), 300, 'sent');
    await recordIncomingMessage(db, { ...arrival(copy, 'sync-hash'), conversationUpdate: { createdAt: 300, lastMessageAt: 300, unreadIncrement: 0 } });
    expect(await listOutgoingByStatus(db, 'sent')).toMatchObject([{ conversationId: peer(2), senderSessionId: ME }]);
    expect((await getConversation(db, peer(2)))?.unreadCount).toBe(0);
  });

  it('writes nothing at all when one part fails', async () => {
    const put = IDBObjectStore.prototype.put;
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (this: { name: string }, ...args: unknown[]) {
      if (this.name === 'conversations') throw new DOMException('disk full', 'QuotaExceededError');
      return put.apply(this, args as never);
    });
    await expectCode(recordIncomingMessage(db, arrival(incoming(peer(1), 100), 'hash-1')), 'storage_quota_exceeded');
    vi.restoreAllMocks();
    const dump = await dumpDatabase(indexedDB, 'parley');
    expect(dump['messages']).toEqual([]);
    expect(dump['seenHashes']).toEqual([]);
    expect(dump['conversations']).toEqual([]);
    // The database still works afterwards.
    expect((await recordIncomingMessage(db, arrival(incoming(peer(1), 100), 'hash-1'))).inserted).toBe(true);
  });

  it('checks its inputs before writing anything', async () => {
    const good = arrival(incoming(peer(1), 100), 'h');
    const invalid = (write: unknown, param: string) => expectCode(recordIncomingMessage(db, write as IncomingMessageWrite), 'invalid_argument', param);
    await invalid(null, 'write');
    await invalid({ ...good, message: { ...good.message, direction: 'sideways' } }, 'write.message.direction');
    await invalid({ ...good, message: { ...good.message, conversationId: 'x' } }, 'write.message.conversationId');
    await invalid({ ...good, message: { ...good.message, senderSessionId: peer(0xab).toUpperCase() } }, 'write.message.senderSessionId');
    await invalid({ ...good, message: { ...good.message, sentAt: 1.5 } }, 'write.message.sentAt');
    await invalid({ ...good, message: { ...good.message, receivedAt: '1' } }, 'write.message.receivedAt');
    await invalid({ ...good, message: { ...good.message, body: 'x'.repeat(100_001) } }, 'write.message.body');
    await invalid({ ...good, message: { ...good.message, body: null } }, 'write.message.body');
    await invalid({ ...good, message: { ...good.message, swarmHashes: 'h' } }, 'write.message.swarmHashes');
    await invalid({ ...good, message: { ...good.message, swarmHashes: [''] } }, 'write.message.swarmHashes[0]');
    await invalid({ ...good, message: { ...good.message, expiresAt: undefined } }, 'write.message.expiresAt');
    await invalid({ ...good, message: { ...outgoing(peer(1), 1), status: 'done' } }, 'write.message.status');
    await invalid({ ...good, message: { ...outgoing(peer(1), 1), failureCode: 'Not A Code' } }, 'write.message.failureCode');
    await invalid({ ...good, conversationUpdate: { ...good.conversationUpdate, unreadIncrement: -1 } }, 'write.conversationUpdate.unreadIncrement');
    await invalid({ ...good, conversationUpdate: { ...good.conversationUpdate, displayName: '' } }, 'write.conversationUpdate.displayName');
    await invalid({ ...good, seenHash: { hash: '', expiresAt: 1 } }, 'write.seenHash.hash');
    await invalid({ ...good, seenHash: { hash: 'h', expiresAt: -1 } }, 'write.seenHash.expiresAt');
    expect(await db.count('messages')).toBe(0);
  });

  it('stores exactly the schema fields, nothing the caller added', async () => {
    const message = { ...incoming(peer(1), 1), secretKey: new Uint8Array(32) } as unknown as NewMessage;
    await insertMessage(db, message);
    expect(Object.keys((await getMessage(db, 1))!).sort()).toEqual(
      ['body', 'conversationId', 'direction', 'disappearing', 'expiresAt', 'id', 'kind', 'ownSwarmHashes', 'receivedAt', 'senderSessionId', 'sentAt', 'swarmHashes'],
    );
  });
});

describe('listOutgoingByStatus', () => {
  it('lists outgoing messages in one state, oldest first; incoming ones never', async () => {
    await insertMessage(db, outgoing(peer(1), 30, 'failed'));
    await insertMessage(db, outgoing(peer(2), 10, 'failed'));
    await insertMessage(db, outgoing(peer(1), 20, 'sent'));
    await insertMessage(db, incoming(peer(1), 5));
    expect((await listOutgoingByStatus(db, 'failed')).map((m) => m.sentAt)).toEqual([10, 30]);
    expect((await listOutgoingByStatus(db, 'sent')).map((m) => m.sentAt)).toEqual([20]);
    expect(await listOutgoingByStatus(db, 'queued')).toEqual([]);
    await expectCode(listOutgoingByStatus(db, 'received' as never), 'invalid_argument', 'status');
  });
});
