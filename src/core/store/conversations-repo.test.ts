import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectCode } from '../../../test/expect-code.ts';
import { freshIndexedDB } from '../../../test/fake-indexeddb.ts';
import {
  ensureConversation,
  getConversation,
  listConversations,
  markConversationRead,
  setConversationDisplayName,
} from './conversations-repo.ts';
import { openParleyDatabase, type ParleyDB } from './database.ts';
import { recordIncomingMessage } from './messages-repo.ts';

const ME = '05' + '00'.repeat(32);
const peer = (n: number) => '05' + n.toString(16).padStart(2, '0').repeat(32);

let db: ParleyDB;
beforeEach(async () => {
  db = await openParleyDatabase({ indexedDB: freshIndexedDB() });
});
afterEach(() => db.close());

function incoming(from: string, sentAt: number, unread = 1) {
  return recordIncomingMessage(db, {
    message: {
      direction: 'incoming',
      conversationId: from,
      senderSessionId: from,
      sentAt,
      receivedAt: sentAt + 5,
      body: 'hi',
      swarmHashes: [],
      expiresAt: null,
    },
    conversationUpdate: { createdAt: sentAt + 5, lastMessageAt: sentAt, unreadIncrement: unread },
    seenHash: null,
  });
}

describe('conversations repository', () => {
  it('opens a conversation once; opening it again returns it unchanged', async () => {
    const created = await ensureConversation(db, peer(1), 1000);
    expect(created).toEqual({ id: peer(1), displayName: null, createdAt: 1000, lastMessageAt: 1000, unreadCount: 0, lastMessage: null, readThroughId: 0 });
    await incoming(peer(1), 2000);
    const again = await ensureConversation(db, peer(1), 3000);
    expect(again).toEqual({
      ...created,
      lastMessageAt: 2000,
      unreadCount: 1,
      lastMessage: { messageId: 1, kind: 'text', direction: 'incoming', excerpt: 'hi', sentAt: 2000, status: null, attachments: null },
    });
    expect(await getConversation(db, peer(1))).toEqual(again);
  });

  it('is created by its first message, counts unread messages, and is read again', async () => {
    await incoming(peer(2), 100);
    await incoming(peer(2), 200);
    expect(await getConversation(db, peer(2))).toMatchObject({ createdAt: 105, lastMessageAt: 200, unreadCount: 2 });
    await markConversationRead(db, peer(2));
    expect((await getConversation(db, peer(2)))?.unreadCount).toBe(0);
  });

  it('never moves lastMessageAt back for a late, older message', async () => {
    await incoming(peer(3), 500);
    await incoming(peer(3), 300);
    expect((await getConversation(db, peer(3)))?.lastMessageAt).toBe(500);
  });

  it('lists conversations most recent first, up to a limit', async () => {
    await ensureConversation(db, peer(1), 10);
    await incoming(peer(2), 30);
    await ensureConversation(db, peer(3), 20);
    await incoming(peer(1), 40);
    expect((await listConversations(db)).map((c) => c.id)).toEqual([peer(1), peer(2), peer(3)]);
    expect((await listConversations(db, 2)).map((c) => c.id)).toEqual([peer(1), peer(2)]);
    expect(await listConversations(db)).toHaveLength(3);
  });

  it('lists every conversation unless asked for fewer (a person with 600 is shown all 600)', async () => {
    for (let n = 1; n <= 600; n++) await ensureConversation(db, '05' + n.toString(16).padStart(4, '0').repeat(16), n);
    const all = await listConversations(db);
    expect(all).toHaveLength(600);
    expect(all[0]?.lastMessageAt).toBe(600);
  });

  it('sets and clears the display name', async () => {
    await ensureConversation(db, peer(4), 1);
    await setConversationDisplayName(db, peer(4), 'Bob');
    expect((await getConversation(db, peer(4)))?.displayName).toBe('Bob');
    await setConversationDisplayName(db, peer(4), null);
    expect((await getConversation(db, peer(4)))?.displayName).toBeNull();
  });

  it('reports a conversation that does not exist', async () => {
    expect(await getConversation(db, peer(9))).toBeUndefined();
    await expectCode(markConversationRead(db, peer(9)), 'storage_not_found');
    await expectCode(setConversationDisplayName(db, peer(9), 'x'), 'storage_not_found');
  });

  it('checks its inputs', async () => {
    await expectCode(ensureConversation(db, 'not an id', 1), 'invalid_argument', 'id');
    await expectCode(ensureConversation(db, ME, -5), 'invalid_argument', 'now');
    await expectCode(getConversation(db, ME.slice(1)), 'invalid_argument', 'id');
    await expectCode(listConversations(db, 0), 'invalid_argument', 'limit');
    await expectCode(setConversationDisplayName(db, ME, 'x'.repeat(1001)), 'invalid_argument', 'displayName');
    expect(await listConversations(db)).toEqual([]);
  });
});
