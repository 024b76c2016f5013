/**
 * The summary of the newest message on each conversation record (conversation-summary.ts) must
 * always equal what a full recomputation from the messages gives. Every store write that changes a
 * message is run here, and after each one every conversation is checked against an oracle that
 * reads all messages and sorts them itself (no index, no summary code).
 */
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freshIndexedDB } from '../../../test/fake-indexeddb.ts';
import { fuzzParameters, fuzzTimeoutMs } from '../../../test/fuzz.ts';
import {
  cancelAttachmentMessage,
  failAttachmentMessage,
  queueAttachmentMessage,
  requeueAttachmentMessage,
  setAttachmentUploaded,
  updateAttachment,
} from './attachments-repo.ts';
import { PREVIEW_EXCERPT_LENGTH } from './conversation-summary.ts';
import { ensureConversation, getConversation, listConversations, markConversationRead, setConversationDisplayName } from './conversations-repo.ts';
import { openParleyDatabase, type ParleyDB } from './database.ts';
import { markMessageUnsent, removeExpiredMessages, removeMessage, setConversationDisappearing, startReadTimers } from './disappearing-repo.ts';
import { insertMessage, recordIncomingMessage } from './messages-repo.ts';
import {
  queueOutgoingMessage,
  queueUnsendRequest,
  recordDestinationStored,
  recordDestinationsStored,
  recordSendFailure,
  requeueInterruptedSends,
  retryFailedMessage,
  startSendAttempt,
  startSendAttempts,
} from './outbox-repo.ts';
import type { LastMessageSummary, MessageRecord, NewMessage, StoredAttachment } from './schema.ts';

const ME = '05' + 'ee'.repeat(32);
const peer = (n: number) => '05' + n.toString(16).padStart(2, '0').repeat(32);
const PAYLOAD = 'AAECAw==';

let db: ParleyDB;
beforeEach(async () => {
  db = await openParleyDatabase({ indexedDB: freshIndexedDB() });
});
afterEach(() => db.close());

/** The oracle: every message read back, the newest by (sentAt, id) picked by hand. */
async function recomputed(database: ParleyDB, conversationId: string): Promise<LastMessageSummary | null> {
  const all = (await database.getAll('messages')).filter((message) => message.conversationId === conversationId);
  all.sort((a, b) => a.sentAt - b.sentAt || a.id - b.id);
  const newest = all.at(-1);
  if (newest === undefined) return null;
  return {
    messageId: newest.id,
    kind: newest.kind ?? 'text',
    direction: newest.direction,
    excerpt: newest.body.slice(0, PREVIEW_EXCERPT_LENGTH),
    sentAt: newest.sentAt,
    status: newest.direction === 'outgoing' ? newest.status : null,
    attachments:
      newest.attachments === undefined || newest.attachments.length === 0
        ? null
        : {
            count: newest.attachments.length,
            firstFileName: newest.attachments[0]!.fileName,
            firstContentType: newest.attachments[0]!.contentType,
            firstIsVoiceMessage: newest.attachments[0]!.voiceMessage,
          },
  };
}

/** Every conversation's summary equals the recomputation. */
async function expectFresh(database: ParleyDB = db): Promise<void> {
  const conversations = await database.getAll('conversations');
  for (const conversation of conversations) {
    expect({ id: conversation.id, lastMessage: conversation.lastMessage }).toEqual({ id: conversation.id, lastMessage: await recomputed(database, conversation.id) });
  }
}

async function summary(conversationId: string): Promise<LastMessageSummary | null | undefined> {
  return (await getConversation(db, conversationId))?.lastMessage;
}

function incoming(from: string, sentAt: number, body = `in ${sentAt}`, extra: Partial<NewMessage> = {}): NewMessage {
  return { direction: 'incoming', conversationId: from, senderSessionId: from, sentAt, receivedAt: sentAt, body, swarmHashes: [], expiresAt: null, ...extra } as NewMessage;
}

function outgoing(to: string, sentAt: number, body = `out ${sentAt}`, extra: Partial<NewMessage> = {}): NewMessage {
  return {
    direction: 'outgoing',
    conversationId: to,
    senderSessionId: ME,
    sentAt,
    receivedAt: sentAt,
    body,
    swarmHashes: [],
    expiresAt: null,
    status: 'queued',
    failureCode: null,
    ...extra,
  } as NewMessage;
}

async function receive(message: NewMessage, database: ParleyDB = db): Promise<number> {
  const result = await recordIncomingMessage(database, {
    message,
    conversationUpdate: { createdAt: message.sentAt, lastMessageAt: message.sentAt, unreadIncrement: message.direction === 'incoming' ? 1 : 0 },
    seenHash: null,
  });
  return result.inserted ? result.id : result.existingId;
}

async function send(message: NewMessage, database: ParleyDB = db): Promise<number> {
  const result = await queueOutgoingMessage(database, {
    message,
    outboxEntry: { recipient: message.conversationId, recipientPayload: PAYLOAD, syncPayload: PAYLOAD, nextAttemptAt: message.sentAt, createdAt: message.sentAt },
    conversationUpdate: { createdAt: message.sentAt, lastMessageAt: message.sentAt, unreadIncrement: 0 },
  });
  return result.inserted ? result.id : result.existingId;
}

const PHOTO: StoredAttachment = {
  contentType: 'image/png',
  fileName: 'a.png',
  size: 3,
  width: 1,
  height: 1,
  voiceMessage: false,
  state: 'queued',
  failureCode: null,
  source: { url: null, scheme: 'deterministic', key: new Uint8Array(32), digest: null },
};

describe('the conversation summary', () => {
  it('follows a message that arrives, and not a late older one or a duplicate', async () => {
    const first = await receive(incoming(peer(1), 2000));
    expect(await summary(peer(1))).toEqual({ messageId: first, kind: 'text', direction: 'incoming', excerpt: 'in 2000', sentAt: 2000, status: null, attachments: null });
    await receive(incoming(peer(1), 1000));
    expect((await summary(peer(1)))?.messageId).toBe(first);
    await receive(incoming(peer(1), 2000, 'the same again'));
    expect((await summary(peer(1)))?.excerpt).toBe('in 2000');
    await expectFresh();
  });

  it('orders equal times by id, as the conversation pages do', async () => {
    await receive(incoming(peer(1), 5000));
    const later = await receive(outgoing(peer(1), 5000, 'sync copy', { status: 'sent' }));
    expect((await summary(peer(1)))?.messageId).toBe(later);
    await expectFresh();
  });

  it('follows each status of an outgoing message: queued, sending, queued again, failed, retried, sent', async () => {
    const id = await send(outgoing(peer(2), 1000));
    expect((await summary(peer(2)))?.status).toBe('queued');
    await startSendAttempt(db, id);
    expect((await summary(peer(2)))?.status).toBe('sending');
    await recordSendFailure(db, { messageId: id, errorCode: 'network_offline', nextAttemptAt: 2000 });
    expect((await summary(peer(2)))?.status).toBe('queued');
    await startSendAttempt(db, id);
    await recordSendFailure(db, { messageId: id, errorCode: 'network_offline', nextAttemptAt: null });
    expect((await summary(peer(2)))?.status).toBe('failed');
    await retryFailedMessage(db, id, 3000);
    expect((await summary(peer(2)))?.status).toBe('queued');
    await startSendAttempt(db, id);
    await recordDestinationStored(db, { messageId: id, destination: 'recipient', hash: 'h1', expiresAt: 10_000 });
    expect((await summary(peer(2)))?.status).toBe('sent');
    await recordDestinationStored(db, { messageId: id, destination: 'sync', hash: 'h2', expiresAt: 10_000 });
    await expectFresh();
  });

  it('follows the outbox batches: several messages started and recorded in one transaction each', async () => {
    const a = await send(outgoing(peer(5), 1000));
    const b = await send(outgoing(peer(5), 1001));
    const c = await send(outgoing(peer(6), 1002));
    await startSendAttempts(db, [a, b, c]);
    expect((await summary(peer(5)))?.status).toBe('sending');
    expect((await summary(peer(6)))?.status).toBe('sending');
    await recordDestinationsStored(db, [
      { messageId: a, destination: 'recipient', hash: 'ha', expiresAt: 10_000 },
      { messageId: b, destination: 'recipient', hash: 'hb', expiresAt: 10_000 },
      { messageId: c, destination: 'recipient', hash: 'hc', expiresAt: 10_000 },
    ]);
    expect(await summary(peer(5))).toMatchObject({ messageId: b, status: 'sent' });
    expect((await summary(peer(6)))?.status).toBe('sent');
    await expectFresh();
  });

  it('shows messages a closed tab left sending as queued again', async () => {
    const a = await send(outgoing(peer(1), 1000));
    const b = await send(outgoing(peer(2), 1001));
    await startSendAttempt(db, a);
    await startSendAttempt(db, b);
    expect(await requeueInterruptedSends(db, 2000)).toBe(2);
    expect((await summary(peer(1)))?.status).toBe('queued');
    expect((await summary(peer(2)))?.status).toBe('queued');
    await expectFresh();
  });

  it('shows an unsent message as a tombstone, ours (queued unsend) and theirs', async () => {
    const ours = await send(outgoing(peer(1), 1000, 'oops'));
    await queueUnsendRequest(db, {
      messageId: ours,
      entry: { recipient: peer(1), recipientPayload: PAYLOAD, syncPayload: PAYLOAD, nextAttemptAt: 2000, createdAt: 2000 },
    });
    expect(await summary(peer(1))).toMatchObject({ messageId: ours, kind: 'unsent', excerpt: '', status: 'queued' });
    const theirs = await receive(incoming(peer(2), 1000, 'secret'));
    await markMessageUnsent(db, theirs);
    expect(await summary(peer(2))).toMatchObject({ messageId: theirs, kind: 'unsent', excerpt: '' });
    await expectFresh();
  });

  it('falls back to the message before when the newest is deleted, and to none when the last one goes', async () => {
    const older = await receive(incoming(peer(1), 1000));
    const newer = await send(outgoing(peer(1), 2000));
    await removeMessage(db, newer);
    expect((await summary(peer(1)))?.messageId).toBe(older);
    await removeMessage(db, older);
    expect(await summary(peer(1))).toBeNull();
    await expectFresh();
  });

  it('follows expiry across conversations, and read timers that start', async () => {
    await receive(incoming(peer(1), 1000));
    await receive(incoming(peer(1), 2000, 'goes', { expiresAt: 5000 }));
    await receive(incoming(peer(2), 1500, 'goes too', { expiresAt: 4000 }));
    await receive(incoming(peer(3), 1500, 'read me', { awaitingRead: peer(3), disappearing: { mode: 'after_read', timerSeconds: 1 } }));
    expect(await startReadTimers(db, peer(3), 3000)).toHaveLength(1);
    await expectFresh();
    expect(await removeExpiredMessages(db, 6000)).toHaveLength(3);
    expect((await summary(peer(1)))?.excerpt).toBe('in 1000');
    expect(await summary(peer(2))).toBeNull();
    expect(await summary(peer(3))).toBeNull();
    await expectFresh();
  });

  it('says what the files of a message that is only files are, so the list has something to show', async () => {
    const voice: StoredAttachment = { ...PHOTO, contentType: 'audio/ogg', fileName: 'voice.ogg', voiceMessage: true, state: 'available' };
    await receive(incoming(peer(5), 1000, '', { attachments: [voice] }));
    expect(await summary(peer(5))).toMatchObject({
      excerpt: '',
      attachments: { count: 1, firstFileName: 'voice.ogg', firstContentType: 'audio/ogg', firstIsVoiceMessage: true },
    });
    await receive(incoming(peer(5), 2000, '', { attachments: [PHOTO, PHOTO, voice] }));
    expect((await summary(peer(5)))?.attachments).toEqual({ count: 3, firstFileName: 'a.png', firstContentType: 'image/png', firstIsVoiceMessage: false });
    await receive(incoming(peer(5), 3000, 'just words'));
    expect((await summary(peer(5)))?.attachments).toBeNull();
    await expectFresh();
  });

  it('fills in the files of a summary written before it carried them, on the next write', async () => {
    const id = await receive(incoming(peer(6), 1000, '', { attachments: [PHOTO] }));
    const record = (await getConversation(db, peer(6)))!;
    const { attachments: _dropped, ...older } = record.lastMessage!;
    await db.put('conversations', { ...record, lastMessage: older });
    await startReadTimers(db, peer(6), 2000); // no timer waits: writes nothing, so nothing refreshes
    await receive(incoming(peer(6), 500, 'late and older'));
    expect(await summary(peer(6))).toMatchObject({ messageId: id, attachments: { count: 1, firstFileName: 'a.png' } });
    await expectFresh();
  });

  it('follows a message with attachments through upload, failure and retry', async () => {
    const result = await queueAttachmentMessage(db, {
      message: outgoing(peer(4), 1000, 'look', { attachments: [PHOTO] }),
      plaintexts: [new Uint8Array([1, 2, 3])],
      conversationUpdate: { createdAt: 1000, lastMessageAt: 1000, unreadIncrement: 0 },
    });
    if (!result.inserted) throw new Error('expected a new message');
    expect(await summary(peer(4))).toMatchObject({ messageId: result.id, excerpt: 'look', status: 'queued' });
    await updateAttachment(db, result.id, 0, { state: 'uploading', failureCode: null });
    await updateAttachment(db, result.id, 0, { state: 'failed', failureCode: 'network_offline' });
    await failAttachmentMessage(db, result.id, 'network_offline');
    expect((await summary(peer(4)))?.status).toBe('failed');
    await requeueAttachmentMessage(db, result.id);
    expect((await summary(peer(4)))?.status).toBe('queued');
    await setAttachmentUploaded(db, result.id, 0, 'http://files.example/1');
    await expectFresh();
  });

  it('shows a message whose upload was stopped as failed', async () => {
    const result = await queueAttachmentMessage(db, {
      message: outgoing(peer(7), 1000, 'stop me', { attachments: [PHOTO] }),
      plaintexts: [new Uint8Array([1, 2, 3])],
      conversationUpdate: { createdAt: 1000, lastMessageAt: 1000, unreadIncrement: 0 },
    });
    if (!result.inserted) throw new Error('expected a new message');
    await cancelAttachmentMessage(db, result.id);
    expect((await summary(peer(7)))?.status).toBe('failed');
    await expectFresh();
  });

  it('is kept by the writes that change the conversation only', async () => {
    await receive(incoming(peer(1), 1000));
    const before = await summary(peer(1));
    await setConversationDisplayName(db, peer(1), 'Alice');
    await markConversationRead(db, peer(1));
    await setConversationDisappearing(db, peer(1), { mode: 'after_send', timerSeconds: 60 }, 2000);
    expect(await ensureConversation(db, peer(1), 3000)).toMatchObject({ lastMessage: before });
    expect(await summary(peer(1))).toEqual(before);
    await expectFresh();
  });

  it('is computed when a conversation is created around messages already stored', async () => {
    const id = (await insertMessage(db, incoming(peer(5), 1000))) as { inserted: true; id: number };
    expect((await ensureConversation(db, peer(5), 2000)).lastMessage).toMatchObject({ messageId: id.id });
    await insertMessage(db, incoming(peer(6), 1000));
    expect((await setConversationDisappearing(db, peer(6), null, 2000)).lastMessage).toMatchObject({ excerpt: 'in 1000' });
    await insertMessage(db, incoming(peer(5), 3000, 'later'));
    expect((await summary(peer(5)))?.excerpt).toBe('later');
    await expectFresh();
  });

  it('keeps the start of a long body, never half a surrogate pair', async () => {
    await receive(incoming(peer(1), 1000, 'x'.repeat(PREVIEW_EXCERPT_LENGTH * 3)));
    expect((await summary(peer(1)))?.excerpt).toBe('x'.repeat(PREVIEW_EXCERPT_LENGTH));
    await receive(incoming(peer(2), 1000, 'x'.repeat(PREVIEW_EXCERPT_LENGTH - 1) + '😀 and more'));
    expect((await summary(peer(2)))?.excerpt).toBe('x'.repeat(PREVIEW_EXCERPT_LENGTH - 1));
  });

  it('is what the list returns, newest activity first, in one read', async () => {
    await receive(incoming(peer(1), 1000));
    await send(outgoing(peer(2), 3000));
    await ensureConversation(db, peer(3), 2000);
    const listed = await listConversations(db);
    expect(listed.map((c) => [c.id, c.lastMessage?.excerpt ?? null])).toEqual([
      [peer(2), 'out 3000'],
      [peer(3), null],
      [peer(1), 'in 1000'],
    ]);
    expect((await listConversations(db, 2)).map((c) => c.id)).toEqual([peer(2), peer(3)]);
  });

  it('equals a full recomputation after any sequence of writes (property)', async () => {
    type Step =
      | { kind: 'receive' | 'send'; who: number; at: number }
      | { kind: 'attempt' | 'fail' | 'giveUp' | 'retry' | 'stored' | 'unsend' | 'unsendOurs' | 'remove'; pick: number }
      | { kind: 'expire'; at: number }
      | { kind: 'requeue' };
    const who = fc.integer({ min: 1, max: 3 });
    const at = fc.integer({ min: 1, max: 20 }).map((n) => n * 100);
    const pick = fc.nat(50);
    const step: fc.Arbitrary<Step> = fc.oneof(
      fc.record({ kind: fc.constantFrom('receive' as const, 'send' as const), who, at }),
      fc.record({ kind: fc.constantFrom('attempt' as const, 'fail' as const, 'giveUp' as const, 'retry' as const, 'stored' as const, 'unsend' as const, 'unsendOurs' as const, 'remove' as const), pick }),
      fc.record({ kind: fc.constant('expire' as const), at }),
      fc.record({ kind: fc.constant('requeue' as const) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 30 }), async (steps) => {
        const fresh = await openParleyDatabase({ indexedDB: freshIndexedDB() });
        try {
          for (const s of steps) {
            const all: MessageRecord[] = await fresh.getAll('messages');
            const chosen = 'pick' in s ? all[s.pick % Math.max(1, all.length)] : undefined;
            // Each write may refuse (no outbox entry, not ours…): the summary must hold either way.
            await applyStep(fresh, s, chosen).catch(() => undefined);
            await expectFresh(fresh);
          }
        } finally {
          fresh.close();
        }
      }),
      fuzzParameters(40),
    );
  }, fuzzTimeoutMs(30_000));
});

async function applyStep(database: ParleyDB, s: { kind: string; who?: number; at?: number }, chosen: MessageRecord | undefined): Promise<unknown> {
  const expiresAt = s.at !== undefined && s.at % 300 === 0 ? s.at + 500 : null;
  switch (s.kind) {
    case 'receive':
      return receive(incoming(peer(s.who!), s.at!, `in ${s.at}`, { expiresAt }), database);
    case 'send':
      return send(outgoing(peer(s.who!), s.at! + 1, `out ${s.at}`, { expiresAt }), database);
    case 'expire':
      return removeExpiredMessages(database, s.at!);
    case 'requeue':
      return requeueInterruptedSends(database, 0);
  }
  if (chosen === undefined) return undefined;
  switch (s.kind) {
    case 'attempt':
      return startSendAttempt(database, chosen.id);
    case 'fail':
      return recordSendFailure(database, { messageId: chosen.id, errorCode: 'network_offline', nextAttemptAt: 1 });
    case 'giveUp':
      return recordSendFailure(database, { messageId: chosen.id, errorCode: 'network_offline', nextAttemptAt: null });
    case 'retry':
      return retryFailedMessage(database, chosen.id, 1);
    case 'stored':
      return recordDestinationStored(database, { messageId: chosen.id, destination: 'recipient', hash: `h${chosen.id}`, expiresAt: 1 });
    case 'unsend':
      return markMessageUnsent(database, chosen.id);
    case 'unsendOurs':
      return queueUnsendRequest(database, {
        messageId: chosen.id,
        entry: { recipient: chosen.conversationId, recipientPayload: PAYLOAD, syncPayload: null, nextAttemptAt: 1, createdAt: 1 },
      });
    case 'remove':
      return removeMessage(database, chosen.id);
  }
  return undefined;
}
