/**
 * Attachments in the store (docs/attachments.md): an attachment's state changes in its message's
 * record, and the decrypted bytes of a downloaded one in `attachmentData`, written together.
 */
import type { IDBPObjectStore, StoreNames } from 'idb';
import { checkBytes, checkInteger } from '../../../wasm/check.ts';
import { ParleyError, type ErrorCode } from '../../shared/errors.ts';
import { MAX_ATTACHMENT_TEXT } from './attachment-checks.ts';
import { checkBase64, checkMaxLength } from './checks.ts';
import { applyConversationUpdate, checkConversationUpdate, type ConversationUpdate } from './conversations-repo.ts';
import { refreshSummariesIn } from './conversation-summary.ts';
import type { ParleyDB } from './database.ts';
import { insertMessageIn, toNewMessage, type InsertResult } from './messages-repo.ts';
import type { AttachmentState, MessageRecord, NewMessage, OutboxRecord, OutgoingMessageRecord, ParleySchema } from './schema.ts';
import { keyRange } from './idb-env.ts';
import { storageCall } from './storage-errors.ts';
import { writeTransaction } from './transaction.ts';

export interface AttachmentChange {
  readonly state: AttachmentState;
  readonly failureCode: ErrorCode | null;
}

/**
 * Sets attachment `index` of message `messageId` to `change` (and stores `plaintext` with it, when
 * given). Returns the updated message, or undefined when there is no such message or attachment.
 */
export async function updateAttachment(
  db: ParleyDB,
  messageId: number,
  index: number,
  change: AttachmentChange,
  plaintext?: Uint8Array,
): Promise<MessageRecord | undefined> {
  checkInteger(messageId, 'messageId', 1);
  checkInteger(index, 'index', 0);
  if (plaintext !== undefined) checkBytes(plaintext, 'plaintext');
  return writeTransaction(db, ['messages', 'attachmentData', 'conversations'], 'updateAttachment', async (tx) => {
    const message = await tx.objectStore('messages').get(messageId);
    const attachments = message?.attachments;
    if (message === undefined || attachments === undefined || index >= attachments.length) return undefined;
    const next = { ...message, attachments: attachments.map((a, i) => (i === index ? { ...a, ...change } : a)) } as MessageRecord;
    await tx.objectStore('messages').put(next);
    if (plaintext !== undefined) await tx.objectStore('attachmentData').put({ messageId, index, plaintext });
    await refreshSummariesIn(tx.objectStore('messages'), tx.objectStore('conversations'), [message.conversationId]);
    return next;
  });
}

/** The decrypted bytes of a downloaded attachment, or undefined. */
export async function readAttachmentData(db: ParleyDB, messageId: number, index: number): Promise<Uint8Array | undefined> {
  checkInteger(messageId, 'messageId', 1);
  checkInteger(index, 'index', 0);
  return storageCall('readAttachmentData', async () => (await db.get('attachmentData', [messageId, index]))?.plaintext);
}

export interface AttachmentMessageWrite {
  /** Outgoing, 'queued', with its attachments (state 'queued', source without a URL). */
  readonly message: NewMessage;
  /** Each attachment's plaintext, in order, kept so the sender can show it and seal it again. */
  readonly plaintexts: readonly Uint8Array[];
  readonly conversationUpdate: ConversationUpdate;
}

/**
 * Writes a message with attachments before anything is uploaded: the message, its attachments'
 * bytes and the conversation, in one transaction. No outbox entry yet: it is added once every
 * attachment is uploaded (addOutboxEntryOnce). A (sender, sentAt) already taken is not written.
 */
export async function queueAttachmentMessage(db: ParleyDB, write: AttachmentMessageWrite): Promise<InsertResult> {
  const message = toNewMessage(write.message, 'write.message');
  if (message.direction !== 'outgoing' || message.status !== 'queued' || (message.attachments?.length ?? 0) === 0) {
    throw new ParleyError('invalid_argument', 'write.message must be outgoing, queued and carry attachments', { param: 'write.message', problem: 'value' });
  }
  if (write.plaintexts.length !== message.attachments!.length) {
    throw new ParleyError('invalid_argument', 'one plaintext per attachment', { param: 'write.plaintexts', problem: 'length' });
  }
  write.plaintexts.forEach((bytes, i) => checkBytes(bytes, `write.plaintexts[${i}]`));
  checkConversationUpdate(write.conversationUpdate, 'write.conversationUpdate');
  return writeTransaction(db, ['messages', 'attachmentData', 'conversations'], 'queueAttachmentMessage', async (tx) => {
    const result = await insertMessageIn(tx.objectStore('messages'), message);
    if (!result.inserted) return result;
    for (const [index, plaintext] of write.plaintexts.entries()) await tx.objectStore('attachmentData').put({ messageId: result.id, index, plaintext });
    await applyConversationUpdate(tx.objectStore('conversations'), message.conversationId, write.conversationUpdate, result.id);
    await refreshSummariesIn(tx.objectStore('messages'), tx.objectStore('conversations'), [message.conversationId]);
    return result;
  });
}

/** Attachment `index` is on the file server at `url`: stored at once, so a restart never uploads it again. */
export async function setAttachmentUploaded(db: ParleyDB, messageId: number, index: number, url: string): Promise<MessageRecord | undefined> {
  checkInteger(messageId, 'messageId', 1);
  checkInteger(index, 'index', 0);
  checkMaxLength(url, 'url', MAX_ATTACHMENT_TEXT);
  return writeTransaction(db, ['messages', 'conversations'], 'setAttachmentUploaded', async (tx) => {
    const messages = tx.objectStore('messages');
    const message = await messages.get(messageId);
    const attachment = message?.attachments?.[index];
    if (message === undefined || attachment === undefined || attachment.source === null) return undefined;
    const uploaded = { ...attachment, state: 'sent' as const, failureCode: null, source: { ...attachment.source, url } };
    const next = { ...message, attachments: message.attachments!.map((a, i) => (i === index ? uploaded : a)) } as MessageRecord;
    await messages.put(next);
    await refreshSummariesIn(messages, tx.objectStore('conversations'), [message.conversationId]);
    return next;
  });
}

type Stores = ArrayLike<StoreNames<ParleySchema>>;

/**
 * Our message `messageId` while it is `status` and has no outbox entry, i.e. not yet handed to the
 * outbox; otherwise undefined. The hand-over, the uploader's failure, Stop and the start of an
 * upload all ask this inside their own transaction, so of any two racing exactly one acts.
 */
async function notHandedOverIn<Tx extends Stores>(
  messages: IDBPObjectStore<ParleySchema, Tx, 'messages', 'readwrite'>,
  outbox: IDBPObjectStore<ParleySchema, Tx, 'outbox', 'readwrite'>,
  messageId: number,
  status: 'queued' | 'failed',
): Promise<MessageRecord | undefined> {
  const message = await messages.get(messageId);
  if (message === undefined || message.direction !== 'outgoing' || message.status !== status) return undefined;
  if ((await outbox.getKey(messageId)) !== undefined) return undefined;
  return message;
}

/**
 * Hands a message whose attachments are all uploaded to the outbox: adds its entry only if it is
 * still queued and has none, so however often this runs (a crash between, two passes), the message
 * is sent once. True when this call added it.
 */
export async function addOutboxEntryOnce(db: ParleyDB, messageId: number, entry: Omit<OutboxRecord, 'messageId'>): Promise<boolean> {
  checkInteger(messageId, 'messageId', 1);
  checkBase64(entry.recipientPayload, 'entry.recipientPayload');
  if (entry.syncPayload !== null) checkBase64(entry.syncPayload, 'entry.syncPayload');
  return writeTransaction(db, ['messages', 'outbox'], 'addOutboxEntryOnce', async (tx) => {
    if ((await notHandedOverIn(tx.objectStore('messages'), tx.objectStore('outbox'), messageId, 'queued')) === undefined) return false;
    await tx.objectStore('outbox').add({ ...entry, messageId });
    return true;
  });
}

/** Our queued messages with attachments that have no outbox entry yet: what the uploader has to do. */
export async function listAttachmentMessagesToUpload(db: ParleyDB): Promise<OutgoingMessageRecord[]> {
  return storageCall('listAttachmentMessagesToUpload', async () => {
    const tx = db.transaction(['messages', 'outbox']);
    const queued = (await tx.objectStore('messages').index('by-status').getAll('queued')) as OutgoingMessageRecord[];
    const out: OutgoingMessageRecord[] = [];
    for (const message of queued) {
      if ((message.attachments?.length ?? 0) === 0) continue;
      if ((await tx.objectStore('outbox').getKey(message.id)) === undefined) out.push(message);
    }
    return out.sort((a, b) => a.sentAt - b.sentAt);
  });
}

/** The uploader gave up: the message is 'failed' with `code` (it has no outbox entry yet). Returns it, or undefined. */
export async function failAttachmentMessage(db: ParleyDB, messageId: number, code: ErrorCode): Promise<MessageRecord | undefined> {
  checkInteger(messageId, 'messageId', 1);
  return writeTransaction(db, ['messages', 'outbox', 'conversations'], 'failAttachmentMessage', async (tx) => {
    const message = await notHandedOverIn(tx.objectStore('messages'), tx.objectStore('outbox'), messageId, 'queued');
    if (message === undefined) return undefined;
    const next = { ...message, status: 'failed' as const, failureCode: code };
    await tx.objectStore('messages').put(next);
    await refreshSummariesIn(tx.objectStore('messages'), tx.objectStore('conversations'), [message.conversationId]);
    return next;
  });
}

/**
 * The person stopped sending a message whose attachments are not all handed over: 'failed' with
 * `aborted` (shown as not sent, with Retry), its unfinished attachments 'cancelled'. Only while it
 * is not handed over (`notHandedOverIn`, as addOutboxEntryOnce asks), so of a Stop and a hand-over
 * racing, exactly one wins. Returns it, or undefined
 * (no such message, not ours, or already handed to the outbox).
 */
export async function cancelAttachmentMessage(db: ParleyDB, messageId: number): Promise<MessageRecord | undefined> {
  checkInteger(messageId, 'messageId', 1);
  return writeTransaction(db, ['messages', 'outbox', 'conversations'], 'cancelAttachmentMessage', async (tx) => {
    const message = await notHandedOverIn(tx.objectStore('messages'), tx.objectStore('outbox'), messageId, 'queued');
    if (message === undefined || (message.attachments?.length ?? 0) === 0) return undefined;
    const attachments = message.attachments!.map((a) => (a.source !== null && a.source.url === null ? { ...a, state: 'cancelled' as const, failureCode: null } : a));
    const next = { ...message, status: 'failed' as const, failureCode: 'aborted' as const, attachments };
    await tx.objectStore('messages').put(next);
    await refreshSummariesIn(tx.objectStore('messages'), tx.objectStore('conversations'), [message.conversationId]);
    return next;
  });
}

/**
 * Attachment `index` starts uploading: 'uploading', but only while its message is still queued
 * without an outbox entry (not stopped, failed or deleted meanwhile). Returns the message, or undefined.
 */
export async function startAttachmentUpload(db: ParleyDB, messageId: number, index: number): Promise<MessageRecord | undefined> {
  checkInteger(messageId, 'messageId', 1);
  checkInteger(index, 'index', 0);
  return writeTransaction(db, ['messages', 'outbox', 'conversations'], 'startAttachmentUpload', async (tx) => {
    const message = await notHandedOverIn(tx.objectStore('messages'), tx.objectStore('outbox'), messageId, 'queued');
    if (message?.attachments?.[index] === undefined) return undefined;
    const next = { ...message, attachments: message.attachments!.map((a, i) => (i === index ? { ...a, state: 'uploading' as const, failureCode: null } : a)) };
    await tx.objectStore('messages').put(next);
    await refreshSummariesIn(tx.objectStore('messages'), tx.objectStore('conversations'), [message.conversationId]);
    return next;
  });
}

/** Retry of a failed message with attachments and no outbox entry: 'queued' again, its failed or stopped attachments too. */
export async function requeueAttachmentMessage(db: ParleyDB, messageId: number): Promise<MessageRecord | undefined> {
  checkInteger(messageId, 'messageId', 1);
  return writeTransaction(db, ['messages', 'outbox', 'conversations'], 'requeueAttachmentMessage', async (tx) => {
    const message = await notHandedOverIn(tx.objectStore('messages'), tx.objectStore('outbox'), messageId, 'failed');
    if (message === undefined || (message.attachments?.length ?? 0) === 0) return undefined;
    const attachments = message.attachments!.map((a) =>
      (a.state === 'failed' || a.state === 'cancelled') && a.source !== null && a.source.url === null ? { ...a, state: 'queued' as const, failureCode: null } : a,
    );
    const next = { ...message, status: 'queued' as const, failureCode: null, attachments };
    await tx.objectStore('messages').put(next);
    await refreshSummariesIn(tx.objectStore('messages'), tx.objectStore('conversations'), [message.conversationId]);
    return next;
  });
}

/** Whether we have written in this conversation (any outgoing message there): a contact we talked to. */
export async function hasOutgoingMessage(db: ParleyDB, conversationId: string): Promise<boolean> {
  return storageCall('hasOutgoingMessage', async () => {
    const range = keyRange().bound([conversationId, 0], [conversationId, Number.MAX_SAFE_INTEGER]);
    let cursor = await db.transaction('messages').store.index('by-conversation-sentAt').openCursor(range, 'prev');
    while (cursor !== null) {
      if (cursor.value.direction === 'outgoing' && cursor.value.kind !== 'disappearing_changed') return true;
      cursor = await cursor.continue();
    }
    return false;
  });
}
