import type { Migration } from './types.ts';

/**
 * Version 4: attachments (docs/attachments.md). The decrypted bytes of downloaded attachments live
 * in their own store, keyed by [messageId, index], so paging a conversation never reads them; the
 * attachments' descriptions and sources stay in the message record (an optional field, no change).
 */
export const migration004Attachments: Migration = (db) => {
  db.createObjectStore('attachmentData', { keyPath: ['messageId', 'index'] });
};
