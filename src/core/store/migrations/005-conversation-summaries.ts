import { keyRange } from '../idb-env.ts';
import type { Migration } from './types.ts';

/** As conversation-summary.ts PREVIEW_EXCERPT_LENGTH was when this shipped (a migration never changes). */
const EXCERPT_LENGTH = 200;

interface OldMessage {
  id: number;
  kind?: string;
  direction: string;
  body: string;
  sentAt: number;
  status?: string;
  attachments?: readonly { fileName: string; contentType: string; voiceMessage: boolean }[];
}

/**
 * Version 5: each conversation record gets `lastMessage`, the summary of its newest message (by
 * sentAt, then id), so the list is one read (docs/core.md "The conversation list at scale"). No
 * store or index changes; every conversation is filled in from the messages index inside the
 * upgrade transaction. Its own copy of the summary's shape on purpose: the current code
 * (conversation-summary.ts) may change, this step may not; 005-conversation-summaries.test.ts
 * checks that both agree today.
 */
export const migration005ConversationSummaries: Migration = (_db, tx) => {
  const conversations = tx.objectStore('conversations');
  const byConversation = tx.objectStore('messages').index('by-conversation-sentAt');
  const fill = async (): Promise<void> => {
    for (let cursor = await conversations.openCursor(); cursor !== null; cursor = await cursor.continue()) {
      const record = cursor.value as { id: string };
      const range = keyRange().bound([record.id, 0], [record.id, Number.MAX_SAFE_INTEGER]);
      const newest = (await byConversation.openCursor(range, 'prev'))?.value as OldMessage | undefined;
      await cursor.update({ ...record, lastMessage: newest === undefined ? null : summary(newest) });
    }
  };
  // Only this transaction's requests are awaited, so it stays open until the last record is written;
  // a failure aborts the upgrade (the open then fails with storage_migration_failed, nothing kept).
  fill().catch(() => {
    try {
      tx.abort();
    } catch {
      // Already aborted by the failed request itself.
    }
  });
};

function summary(message: OldMessage): object {
  let excerpt = message.body.length <= EXCERPT_LENGTH ? message.body : message.body.slice(0, EXCERPT_LENGTH);
  const last = excerpt.charCodeAt(excerpt.length - 1);
  if (message.body.length > EXCERPT_LENGTH && last >= 0xd800 && last <= 0xdbff) excerpt = excerpt.slice(0, -1);
  return {
    messageId: message.id,
    kind: message.kind ?? 'text',
    direction: message.direction,
    excerpt,
    sentAt: message.sentAt,
    status: message.direction === 'outgoing' ? (message.status ?? null) : null,
    attachments: attachments(message),
  };
}

function attachments(message: OldMessage): object | null {
  const first = message.attachments?.[0];
  if (first === undefined) return null;
  return { count: message.attachments!.length, firstFileName: first.fileName, firstContentType: first.contentType, firstIsVoiceMessage: first.voiceMessage };
}
