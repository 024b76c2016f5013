import { describe, expect, it } from 'vitest';
import { describeDatabase, dumpDatabase, freshIndexedDB } from '../../../../test/fake-indexeddb.ts';
import { openParleyDatabase } from '../database.ts';
import { migration001Messaging } from './001-messaging.ts';

const CONVERSATION = '05' + 'a'.repeat(64);
const OTHER = '05' + 'b'.repeat(64);

async function openAtVersion1() {
  const indexedDB = freshIndexedDB();
  const db = await openParleyDatabase({ indexedDB, migrations: [migration001Messaging] });
  return { indexedDB, db };
}

describe('migration 001: messaging stores', () => {
  it('creates exactly the messaging stores with their keys and indexes', async () => {
    const { indexedDB, db } = await openAtVersion1();
    db.close();
    expect(await describeDatabase(indexedDB, 'parley')).toEqual({
      version: 1,
      stores: {
        account: { keyPath: 'id', autoIncrement: false, indexes: {} },
        conversations: {
          keyPath: 'id',
          autoIncrement: false,
          indexes: { 'by-lastMessageAt': { keyPath: 'lastMessageAt', unique: false, multiEntry: false } },
        },
        messages: {
          keyPath: 'id',
          autoIncrement: true,
          indexes: {
            'by-conversation-sentAt': { keyPath: ['conversationId', 'sentAt'], unique: false, multiEntry: false },
            'by-sender-sentAt': { keyPath: ['senderSessionId', 'sentAt'], unique: true, multiEntry: false },
            'by-status': { keyPath: 'status', unique: false, multiEntry: false },
          },
        },
        outbox: {
          keyPath: 'messageId',
          autoIncrement: false,
          indexes: { 'by-nextAttemptAt': { keyPath: 'nextAttemptAt', unique: false, multiEntry: false } },
        },
        seenHashes: {
          keyPath: 'hash',
          autoIncrement: false,
          indexes: { 'by-expiresAt': { keyPath: 'expiresAt', unique: false, multiEntry: false } },
        },
        settings: { keyPath: 'key', autoIncrement: false, indexes: {} },
      },
    });
  });

  it('refuses a second message with the same sender and sentAt (the unique index)', async () => {
    const { db } = await openAtVersion1();
    const raw = db as unknown as { add(store: string, value: object): Promise<unknown> };
    const message = { conversationId: CONVERSATION, senderSessionId: CONVERSATION, sentAt: 5, body: 'x' };
    await raw.add('messages', message);
    await expect(raw.add('messages', { ...message, body: 'y' })).rejects.toMatchObject({ name: 'ConstraintError' });
    // Another sender at the same time is another message.
    await raw.add('messages', { ...message, senderSessionId: OTHER });
    db.close();
  });

  it('gives messages increasing ids and leaves records without a status out of the status index', async () => {
    const { db } = await openAtVersion1();
    const raw = db as unknown as {
      add(store: string, value: object): Promise<number>;
      getAllFromIndex(store: string, index: string): Promise<unknown[]>;
    };
    const first = await raw.add('messages', { conversationId: CONVERSATION, senderSessionId: CONVERSATION, sentAt: 1 });
    const second = await raw.add('messages', {
      conversationId: CONVERSATION,
      senderSessionId: OTHER,
      sentAt: 1,
      status: 'queued',
    });
    expect(second).toBeGreaterThan(first);
    expect(await raw.getAllFromIndex('messages', 'by-status')).toHaveLength(1);
    db.close();
  });

  it('leaves outbox entries with nextAttemptAt null out of the due index', async () => {
    const { indexedDB, db } = await openAtVersion1();
    const raw = db as unknown as {
      add(store: string, value: object): Promise<unknown>;
      getAllFromIndex(store: string, index: string): Promise<unknown[]>;
    };
    await raw.add('outbox', { messageId: 1, nextAttemptAt: 10 });
    await raw.add('outbox', { messageId: 2, nextAttemptAt: null });
    expect(await raw.getAllFromIndex('outbox', 'by-nextAttemptAt')).toEqual([{ messageId: 1, nextAttemptAt: 10 }]);
    db.close();
    expect((await dumpDatabase(indexedDB, 'parley'))['outbox']).toHaveLength(2);
  });
});
