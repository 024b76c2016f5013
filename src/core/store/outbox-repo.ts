/**
 * The outbox: outgoing messages are on disk, with the exact bytes to store, before any send starts
 * ("write first, then send"). Each step of a send (attempt, failure, a destination stored) updates
 * the outbox entry and the message's status in one transaction, so they never disagree.
 */
import { checkInteger, checkObject } from '../../../wasm/check.ts';
import { ParleyError, type ErrorCode } from '../../shared/errors.ts';
import {
  checkBase64,
  checkErrorCode,
  checkNullableTime,
  checkOneOf,
  checkSessionId,
  checkText,
  checkTime,
} from './checks.ts';
import { applyConversationUpdate, checkConversationUpdate, type ConversationUpdate } from './conversations-repo.ts';
import { refreshSummariesIn } from './conversation-summary.ts';
import type { ParleyDB } from './database.ts';
import { unsentRecord } from './disappearing-repo.ts';
import { insertMessageIn, toNewMessage, type InsertResult } from './messages-repo.ts';
import type { IDBPObjectStore } from 'idb';
import type { NewMessage, OutboxRecord, OutgoingMessageRecord, ParleySchema, SessionId } from './schema.ts';
import { markSeenIn } from './seen-hashes-repo.ts';
import { keyRange } from './idb-env.ts';
import { storageCall } from './storage-errors.ts';
import { writeTransaction } from './transaction.ts';

export interface NewOutboxEntry {
  readonly recipient: SessionId;
  readonly recipientPayload: string;
  readonly syncPayload: string | null;
  readonly nextAttemptAt: number;
  readonly createdAt: number;
  /** The copies' swarm TTL (ms); absent: 14 days. */
  readonly ttlMs?: number;
}

export interface OutgoingMessageWrite {
  /** direction 'outgoing', status 'queued'. */
  readonly message: NewMessage;
  readonly outboxEntry: NewOutboxEntry;
  readonly conversationUpdate: ConversationUpdate;
}

export type Destination = 'recipient' | 'sync';

/**
 * One transaction: the message, its outbox entry and the conversation's update. A duplicate
 * (sender, sentAt) writes nothing and reports the existing message.
 */
export async function queueOutgoingMessage(db: ParleyDB, write: OutgoingMessageWrite): Promise<InsertResult> {
  checkObject(write, 'write');
  const message = toNewMessage(write.message, 'write.message');
  if (message.direction !== 'outgoing' || message.status !== 'queued') {
    throw new ParleyError('invalid_argument', 'write.message must be outgoing and queued', {
      param: 'write.message',
      problem: 'value',
    });
  }
  const entry = write.outboxEntry;
  checkObject(entry, 'write.outboxEntry');
  checkSessionId(entry.recipient, 'write.outboxEntry.recipient');
  if (entry.recipient !== message.conversationId) {
    throw new ParleyError('invalid_argument', 'write.outboxEntry.recipient must be the message conversation', {
      param: 'write.outboxEntry.recipient',
      problem: 'value',
    });
  }
  checkEntryFields(entry, 'write.outboxEntry');
  checkConversationUpdate(write.conversationUpdate, 'write.conversationUpdate');
  const update = write.conversationUpdate;

  return writeTransaction(db, ['messages', 'outbox', 'conversations'], 'queueOutgoingMessage', async (tx) => {
    const result = await insertMessageIn(tx.objectStore('messages'), message);
    if (!result.inserted) return result;
    await tx.objectStore('outbox').add(freshOutboxRecord(result.id, entry));
    await applyConversationUpdate(tx.objectStore('conversations'), message.conversationId, update, result.id);
    await refreshSummariesIn(tx.objectStore('messages'), tx.objectStore('conversations'), [message.conversationId]);
    return result;
  });
}

/** The payload, timing and TTL fields of a new entry (the recipient is checked by each caller, against its message). */
function checkEntryFields(entry: NewOutboxEntry, path: string): void {
  checkBase64(entry.recipientPayload, `${path}.recipientPayload`);
  if (entry.syncPayload !== null) checkBase64(entry.syncPayload, `${path}.syncPayload`);
  checkTime(entry.nextAttemptAt, `${path}.nextAttemptAt`);
  checkTime(entry.createdAt, `${path}.createdAt`);
  if (entry.ttlMs !== undefined) checkInteger(entry.ttlMs, `${path}.ttlMs`, 1);
}

/** An outbox record that has not been tried yet: nothing stored, no attempt, no error. */
function freshOutboxRecord(messageId: number, entry: NewOutboxEntry): OutboxRecord {
  return {
    messageId,
    recipient: entry.recipient,
    recipientPayload: entry.recipientPayload,
    syncPayload: entry.syncPayload,
    recipientStored: false,
    syncStored: entry.syncPayload === null,
    attempts: 0,
    nextAttemptAt: entry.nextAttemptAt,
    lastErrorCode: null,
    createdAt: entry.createdAt,
    ...(entry.ttlMs !== undefined ? { ttlMs: entry.ttlMs } : {}),
  };
}

export async function getOutboxEntry(db: ParleyDB, messageId: number): Promise<OutboxRecord | undefined> {
  checkInteger(messageId, 'messageId', 1);
  return storageCall('getOutboxEntry', () => db.get('outbox', messageId));
}

/** Entries due by `now`, oldest message first, so messages go out in the order they were written. */
export async function listDueOutbox(db: ParleyDB, now: number, limit = 100): Promise<OutboxRecord[]> {
  checkTime(now, 'now');
  checkInteger(limit, 'limit', 1, 10_000);
  return storageCall('listDueOutbox', async () => {
    const due = await db.getAllFromIndex('outbox', 'by-nextAttemptAt', keyRange().upperBound(now));
    return due.sort((a, b) => a.createdAt - b.createdAt || a.messageId - b.messageId).slice(0, limit);
  });
}

/** The earliest nextAttemptAt of all entries still being tried, for the sender's timer. */
export async function nextOutboxAttemptAt(db: ParleyDB): Promise<number | undefined> {
  return storageCall('nextOutboxAttemptAt', async () => {
    const cursor = await db.transaction('outbox').store.index('by-nextAttemptAt').openKeyCursor();
    return cursor?.key;
  });
}

/**
 * An attempt begins: counts it and marks the message 'sending' — unless the recipient already has
 * it, when only the sync copy is left and the message stays 'sent'. Returns the updated entry.
 */
export async function startSendAttempt(db: ParleyDB, messageId: number): Promise<OutboxRecord> {
  checkInteger(messageId, 'messageId', 1);
  return updateSend(db, messageId, 'startSendAttempt', attemptStarted);
}

/** One more attempt: counted, and the message 'sending' unless the recipient has it already (only the sync copy is left). */
function attemptStarted(entry: OutboxRecord, message: OutgoingMessageRecord): { entry: OutboxRecord; message: OutgoingMessageRecord } {
  return {
    entry: { ...entry, attempts: entry.attempts + 1 },
    message: entry.recipientStored ? message : { ...message, status: 'sending', failureCode: null },
  };
}

/**
 * `startSendAttempt` for several messages in one transaction (the outbox's batches). A message
 * deleted (or unsent) since the caller listed it is left out: the entries returned are those started.
 */
export async function startSendAttempts(db: ParleyDB, messageIds: readonly number[]): Promise<OutboxRecord[]> {
  messageIds.forEach((id, i) => checkInteger(id, `messageIds[${i}]`, 1));
  return writeTransaction(db, ['outbox', 'messages', 'conversations'], 'startSendAttempts', async (tx) => {
    const outbox = tx.objectStore('outbox');
    const messages = tx.objectStore('messages');
    const started: OutboxRecord[] = [];
    const touched = new Set<SessionId>();
    for (const messageId of messageIds) {
      const current = await loadSendIfAny(outbox, messages, messageId);
      if (current === undefined) continue;
      const { entry, message } = attemptStarted(current.entry, current.message);
      await Promise.all([outbox.put(entry), messages.put(message)]);
      touched.add(message.conversationId);
      started.push(entry);
    }
    await refreshSummariesIn(messages, tx.objectStore('conversations'), touched);
    return started;
  });
}

/**
 * An attempt failed. With a `nextAttemptAt` the message is queued again; with null the send is
 * given up: the message is 'failed' with the code, and the entry stays (for a manual retry) but
 * leaves the due index. A message the recipient already has stays 'sent' either way: only its
 * sync copy is being retried.
 */
export async function recordSendFailure(
  db: ParleyDB,
  failure: { readonly messageId: number; readonly errorCode: ErrorCode; readonly nextAttemptAt: number | null },
): Promise<OutboxRecord> {
  checkObject(failure, 'failure');
  checkInteger(failure.messageId, 'failure.messageId', 1);
  checkErrorCode(failure.errorCode, 'failure.errorCode');
  checkNullableTime(failure.nextAttemptAt, 'failure.nextAttemptAt');
  const giveUp = failure.nextAttemptAt === null;
  return updateSend(db, failure.messageId, 'recordSendFailure', (entry, message) => ({
    entry: { ...entry, nextAttemptAt: failure.nextAttemptAt, lastErrorCode: failure.errorCode },
    message: entry.recipientStored
      ? message
      : { ...message, status: giveUp ? 'failed' : 'queued', failureCode: giveUp ? failure.errorCode : null },
  }));
}

/** A copy one destination has stored: `recordDestinationStored`, `recordDestinationsStored`. */
export interface StoredCopy {
  readonly messageId: number;
  readonly destination: Destination;
  readonly hash: string;
  readonly expiresAt: number;
  /**
   * The payload that was stored. When the entry no longer holds it (the message was unsent while
   * this copy was on its way, and its entry now carries the unsend request), nothing is recorded,
   * as for a deleted message.
   */
  readonly payload?: string;
}

/**
 * One destination (the recipient's swarm, or our own for the sync copy) has stored the payload
 * under `hash`. The hash joins the message and the seen hashes (so our own sync copy is not
 * processed again when polled). The message is 'sent' as soon as the recipient's swarm has it
 * (what the person cares about); the entry goes once every destination is stored. Returns whether
 * the send is complete; `storage_not_found` when the message is gone or its entry no longer holds
 * the payload.
 */
export async function recordDestinationStored(db: ParleyDB, stored: StoredCopy): Promise<{ readonly complete: boolean }> {
  checkStoredCopy(stored, 'stored');
  return writeTransaction(db, ['outbox', 'messages', 'seenHashes', 'conversations'], 'recordDestinationStored', async (tx) => {
    const recorded = await recordStoredIn(tx.objectStore('outbox'), tx.objectStore('messages'), tx.objectStore('seenHashes'), stored);
    if (recorded === undefined) {
      throw new ParleyError('storage_not_found', 'storage: no outbox entry holding this payload', { messageId: stored.messageId });
    }
    await refreshSummariesIn(tx.objectStore('messages'), tx.objectStore('conversations'), [recorded.conversationId]);
    return { complete: recorded.complete };
  });
}

/** What `recordDestinationsStored` did with one copy. */
export type RecordedCopy =
  | {
      readonly messageId: number;
      readonly recorded: true;
      readonly complete: boolean;
      /** The message's own expiry (a disappearing message), after the record. */
      readonly expiresAt: number | null;
    }
  /** The message was deleted, or unsent, while the copy was on its way: nothing recorded. */
  | { readonly messageId: number; readonly recorded: false };

/**
 * `recordDestinationStored` for several stored copies in one transaction (the outbox's batches).
 * A copy whose message is gone, or whose entry no longer holds its payload, is reported
 * `recorded: false` and the others are recorded all the same.
 */
export async function recordDestinationsStored(db: ParleyDB, copies: readonly StoredCopy[]): Promise<RecordedCopy[]> {
  copies.forEach((copy, i) => checkStoredCopy(copy, `copies[${i}]`));
  return writeTransaction(db, ['outbox', 'messages', 'seenHashes', 'conversations'], 'recordDestinationsStored', async (tx) => {
    const results: RecordedCopy[] = [];
    const touched = new Set<SessionId>();
    for (const copy of copies) {
      const recorded = await recordStoredIn(tx.objectStore('outbox'), tx.objectStore('messages'), tx.objectStore('seenHashes'), copy);
      if (recorded === undefined) {
        results.push({ messageId: copy.messageId, recorded: false });
        continue;
      }
      touched.add(recorded.conversationId);
      results.push({ messageId: copy.messageId, recorded: true, complete: recorded.complete, expiresAt: recorded.expiresAt });
    }
    await refreshSummariesIn(tx.objectStore('messages'), tx.objectStore('conversations'), touched);
    return results;
  });
}

function checkStoredCopy(stored: StoredCopy, path: string): void {
  checkObject(stored, path);
  checkInteger(stored.messageId, `${path}.messageId`, 1);
  checkOneOf(stored.destination, `${path}.destination`, ['recipient', 'sync'] as const);
  checkText(stored.hash, `${path}.hash`);
  checkTime(stored.expiresAt, `${path}.expiresAt`);
}

type StoreOf<Name extends 'outbox' | 'messages' | 'seenHashes'> = IDBPObjectStore<ParleySchema, ['outbox', 'messages', 'seenHashes', 'conversations'], Name, 'readwrite'>;

/** One stored copy recorded inside a transaction; undefined (nothing written) when its entry or payload is gone. */
async function recordStoredIn(
  outbox: StoreOf<'outbox'>,
  messages: StoreOf<'messages'>,
  seenHashes: StoreOf<'seenHashes'>,
  stored: StoredCopy,
): Promise<{ complete: boolean; expiresAt: number | null; conversationId: SessionId } | undefined> {
  const current = await loadSendIfAny(outbox, messages, stored.messageId);
  if (current === undefined) return undefined;
  const { entry, message } = current;
  const expected = stored.destination === 'recipient' ? entry.recipientPayload : entry.syncPayload;
  if (stored.payload !== undefined && stored.payload !== expected) return undefined;
  const nextEntry: OutboxRecord = stored.destination === 'recipient'
    ? { ...entry, recipientStored: true }
    : { ...entry, syncStored: true };
  const complete = nextEntry.recipientStored && nextEntry.syncStored;
  const swarmHashes = message.swarmHashes.includes(stored.hash) ? message.swarmHashes : [...message.swarmHashes, stored.hash];
  // The sync copy is in our own swarm (and a note to self's one copy): a signed delete can reach it.
  const inOwnSwarm = stored.destination === 'sync' || entry.recipient === message.senderSessionId;
  const own = message.ownSwarmHashes ?? [];
  const ownSwarmHashes = inOwnSwarm && !own.includes(stored.hash) ? [...own, stored.hash] : own;
  await markSeenIn(seenHashes, [stored.hash], stored.expiresAt);
  await messages.put({
    ...message,
    swarmHashes,
    ownSwarmHashes,
    ...(nextEntry.recipientStored ? { status: 'sent' as const, failureCode: null } : {}),
  });
  if (complete) await outbox.delete(entry.messageId);
  else await outbox.put(nextEntry);
  return { complete, expiresAt: message.expiresAt ?? null, conversationId: message.conversationId };
}

/** The user asks to retry a failed message: queued again, due at `now`, with a fresh attempt count. */
export async function retryFailedMessage(db: ParleyDB, messageId: number, now: number): Promise<OutboxRecord> {
  checkInteger(messageId, 'messageId', 1);
  checkTime(now, 'now');
  return updateSend(db, messageId, 'retryFailedMessage', (entry, message) => ({
    entry: { ...entry, attempts: 0, nextAttemptAt: now },
    message: { ...message, status: 'queued', failureCode: null },
  }));
}

/**
 * At start-up: messages left 'sending' by a closed tab are queued again, due at `now`. Re-storing
 * the same bytes is harmless (same hash; the server answers "already"). Returns how many.
 */
export async function requeueInterruptedSends(db: ParleyDB, now: number): Promise<number> {
  checkTime(now, 'now');
  return writeTransaction(db, ['outbox', 'messages', 'conversations'], 'requeueInterruptedSends', async (tx) => {
    const messages = tx.objectStore('messages');
    const outbox = tx.objectStore('outbox');
    const sending = (await messages.index('by-status').getAll('sending')) as OutgoingMessageRecord[];
    for (const message of sending) {
      await messages.put({ ...message, status: 'queued' });
      const entry = await outbox.get(message.id);
      if (entry !== undefined) await outbox.put({ ...entry, nextAttemptAt: now });
    }
    await refreshSummariesIn(messages, tx.objectStore('conversations'), sending.map((message) => message.conversationId));
    return sending.length;
  });
}

type SendChange = (
  entry: OutboxRecord,
  message: OutgoingMessageRecord,
) => { entry: OutboxRecord; message: OutgoingMessageRecord };

function updateSend(db: ParleyDB, messageId: number, operation: string, change: SendChange): Promise<OutboxRecord> {
  return writeTransaction(db, ['outbox', 'messages', 'conversations'], operation, async (tx) => {
    const outbox = tx.objectStore('outbox');
    const messages = tx.objectStore('messages');
    const current = await loadSend(outbox, messages, messageId);
    const next = change(current.entry, current.message);
    await Promise.all([outbox.put(next.entry), messages.put(next.message)]);
    await refreshSummariesIn(messages, tx.objectStore('conversations'), [next.message.conversationId]);
    return next.entry;
  });
}

async function loadSend(
  outbox: { get(key: number): Promise<OutboxRecord | undefined> },
  messages: { get(key: number): Promise<unknown> },
  messageId: number,
): Promise<{ entry: OutboxRecord; message: OutgoingMessageRecord }> {
  const current = await loadSendIfAny(outbox, messages, messageId);
  if (current === undefined) throw new ParleyError('storage_not_found', 'storage: no outbox entry for this message', { messageId });
  return current;
}

async function loadSendIfAny(
  outbox: { get(key: number): Promise<OutboxRecord | undefined> },
  messages: { get(key: number): Promise<unknown> },
  messageId: number,
): Promise<{ entry: OutboxRecord; message: OutgoingMessageRecord } | undefined> {
  const [entry, message] = await Promise.all([outbox.get(messageId), messages.get(messageId)]);
  const outgoing = message as OutgoingMessageRecord | undefined;
  if (entry === undefined || outgoing === undefined || outgoing.direction !== 'outgoing') return undefined;
  return { entry, message: outgoing };
}

/**
 * Unsend of our own message: in one transaction it becomes a tombstone, queued, with a new outbox
 * entry holding the unsend request's payloads (replacing any entry it still had: a copy not yet
 * stored is never sent). Returns the tombstone; `message_not_found` when it is not ours.
 */
export async function queueUnsendRequest(
  db: ParleyDB,
  write: { readonly messageId: number; readonly entry: NewOutboxEntry },
): Promise<OutgoingMessageRecord> {
  checkObject(write, 'write');
  checkInteger(write.messageId, 'write.messageId', 1);
  const entry = write.entry;
  checkObject(entry, 'write.entry');
  checkSessionId(entry.recipient, 'write.entry.recipient');
  checkEntryFields(entry, 'write.entry');
  return writeTransaction(db, ['messages', 'outbox', 'conversations'], 'queueUnsendRequest', async (tx) => {
    const message = await tx.objectStore('messages').get(write.messageId);
    if (message === undefined || message.direction !== 'outgoing' || message.conversationId !== entry.recipient) {
      throw new ParleyError('message_not_found', 'no outgoing message with this id', { messageId: write.messageId });
    }
    const tombstone: OutgoingMessageRecord = {
      ...(unsentRecord(message) as OutgoingMessageRecord),
      status: 'queued',
      failureCode: null,
    };
    await tx.objectStore('messages').put(tombstone);
    await tx.objectStore('outbox').put(freshOutboxRecord(message.id, entry));
    await refreshSummariesIn(tx.objectStore('messages'), tx.objectStore('conversations'), [message.conversationId]);
    return tombstone;
  });
}
