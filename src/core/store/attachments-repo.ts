/**
 * Attachments in the store (docs/attachments.md): an attachment's state changes in its message's
 * record, and the decrypted bytes of a downloaded one in `attachmentData`, written together.
 */
import { checkBytes, checkInteger } from '../../../wasm/check.ts';
import type { ErrorCode } from '../../shared/errors.ts';
import type { ParleyDB } from './database.ts';
import type { AttachmentState, MessageRecord } from './schema.ts';
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
  return writeTransaction(db, ['messages', 'attachmentData'], 'updateAttachment', async (tx) => {
    const message = await tx.objectStore('messages').get(messageId);
    const attachments = message?.attachments;
    if (message === undefined || attachments === undefined || index >= attachments.length) return undefined;
    const next = { ...message, attachments: attachments.map((a, i) => (i === index ? { ...a, ...change } : a)) } as MessageRecord;
    await tx.objectStore('messages').put(next);
    if (plaintext !== undefined) await tx.objectStore('attachmentData').put({ messageId, index, plaintext });
    return next;
  });
}

/** The decrypted bytes of a downloaded attachment, or undefined. */
export async function readAttachmentData(db: ParleyDB, messageId: number, index: number): Promise<Uint8Array | undefined> {
  checkInteger(messageId, 'messageId', 1);
  checkInteger(index, 'index', 0);
  return storageCall('readAttachmentData', async () => (await db.get('attachmentData', [messageId, index]))?.plaintext);
}
