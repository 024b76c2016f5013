/**
 * Conversations, keyed by the peer's Session ID, listed most recent first. They hold counters,
 * names and a summary of the newest message (conversation-summary.ts), so the list is one read.
 */
import type { IDBPObjectStore, StoreNames } from 'idb';
import { ParleyError } from '../../shared/errors.ts';
import { checkInteger, checkObject } from '../../../wasm/check.ts';
import { checkNullableText, checkSessionId, checkTime } from './checks.ts';
import { currentSummaryIn } from './conversation-summary.ts';
import type { ParleyDB } from './database.ts';
import type { ConversationRecord, MessageRecord, ParleySchema, SessionId } from './schema.ts';
import { storageCall } from './storage-errors.ts';
import { writeTransaction } from './transaction.ts';

/** How a new message changes its conversation (created if it does not exist yet). */
export interface ConversationUpdate {
  /** Used only if the conversation is created by this update. */
  readonly createdAt: number;
  /** Moves the conversation's lastMessageAt forward; a late old message never moves it back. */
  readonly lastMessageAt: number;
  /** 1 for an incoming message the user has not seen, else 0. */
  readonly unreadIncrement: number;
  /** A name from the peer's profile; leave out to keep the current one. */
  readonly displayName?: string | null;
}

export function checkConversationUpdate(update: unknown, name: string): asserts update is ConversationUpdate {
  checkObject(update, name);
  checkTime(update['createdAt'], `${name}.createdAt`);
  checkTime(update['lastMessageAt'], `${name}.lastMessageAt`);
  checkInteger(update['unreadIncrement'], `${name}.unreadIncrement`, 0, 1_000_000);
  if (update['displayName'] !== undefined) checkNullableText(update['displayName'], `${name}.displayName`);
}

/**
 * Applies an update inside a caller's readwrite transaction (the atomic message writes use it). The
 * summary of the newest message is carried over as it was: the caller refreshes it after its
 * message writes (conversation-summary.ts refreshSummariesIn).
 */
export async function applyConversationUpdate<Tx extends ArrayLike<StoreNames<ParleySchema>>>(
  store: IDBPObjectStore<ParleySchema, Tx, 'conversations', 'readwrite'>,
  id: SessionId,
  update: ConversationUpdate,
  messageId: number,
): Promise<ConversationRecord> {
  const current = await store.get(id);
  // Nothing unread before this message (or no conversation yet): everything stored before it is read.
  const readThroughId = current === undefined || current.unreadCount === 0 ? messageId - 1 : current.readThroughId;
  const next: ConversationRecord = {
    id,
    displayName: update.displayName !== undefined ? update.displayName : (current?.displayName ?? null),
    createdAt: current?.createdAt ?? update.createdAt,
    lastMessageAt: current === undefined ? update.lastMessageAt : Math.max(current.lastMessageAt, update.lastMessageAt),
    unreadCount: (current?.unreadCount ?? 0) + update.unreadIncrement,
    // A new message never changes the timer: only a timer update does (setConversationDisappearing).
    ...(current?.disappearing != null ? { disappearing: current.disappearing } : {}),
    lastMessage: current?.lastMessage ?? null,
    ...(readThroughId !== undefined ? { readThroughId } : {}),
  };
  await store.put(next);
  return next;
}

export async function getConversation(db: ParleyDB, id: SessionId): Promise<ConversationRecord | undefined> {
  checkSessionId(id, 'id');
  return storageCall('getConversation', () => db.get('conversations', id));
}

/**
 * The conversation list, most recently active first: every conversation, or the first `limit`.
 * Every conversation is one getAll over the index (a cursor costs a request per record: 1,000
 * conversations took tens of milliseconds that way); equal times come newest-key first, as a
 * backward cursor gives them.
 */
export async function listConversations(db: ParleyDB, limit?: number): Promise<ConversationRecord[]> {
  if (limit !== undefined) checkInteger(limit, 'limit', 1, 100_000);
  return storageCall('listConversations', async () => {
    const index = db.transaction('conversations').store.index('by-lastMessageAt');
    if (limit === undefined) return (await index.getAll()).reverse();
    const out: ConversationRecord[] = [];
    for await (const cursor of index.iterate(null, 'prev')) {
      out.push(cursor.value);
      if (out.length >= limit) break;
    }
    return out;
  });
}

/** Opens a conversation with someone (the user typed their Session ID); an existing one is returned as is. */
export async function ensureConversation(db: ParleyDB, id: SessionId, now: number): Promise<ConversationRecord> {
  checkSessionId(id, 'id');
  checkTime(now, 'now');
  return writeTransaction(db, ['conversations', 'messages'], 'ensureConversation', async (tx) => {
    const existing = await tx.objectStore('conversations').get(id);
    if (existing !== undefined) return existing;
    const lastMessage = await currentSummaryIn(tx.objectStore('messages'), id);
    const readThroughId = await highestMessageIdIn(tx.objectStore('messages'));
    const created: ConversationRecord = { id, displayName: null, createdAt: now, lastMessageAt: now, unreadCount: 0, lastMessage, readThroughId };
    await tx.objectStore('conversations').add(created);
    return created;
  });
}

export async function setConversationDisplayName(db: ParleyDB, id: SessionId, displayName: string | null): Promise<void> {
  checkSessionId(id, 'id');
  checkNullableText(displayName, 'displayName');
  return changeConversation(db, id, 'setConversationDisplayName', (c) => ({ ...c, displayName }));
}

/** Nothing is unread any more: the count is zeroed and every message stored so far counts as read. */
export async function markConversationRead(db: ParleyDB, id: SessionId): Promise<void> {
  checkSessionId(id, 'id');
  return writeTransaction(db, ['conversations', 'messages'], 'markConversationRead', async (tx) => {
    const current = await tx.objectStore('conversations').get(id);
    if (current === undefined) {
      throw new ParleyError('storage_not_found', 'storage: markConversationRead: no such conversation', { operation: 'markConversationRead' });
    }
    const readThroughId = await highestMessageIdIn(tx.objectStore('messages'));
    await tx.objectStore('conversations').put({ ...current, unreadCount: 0, readThroughId });
  });
}

/** The id of the newest message stored (ids only grow), 0 when there is none: one key-cursor step. */
export async function highestMessageIdIn<Tx extends ArrayLike<StoreNames<ParleySchema>>>(
  messages: IDBPObjectStore<ParleySchema, Tx, 'messages', 'readwrite' | 'readonly'>,
): Promise<number> {
  const cursor = await messages.openKeyCursor(null, 'prev');
  return cursor?.key ?? 0;
}

/**
 * An incoming message leaves (expired, deleted) or becomes a tombstone: if it was one the unread
 * count counts, the count goes down, in the caller's transaction. Call it with the message as it
 * was before the change.
 */
export async function uncountUnreadIn<Tx extends ArrayLike<StoreNames<ParleySchema>>>(
  conversations: IDBPObjectStore<ParleySchema, Tx, 'conversations', 'readwrite'>,
  message: MessageRecord,
): Promise<void> {
  // Only a visible incoming message is ever counted (the receiver's unreadIncrement).
  if (message.direction !== 'incoming' || (message.kind ?? 'text') !== 'text') return;
  const record = await conversations.get(message.conversationId);
  if (record === undefined || record.readThroughId === undefined || message.id <= record.readThroughId || record.unreadCount === 0) return;
  await conversations.put({ ...record, unreadCount: record.unreadCount - 1 });
}

function changeConversation(
  db: ParleyDB,
  id: SessionId,
  operation: string,
  change: (current: ConversationRecord) => ConversationRecord,
): Promise<void> {
  return writeTransaction(db, ['conversations'], operation, async (tx) => {
    const current = await tx.store.get(id);
    if (current === undefined) {
      throw new ParleyError('storage_not_found', `storage: ${operation}: no such conversation`, { operation });
    }
    await tx.store.put(change(current));
  });
}
