/**
 * The writes of disappearing messages, unsend and delete (docs/disappearing.md): a conversation's
 * setting, messages whose timer ends, read timers that start, tombstones, and removals. A message
 * and its outbox entry always go together, so a removed message can never be sent afterwards.
 */
import type { IDBPTransaction } from 'idb';
import { checkInteger } from '../../../wasm/check.ts';
import { checkDisappearingSetting, checkSessionId, checkTime } from './checks.ts';
import { currentSummaryIn, refreshSummariesIn } from './conversation-summary.ts';
import { highestMessageIdIn, uncountUnreadIn } from './conversations-repo.ts';
import type { ParleyDB } from './database.ts';
import { keyRange } from './idb-env.ts';
import type { ConversationRecord, DisappearingSetting, MessageRecord, ParleySchema, SessionId, SwarmChoreRecord } from './schema.ts';
import { storageCall } from './storage-errors.ts';
import { writeTransaction } from './transaction.ts';

/** Sets a conversation's timer (null: off), creating the conversation if needed. Returns it. */
export async function setConversationDisappearing(
  db: ParleyDB,
  id: SessionId,
  setting: DisappearingSetting | null,
  now: number,
): Promise<ConversationRecord> {
  checkSessionId(id, 'id');
  if (setting !== null) checkDisappearingSetting(setting, 'setting');
  checkTime(now, 'now');
  return writeTransaction(db, ['conversations', 'messages'], 'setConversationDisappearing', async (tx) => {
    const conversations = tx.objectStore('conversations');
    const current = await conversations.get(id);
    const base = current ?? {
      id,
      displayName: null,
      createdAt: now,
      lastMessageAt: now,
      unreadCount: 0,
      lastMessage: await currentSummaryIn(tx.objectStore('messages'), id),
      readThroughId: await highestMessageIdIn(tx.objectStore('messages')),
    };
    const next: ConversationRecord = {
      ...base,
      disappearing: setting === null ? null : { mode: setting.mode, timerSeconds: setting.timerSeconds },
    };
    await conversations.put(next);
    return next;
  });
}

/** The earliest time a message's timer ends, or undefined when no timer runs. */
export async function nextMessageExpiry(db: ParleyDB): Promise<number | undefined> {
  return storageCall('nextMessageExpiry', async () => {
    const cursor = await db.transaction('messages').store.index('by-expiresAt').openKeyCursor();
    return cursor?.key;
  });
}

/** Deletes every message whose timer ended by `now`, with its outbox entry. Returns what went. */
export async function removeExpiredMessages(db: ParleyDB, now: number): Promise<MessageRecord[]> {
  checkTime(now, 'now');
  return writeTransaction(db, ['messages', 'outbox', 'attachmentData', 'conversations'], 'removeExpiredMessages', async (tx) => {
    const expired = await tx.objectStore('messages').index('by-expiresAt').getAll(keyRange().upperBound(now));
    for (const message of expired) {
      await removeIn(tx, message.id);
      await uncountUnreadIn(tx.objectStore('conversations'), message);
    }
    await refreshSummariesIn(tx.objectStore('messages'), tx.objectStore('conversations'), expired.map((message) => message.conversationId));
    return expired;
  });
}

/** Deletes one message and its outbox entry (delete for me; cancels a queued send). Returns it, or undefined if it was not there. */
export async function removeMessage(db: ParleyDB, id: number): Promise<MessageRecord | undefined> {
  checkInteger(id, 'id', 1);
  return writeTransaction(db, ['messages', 'outbox', 'attachmentData', 'conversations'], 'removeMessage', async (tx) => {
    const message = await tx.objectStore('messages').get(id);
    if (message === undefined) return undefined;
    await removeIn(tx, id);
    await uncountUnreadIn(tx.objectStore('conversations'), message);
    await refreshSummariesIn(tx.objectStore('messages'), tx.objectStore('conversations'), [message.conversationId]);
    return message;
  });
}

/**
 * The conversation is read at `readAt`: every delete-after-read message of it that was waiting
 * starts its timer. Returns the messages changed.
 */
export async function startReadTimers(db: ParleyDB, conversationId: SessionId, readAt: number): Promise<MessageRecord[]> {
  checkSessionId(conversationId, 'conversationId');
  checkTime(readAt, 'readAt');
  return writeTransaction(db, ['messages', 'conversations'], 'startReadTimers', async (tx) => {
    const messages = tx.objectStore('messages');
    const waiting = await messages.index('by-awaitingRead').getAll(conversationId);
    const started: MessageRecord[] = [];
    for (const message of waiting) {
      const { awaitingRead: _started, ...rest } = message;
      const timer = message.disappearing?.timerSeconds ?? 0;
      const next = { ...rest, expiresAt: readAt + timer * 1000 } as MessageRecord;
      await messages.put(next);
      started.push(next);
    }
    // A timer is no part of the summary; refreshed all the same, so every message write keeps the rule.
    if (started.length > 0) await refreshSummariesIn(messages, tx.objectStore('conversations'), [conversationId]);
    return started;
  });
}

/**
 * Its author deleted the message for everyone: the record becomes a tombstone ('unsent', no body,
 * no timer waiting) and any outbox entry it had goes (a queued copy is never sent). Returns the
 * tombstone, or undefined when there is no such message.
 */
export async function markMessageUnsent(db: ParleyDB, id: number): Promise<MessageRecord | undefined> {
  checkInteger(id, 'id', 1);
  return writeTransaction(db, ['messages', 'outbox', 'attachmentData', 'conversations'], 'markMessageUnsent', async (tx) => {
    const message = await tx.objectStore('messages').get(id);
    if (message === undefined) return undefined;
    const tombstone = unsentRecord(message);
    await tx.objectStore('messages').put(tombstone);
    await tx.objectStore('outbox').delete(id);
    await tx.objectStore('attachmentData').delete(attachmentsOf(id));
    await uncountUnreadIn(tx.objectStore('conversations'), message);
    await refreshSummariesIn(tx.objectStore('messages'), tx.objectStore('conversations'), [message.conversationId]);
    return tombstone;
  });
}

/** The tombstone of a message: same identity (sender, sentAt), nothing of what it said. */
export function unsentRecord(message: MessageRecord): MessageRecord {
  // Its attachments go with what it said: their keys and any downloaded bytes.
  const { awaitingRead: _dropped, attachments: _attachments, ...rest } = message;
  return { ...rest, kind: 'unsent', body: '', disappearing: null } as MessageRecord;
}

async function removeIn(tx: IDBPTransaction<ParleySchema, ['messages', 'outbox', 'attachmentData', 'conversations'], 'readwrite'>, id: number): Promise<void> {
  await tx.objectStore('messages').delete(id);
  await tx.objectStore('outbox').delete(id);
  await tx.objectStore('attachmentData').delete(attachmentsOf(id));
}

/** Every attachmentData key of one message: [id, any index]. */
function attachmentsOf(messageId: number): ReturnType<ReturnType<typeof keyRange>['bound']> {
  return keyRange().bound([messageId, 0], [messageId, Number.MAX_SAFE_INTEGER]);
}

/** Keeps a change for our own swarm until it is done. Returns its id. */
export async function addSwarmChore(
  db: ParleyDB,
  chore: { readonly kind: 'delete'; readonly hashes: readonly string[] } | { readonly kind: 'shorten'; readonly hashes: readonly string[]; readonly expiry: number },
  now: number,
): Promise<number> {
  checkTime(now, 'now');
  if (chore.kind === 'shorten') checkTime(chore.expiry, 'chore.expiry');
  const record = chore.kind === 'delete'
    ? { kind: 'delete' as const, hashes: [...chore.hashes], createdAt: now }
    : { kind: 'shorten' as const, hashes: [...chore.hashes], expiry: chore.expiry, createdAt: now };
  return storageCall('addSwarmChore', () => db.add('swarmChores', record as unknown as SwarmChoreRecord));
}

/** Every change still to be made, oldest first. */
export async function listSwarmChores(db: ParleyDB): Promise<SwarmChoreRecord[]> {
  return storageCall('listSwarmChores', () => db.getAll('swarmChores'));
}

export async function removeSwarmChore(db: ParleyDB, id: number): Promise<void> {
  checkInteger(id, 'id', 1);
  return storageCall('removeSwarmChore', () => db.delete('swarmChores', id));
}
