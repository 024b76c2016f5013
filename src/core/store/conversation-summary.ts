/**
 * The summary of a conversation's newest message kept on its record (schema.ts LastMessageSummary),
 * so listing 1,000 conversations is one read instead of one query per conversation. It is never
 * updated by hand: every transaction that writes the messages store calls refreshSummaryIn for the
 * conversations it touched, which reads the newest message back from the index and rewrites the
 * summary when it differs. The summary therefore always equals a full recomputation
 * (conversation-summary.test.ts checks that after every kind of write).
 */
import type { IDBPObjectStore, StoreNames } from 'idb';
import { keyRange } from './idb-env.ts';
import type { AttachmentsSummary, ConversationRecord, LastMessageSummary, MessageRecord, ParleySchema, SessionId } from './schema.ts';

/** Characters of the body kept for the preview: more than one line of the widest list shows. */
export const PREVIEW_EXCERPT_LENGTH = 200;

type Stores = ArrayLike<StoreNames<ParleySchema>>;
type MessagesStore<Tx extends Stores> = IDBPObjectStore<ParleySchema, Tx, 'messages', 'readwrite' | 'readonly'>;
type ConversationsStore<Tx extends Stores> = IDBPObjectStore<ParleySchema, Tx, 'conversations', 'readwrite'>;

/** The start of a body, never cut inside a surrogate pair. */
export function previewExcerpt(body: string): string {
  if (body.length <= PREVIEW_EXCERPT_LENGTH) return body;
  const cut = body.slice(0, PREVIEW_EXCERPT_LENGTH);
  const last = cut.charCodeAt(cut.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? cut.slice(0, -1) : cut;
}

export function summaryOf(message: MessageRecord): LastMessageSummary {
  return {
    messageId: message.id,
    kind: message.kind ?? 'text',
    direction: message.direction,
    excerpt: previewExcerpt(message.body),
    sentAt: message.sentAt,
    status: message.direction === 'outgoing' ? message.status : null,
    attachments: attachmentsSummaryOf(message),
  };
}

function attachmentsSummaryOf(message: MessageRecord): AttachmentsSummary | null {
  const first = message.attachments?.[0];
  if (first === undefined) return null;
  return { count: message.attachments!.length, firstFileName: first.fileName, firstContentType: first.contentType, firstIsVoiceMessage: first.voiceMessage };
}

/** The newest message of a conversation (highest sentAt, then highest id), read inside a caller's transaction. */
export async function newestMessageIn<Tx extends Stores>(messages: MessagesStore<Tx>, conversationId: SessionId): Promise<MessageRecord | undefined> {
  const range = keyRange().bound([conversationId, 0], [conversationId, Number.MAX_SAFE_INTEGER]);
  const cursor = await messages.index('by-conversation-sentAt').openCursor(range, 'prev');
  return cursor?.value;
}

/** The summary a full recomputation gives for a conversation, read inside a caller's transaction. */
export async function currentSummaryIn<Tx extends Stores>(messages: MessagesStore<Tx>, conversationId: SessionId): Promise<LastMessageSummary | null> {
  const newest = await newestMessageIn(messages, conversationId);
  return newest === undefined ? null : summaryOf(newest);
}

/**
 * Brings the summary of each conversation in `conversationIds` up to date, inside the caller's
 * readwrite transaction, after its message writes. A conversation without a record is left alone
 * (it is created, summary included, by the write that creates it). Returns the records as they now are.
 */
export async function refreshSummariesIn<Tx extends Stores>(
  messages: MessagesStore<Tx>,
  conversations: ConversationsStore<Tx>,
  conversationIds: Iterable<SessionId>,
): Promise<ConversationRecord[]> {
  const out: ConversationRecord[] = [];
  for (const id of new Set(conversationIds)) {
    const [record, summary] = await Promise.all([conversations.get(id), currentSummaryIn(messages, id)]);
    if (record === undefined) continue;
    if (sameSummary(record.lastMessage, summary)) {
      out.push(record);
      continue;
    }
    const next: ConversationRecord = { ...record, lastMessage: summary };
    await conversations.put(next);
    out.push(next);
  }
  return out;
}

function sameSummary(a: LastMessageSummary | null | undefined, b: LastMessageSummary | null): boolean {
  if (a === undefined) return false;
  if (a === null || b === null) return a === b;
  return (
    a.messageId === b.messageId &&
    a.kind === b.kind &&
    a.direction === b.direction &&
    a.excerpt === b.excerpt &&
    a.sentAt === b.sentAt &&
    a.status === b.status &&
    sameAttachments(a.attachments, b.attachments)
  );
}

/** An absent field (a summary written before it existed) differs from null, so the next refresh fills it in. */
function sameAttachments(a: AttachmentsSummary | null | undefined, b: AttachmentsSummary | null | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a === null || b === null) return a === b;
  return a.count === b.count && a.firstFileName === b.firstFileName && a.firstContentType === b.firstContentType && a.firstIsVoiceMessage === b.firstIsVoiceMessage;
}
