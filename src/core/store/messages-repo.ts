/**
 * Messages: paged per conversation in envelope-time order, deduplicated by (sender, envelope
 * timestamp), and the atomic write for a message that arrived from the swarm.
 */
import type { IDBPObjectStore, StoreNames } from 'idb';
import { checkArray, checkInteger, checkObject } from '../../../wasm/check.ts';
import type { ErrorCode } from '../../shared/errors.ts';
import {
  checkDisappearingSetting,
  checkErrorCode,
  checkMaxLength,
  checkNullableTime,
  checkOneOf,
  checkSessionId,
  checkText,
  checkTime,
} from './checks.ts';
import { applyConversationUpdate, checkConversationUpdate, type ConversationUpdate } from './conversations-repo.ts';
import { refreshSummariesIn } from './conversation-summary.ts';
import type { ParleyDB } from './database.ts';
import { toStoredAttachments } from './attachment-checks.ts';
import {
  MESSAGE_KINDS,
  OUTGOING_STATUSES,
  type MessageRecord,
  type NewMessage,
  type OutgoingMessageRecord,
  type OutgoingStatus,
  type ParleySchema,
  type SessionId,
} from './schema.ts';
import { markSeenIn } from './seen-hashes-repo.ts';
import { keyRange } from './idb-env.ts';
import { storageCall } from './storage-errors.ts';
import { writeTransaction } from './transaction.ts';

/** Longest body kept; a stored payload is at most 76,800 bytes, so real bodies are far shorter. */
export const MAX_BODY_LENGTH = 100_000;

/** The outcome of an insert: a duplicate (same sender and sentAt) is reported, never written twice. */
export type InsertResult = { readonly inserted: true; readonly id: number } | { readonly inserted: false; readonly existingId: number };

/** Where a page of a conversation ends: the oldest message already shown. */
export interface PageCursor {
  readonly sentAt: number;
  readonly id: number;
}

type MessagesStore<Tx extends ArrayLike<StoreNames<ParleySchema>>> = IDBPObjectStore<ParleySchema, Tx, 'messages', 'readwrite'>;

/** Checks a new message and copies exactly the schema's fields (nothing else reaches the database). */
export function toNewMessage(message: unknown, name: string): NewMessage {
  checkObject(message, name);
  checkOneOf(message['direction'], `${name}.direction`, ['incoming', 'outgoing'] as const);
  checkSessionId(message['conversationId'], `${name}.conversationId`);
  checkSessionId(message['senderSessionId'], `${name}.senderSessionId`);
  checkTime(message['sentAt'], `${name}.sentAt`);
  checkTime(message['receivedAt'], `${name}.receivedAt`);
  checkMaxLength(message['body'], `${name}.body`, MAX_BODY_LENGTH);
  const swarmHashes = message['swarmHashes'];
  checkArray(swarmHashes, `${name}.swarmHashes`);
  swarmHashes.forEach((hash, i) => checkText(hash, `${name}.swarmHashes[${i}]`));
  checkNullableTime(message['expiresAt'], `${name}.expiresAt`);
  const kind = message['kind'] ?? 'text';
  checkOneOf(kind, `${name}.kind`, MESSAGE_KINDS);
  const disappearing = message['disappearing'] ?? null;
  if (disappearing !== null) checkDisappearingSetting(disappearing, `${name}.disappearing`);
  const ownSwarmHashes = message['ownSwarmHashes'] ?? [];
  checkArray(ownSwarmHashes, `${name}.ownSwarmHashes`);
  ownSwarmHashes.forEach((hash, i) => checkText(hash, `${name}.ownSwarmHashes[${i}]`));
  const awaitingRead = message['awaitingRead'];
  if (awaitingRead !== undefined) checkSessionId(awaitingRead, `${name}.awaitingRead`);
  const attachments = message['attachments'] === undefined ? undefined : toStoredAttachments(message['attachments'], `${name}.attachments`);
  const fields = {
    conversationId: message['conversationId'],
    senderSessionId: message['senderSessionId'],
    sentAt: message['sentAt'],
    receivedAt: message['receivedAt'],
    body: message['body'],
    swarmHashes: [...(swarmHashes as string[])],
    expiresAt: message['expiresAt'],
    kind,
    disappearing,
    ownSwarmHashes: [...(ownSwarmHashes as string[])],
    ...(awaitingRead !== undefined ? { awaitingRead } : {}),
    ...(attachments !== undefined && attachments.length > 0 ? { attachments } : {}),
  };
  if (message['direction'] === 'incoming') return { direction: 'incoming', ...fields };
  checkOneOf(message['status'], `${name}.status`, OUTGOING_STATUSES);
  const failureCode = message['failureCode'];
  if (failureCode !== null) checkErrorCode(failureCode, `${name}.failureCode`);
  return { direction: 'outgoing', ...fields, status: message['status'], failureCode: failureCode as ErrorCode | null };
}

/** Inserts inside a caller's transaction unless (sender, sentAt) is already there. */
export async function insertMessageIn<Tx extends ArrayLike<StoreNames<ParleySchema>>>(
  store: MessagesStore<Tx>,
  message: NewMessage,
): Promise<InsertResult> {
  // Checked before adding: a failed unique-index add would abort the caller's whole transaction.
  const existingId = await store.index('by-sender-sentAt').getKey([message.senderSessionId, message.sentAt]);
  if (existingId !== undefined) return { inserted: false, existingId };
  const id = await store.add(message as MessageRecord);
  return { inserted: true, id };
}

/** Inserts a message alone (its conversation, if it has a record, gets the new summary; nothing else changes). */
export async function insertMessage(db: ParleyDB, message: NewMessage): Promise<InsertResult> {
  const record = toNewMessage(message, 'message');
  return writeTransaction(db, ['messages', 'conversations'], 'insertMessage', async (tx) => {
    const result = await insertMessageIn(tx.objectStore('messages'), record);
    if (result.inserted) await refreshSummariesIn(tx.objectStore('messages'), tx.objectStore('conversations'), [record.conversationId]);
    return result;
  });
}

export interface IncomingMessageWrite {
  /** An incoming message, or a sync copy of our own (direction 'outgoing', status 'sent'). */
  readonly message: NewMessage;
  readonly conversationUpdate: ConversationUpdate;
  /** The swarm hash it came under, marked seen in the same transaction (even for a duplicate). */
  readonly seenHash: { readonly hash: string; readonly expiresAt: number } | null;
}

/**
 * One transaction: the seen hash, then, unless (sender, sentAt) is known, the message and its
 * conversation's update. A duplicate leaves the conversation alone and reports the existing id.
 */
export async function recordIncomingMessage(db: ParleyDB, write: IncomingMessageWrite): Promise<InsertResult> {
  checkObject(write, 'write');
  const message = toNewMessage(write.message, 'write.message');
  checkConversationUpdate(write.conversationUpdate, 'write.conversationUpdate');
  const seen = write.seenHash;
  if (seen !== null) {
    checkObject(seen, 'write.seenHash');
    checkText(seen.hash, 'write.seenHash.hash');
    checkTime(seen.expiresAt, 'write.seenHash.expiresAt');
  }
  const update = write.conversationUpdate;
  return writeTransaction(db, ['messages', 'conversations', 'seenHashes'], 'recordIncomingMessage', async (tx) => {
    if (seen !== null) await markSeenIn(tx.objectStore('seenHashes'), [seen.hash], seen.expiresAt);
    const result = await insertMessageIn(tx.objectStore('messages'), message);
    if (!result.inserted) return result;
    await applyConversationUpdate(tx.objectStore('conversations'), message.conversationId, update, result.id);
    await refreshSummariesIn(tx.objectStore('messages'), tx.objectStore('conversations'), [message.conversationId]);
    return result;
  });
}

export async function getMessage(db: ParleyDB, id: number): Promise<MessageRecord | undefined> {
  checkInteger(id, 'id', 1);
  return storageCall('getMessage', () => db.get('messages', id));
}

export async function findMessageBySender(db: ParleyDB, senderSessionId: SessionId, sentAt: number): Promise<MessageRecord | undefined> {
  checkSessionId(senderSessionId, 'senderSessionId');
  checkTime(sentAt, 'sentAt');
  return storageCall('findMessageBySender', () => db.getFromIndex('messages', 'by-sender-sentAt', [senderSessionId, sentAt]));
}

/**
 * The `limit` latest messages of a conversation before `before` (or the latest of all), oldest
 * first. Messages with the same sentAt are ordered by id, so paging never skips or repeats one.
 */
export async function pageConversation(
  db: ParleyDB,
  conversationId: SessionId,
  options: { readonly before?: PageCursor; readonly limit?: number } = {},
): Promise<MessageRecord[]> {
  checkSessionId(conversationId, 'conversationId');
  const { before, limit = 50 } = options;
  checkInteger(limit, 'limit', 1, 10_000);
  if (before !== undefined) {
    checkTime(before.sentAt, 'before.sentAt');
    checkInteger(before.id, 'before.id', 1);
  }
  return storageCall('pageConversation', async () => {
    const upper = before === undefined ? Number.MAX_SAFE_INTEGER : before.sentAt;
    const range = keyRange().bound([conversationId, 0], [conversationId, upper]);
    const index = db.transaction('messages').store.index('by-conversation-sentAt');
    const newestFirst: MessageRecord[] = [];
    for await (const cursor of index.iterate(range, 'prev')) {
      const isBeforeCursor = before === undefined || cursor.value.sentAt < before.sentAt || cursor.value.id < before.id;
      if (!isBeforeCursor) continue;
      newestFirst.push(cursor.value);
      if (newestFirst.length >= limit) break;
    }
    return newestFirst.reverse();
  });
}

/** Outgoing messages in one state, oldest first (e.g. 'failed' for a retry list). */
export async function listOutgoingByStatus(db: ParleyDB, status: OutgoingStatus): Promise<OutgoingMessageRecord[]> {
  checkOneOf(status, 'status', OUTGOING_STATUSES);
  return storageCall('listOutgoingByStatus', async () => {
    const found = (await db.getAllFromIndex('messages', 'by-status', status)) as OutgoingMessageRecord[];
    return found.sort((a, b) => a.sentAt - b.sentAt || a.id - b.id);
  });
}

/** How many outgoing messages are in each state (the outbox summary counts queued + sending as pending). */
export async function countOutgoingByStatus(db: ParleyDB): Promise<Record<OutgoingStatus, number>> {
  return storageCall('countOutgoingByStatus', async () => {
    const index = db.transaction('messages').store.index('by-status');
    const counts = await Promise.all(OUTGOING_STATUSES.map((status) => index.count(status)));
    return Object.fromEntries(OUTGOING_STATUSES.map((status, i) => [status, counts[i]!])) as Record<OutgoingStatus, number>;
  });
}
