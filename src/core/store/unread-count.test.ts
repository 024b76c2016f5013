/**
 * The unread count follows the messages it counts: an unread incoming message that expires, is
 * unsent by its author or deleted here comes off the count in the same transaction; a message read
 * before, one of ours, or a second unsend of the same message changes nothing.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freshIndexedDB } from '../../../test/fake-indexeddb.ts';
import { ensureConversation, getConversation, markConversationRead } from './conversations-repo.ts';
import { openParleyDatabase, type ParleyDB } from './database.ts';
import { markMessageUnsent, removeExpiredMessages, removeMessage } from './disappearing-repo.ts';
import { recordIncomingMessage } from './messages-repo.ts';
import { queueOutgoingMessage } from './outbox-repo.ts';

const ME = '05' + 'ee'.repeat(32);
const PEER = '05' + '01'.repeat(32);
const PAYLOAD = 'AAECAw==';

let db: ParleyDB;
beforeEach(async () => {
  db = await openParleyDatabase({ indexedDB: freshIndexedDB() });
});
afterEach(() => db.close());

/** An incoming text message, counted as unread as the receiver counts it. */
async function receive(sentAt: number, expiresAt: number | null = null): Promise<number> {
  const result = await recordIncomingMessage(db, {
    message: { direction: 'incoming', conversationId: PEER, senderSessionId: PEER, sentAt, receivedAt: sentAt, body: `in ${sentAt}`, swarmHashes: [], expiresAt },
    conversationUpdate: { createdAt: sentAt, lastMessageAt: sentAt, unreadIncrement: 1 },
    seenHash: null,
  });
  if (!result.inserted) throw new Error('expected a new message');
  return result.id;
}

async function send(sentAt: number, expiresAt: number | null = null): Promise<number> {
  const result = await queueOutgoingMessage(db, {
    message: { direction: 'outgoing', conversationId: PEER, senderSessionId: ME, sentAt, receivedAt: sentAt, body: `out ${sentAt}`, swarmHashes: [], expiresAt, status: 'queued', failureCode: null },
    outboxEntry: { recipient: PEER, recipientPayload: PAYLOAD, syncPayload: PAYLOAD, nextAttemptAt: sentAt, createdAt: sentAt },
    conversationUpdate: { createdAt: sentAt, lastMessageAt: sentAt, unreadIncrement: 0 },
  });
  if (!result.inserted) throw new Error('expected a new message');
  return result.id;
}

async function unread(): Promise<number | undefined> {
  return (await getConversation(db, PEER))?.unreadCount;
}

describe('the unread count', () => {
  it('loses an unread message that expires, and keeps counting the ones still there', async () => {
    await receive(1000, 5000);
    await receive(2000, 9000);
    await receive(3000);
    expect(await unread()).toBe(3);
    await removeExpiredMessages(db, 6000);
    expect(await unread()).toBe(2);
    await removeExpiredMessages(db, 10_000);
    expect(await unread()).toBe(1);
  });

  it('is not lowered by a message read before it expires, nor by one of ours', async () => {
    await receive(1000, 5000);
    await send(1500, 5000);
    await markConversationRead(db, PEER);
    await receive(2000, 9000);
    expect(await unread()).toBe(1);
    await removeExpiredMessages(db, 6000);
    expect(await unread()).toBe(1);
    await removeExpiredMessages(db, 10_000);
    expect(await unread()).toBe(0);
  });

  it('loses an unread message its author unsends, once, however often the unsend comes', async () => {
    const first = await receive(1000);
    await receive(2000);
    await markMessageUnsent(db, first);
    expect(await unread()).toBe(1);
    await markMessageUnsent(db, first);
    expect(await unread()).toBe(1);
  });

  it('keeps its count when a message that was read is unsent', async () => {
    const read = await receive(1000);
    await markConversationRead(db, PEER);
    await receive(2000);
    await markMessageUnsent(db, read);
    expect(await unread()).toBe(1);
  });

  it('loses an unread message deleted on this device', async () => {
    const first = await receive(1000);
    await receive(2000);
    await removeMessage(db, first);
    expect(await unread()).toBe(1);
  });

  it('counts from a conversation opened before any message, and after messages that came while it was read', async () => {
    await ensureConversation(db, PEER, 500);
    const first = await receive(1000);
    await markConversationRead(db, PEER);
    await send(1500);
    const second = await receive(2000);
    await removeMessage(db, first);
    expect(await unread()).toBe(1);
    await removeMessage(db, second);
    expect(await unread()).toBe(0);
  });

  it('leaves the count as it is on a record from before the read mark, until the next read', async () => {
    const first = await receive(1000);
    const record = (await getConversation(db, PEER))!;
    const { readThroughId: _unknown, ...older } = record;
    await db.put('conversations', older);
    const second = await receive(2000);
    await removeMessage(db, first);
    expect(await unread()).toBe(2); // which messages it counted is not known: never lowered wrongly
    await markConversationRead(db, PEER);
    await receive(3000);
    await removeMessage(db, second);
    expect(await unread()).toBe(1);
  });
});
