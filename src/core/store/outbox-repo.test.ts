import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectCode } from '../../../test/expect-code.ts';
import { dumpDatabase, freshIndexedDB, type TestIndexedDB } from '../../../test/fake-indexeddb.ts';
import { getConversation } from './conversations-repo.ts';
import { openParleyDatabase, type ParleyDB } from './database.ts';
import { getMessage, listOutgoingByStatus } from './messages-repo.ts';
import {
  getOutboxEntry,
  listDueOutbox,
  nextOutboxAttemptAt,
  queueOutgoingMessage,
  recordDestinationStored,
  recordDestinationsStored,
  recordSendFailure,
  requeueInterruptedSends,
  retryFailedMessage,
  startSendAttempt,
  startSendAttempts,
  type OutgoingMessageWrite,
} from './outbox-repo.ts';
import { filterUnseen } from './seen-hashes-repo.ts';

const ME = '05' + 'ee'.repeat(32);
const peer = (n: number) => '05' + n.toString(16).padStart(2, '0').repeat(32);
const PAYLOAD = 'AAECAw==';
const SYNC_PAYLOAD = 'BAUGBw==';

function send(to: string, at: number, options: { nextAttemptAt?: number; sync?: boolean } = {}): OutgoingMessageWrite {
  return {
    message: {
      direction: 'outgoing',
      conversationId: to,
      senderSessionId: ME,
      sentAt: at,
      receivedAt: at,
      body: 'hello',
      swarmHashes: [],
      expiresAt: null,
      status: 'queued',
      failureCode: null,
    },
    outboxEntry: {
      recipient: to,
      recipientPayload: PAYLOAD,
      syncPayload: options.sync === false ? null : SYNC_PAYLOAD,
      nextAttemptAt: options.nextAttemptAt ?? at,
      createdAt: at,
    },
    conversationUpdate: { createdAt: at, lastMessageAt: at, unreadIncrement: 0 },
  };
}

async function queued(write: OutgoingMessageWrite): Promise<number> {
  const result = await queueOutgoingMessage(db, write);
  if (!result.inserted) throw new Error('expected a new message');
  return result.id;
}

let indexedDB: TestIndexedDB;
let db: ParleyDB;
beforeEach(async () => {
  indexedDB = freshIndexedDB();
  db = await openParleyDatabase({ indexedDB });
});
afterEach(() => db.close());

describe('queueOutgoingMessage', () => {
  it('writes the message, its outbox entry and the conversation together', async () => {
    const result = await queueOutgoingMessage(db, send(peer(1), 1000));
    expect(result).toEqual({ inserted: true, id: 1 });
    expect(await getMessage(db, 1)).toMatchObject({ direction: 'outgoing', status: 'queued', sentAt: 1000 });
    expect(await getOutboxEntry(db, 1)).toEqual({
      messageId: 1,
      recipient: peer(1),
      recipientPayload: PAYLOAD,
      syncPayload: SYNC_PAYLOAD,
      recipientStored: false,
      syncStored: false,
      attempts: 0,
      nextAttemptAt: 1000,
      lastErrorCode: null,
      createdAt: 1000,
    });
    expect(await getConversation(db, peer(1))).toMatchObject({ lastMessageAt: 1000, unreadCount: 0 });
  });

  it('writes nothing for a duplicate (sender, sentAt)', async () => {
    await queueOutgoingMessage(db, send(peer(1), 1000));
    const again = await queueOutgoingMessage(db, send(peer(2), 1000));
    expect(again).toEqual({ inserted: false, existingId: 1 });
    const dump = await dumpDatabase(indexedDB, 'parley');
    expect(dump['outbox']).toHaveLength(1);
    expect(dump['conversations']).toHaveLength(1);
  });

  it('writes nothing at all when the outbox part fails', async () => {
    // An outbox entry squatting on the id the message will get makes the outbox add fail.
    await db.add('outbox', { ...ENTRY_SHAPE, messageId: 1 });
    await expectCode(queueOutgoingMessage(db, send(peer(1), 1000)), 'storage_failed');
    const dump = await dumpDatabase(indexedDB, 'parley');
    expect(dump['messages']).toEqual([]);
    expect(dump['conversations']).toEqual([]);
    expect(dump['outbox']).toHaveLength(1);
  });

  it('marks the sync destination done up front for a message with no sync copy', async () => {
    const id = await queued(send(ME, 5, { sync: false }));
    expect(await getOutboxEntry(db, id)).toMatchObject({ syncPayload: null, syncStored: true, recipientStored: false });
  });

  it('checks its inputs', async () => {
    const good = send(peer(1), 1);
    const invalid = (write: unknown, param: string) => expectCode(queueOutgoingMessage(db, write as OutgoingMessageWrite), 'invalid_argument', param);
    await invalid({ ...good, message: { ...good.message, status: 'sent' } }, 'write.message');
    await invalid({ ...good, message: { ...good.message, direction: 'incoming' } }, 'write.message');
    await invalid({ ...good, outboxEntry: { ...good.outboxEntry, recipient: peer(2) } }, 'write.outboxEntry.recipient');
    await invalid({ ...good, outboxEntry: { ...good.outboxEntry, recipientPayload: 'not base64!' } }, 'write.outboxEntry.recipientPayload');
    await invalid({ ...good, outboxEntry: { ...good.outboxEntry, recipientPayload: '' } }, 'write.outboxEntry.recipientPayload');
    await invalid({ ...good, outboxEntry: { ...good.outboxEntry, syncPayload: 'AAE' } }, 'write.outboxEntry.syncPayload');
    await invalid({ ...good, outboxEntry: { ...good.outboxEntry, nextAttemptAt: null } }, 'write.outboxEntry.nextAttemptAt');
    await invalid({ ...good, outboxEntry: null }, 'write.outboxEntry');
    await invalid({ ...good, conversationUpdate: undefined }, 'write.conversationUpdate');
    expect(await db.count('messages')).toBe(0);
  });
});

describe('choosing what to send', () => {
  it('lists due entries in the order the messages were written, not the order they became due', async () => {
    const a = await queued(send(peer(1), 100, { nextAttemptAt: 400 }));
    const b = await queued(send(peer(2), 200, { nextAttemptAt: 150 }));
    const c = await queued(send(peer(1), 300, { nextAttemptAt: 300 }));
    const later = await queued(send(peer(1), 310, { nextAttemptAt: 900 }));
    expect((await listDueOutbox(db, 500)).map((e) => e.messageId)).toEqual([a, b, c]);
    expect((await listDueOutbox(db, 300)).map((e) => e.messageId)).toEqual([b, c]);
    expect((await listDueOutbox(db, 500, 2)).map((e) => e.messageId)).toEqual([a, b]);
    expect(await listDueOutbox(db, 100)).toEqual([]);
    expect(await nextOutboxAttemptAt(db)).toBe(150);
    expect((await listDueOutbox(db, 1000)).map((e) => e.messageId)).toContain(later);
  });

  it('has no next attempt when the outbox is empty or everything gave up', async () => {
    expect(await nextOutboxAttemptAt(db)).toBeUndefined();
    const id = await queued(send(peer(1), 100));
    await recordSendFailure(db, { messageId: id, errorCode: 'message_rejected', nextAttemptAt: null });
    expect(await nextOutboxAttemptAt(db)).toBeUndefined();
    expect(await listDueOutbox(db, Number.MAX_SAFE_INTEGER)).toEqual([]);
  });
});

describe('the steps of a send', () => {
  it('counts an attempt and marks the message sending', async () => {
    const id = await queued(send(peer(1), 100));
    expect((await startSendAttempt(db, id)).attempts).toBe(1);
    expect((await startSendAttempt(db, id)).attempts).toBe(2);
    expect((await getMessage(db, id))).toMatchObject({ status: 'sending', failureCode: null });
  });

  it('queues the message again after a failure that will be retried', async () => {
    const id = await queued(send(peer(1), 100));
    await startSendAttempt(db, id);
    const entry = await recordSendFailure(db, { messageId: id, errorCode: 'storage_failed', nextAttemptAt: 5000 });
    expect(entry).toMatchObject({ attempts: 1, nextAttemptAt: 5000, lastErrorCode: 'storage_failed' });
    expect(await getMessage(db, id)).toMatchObject({ status: 'queued', failureCode: null });
    expect((await listDueOutbox(db, 5000)).map((e) => e.messageId)).toEqual([id]);
  });

  it('marks the message failed when the send is given up, and retries it on request', async () => {
    const id = await queued(send(peer(1), 100));
    await startSendAttempt(db, id);
    await recordSendFailure(db, { messageId: id, errorCode: 'message_rejected', nextAttemptAt: null });
    expect(await getMessage(db, id)).toMatchObject({ status: 'failed', failureCode: 'message_rejected' });
    expect((await listOutgoingByStatus(db, 'failed')).map((m) => m.id)).toEqual([id]);
    expect(await listDueOutbox(db, 10_000)).toEqual([]);

    const entry = await retryFailedMessage(db, id, 7000);
    expect(entry).toMatchObject({ attempts: 0, nextAttemptAt: 7000 });
    expect(await getMessage(db, id)).toMatchObject({ status: 'queued', failureCode: null });
    expect((await listDueOutbox(db, 7000)).map((e) => e.messageId)).toEqual([id]);
  });

  it("records each stored destination: 'sent' once the recipient has it, complete once both are stored", async () => {
    const id = await queued(send(peer(1), 100));
    await startSendAttempt(db, id);
    expect(await recordDestinationStored(db, { messageId: id, destination: 'recipient', hash: 'r-hash', expiresAt: 9000 })).toEqual({ complete: false });
    expect(await getOutboxEntry(db, id)).toMatchObject({ recipientStored: true, syncStored: false });
    expect(await getMessage(db, id)).toMatchObject({ status: 'sent', swarmHashes: ['r-hash'] });

    // Only the sync copy is left: attempts and failures for it leave the message 'sent'.
    await startSendAttempt(db, id);
    await recordSendFailure(db, { messageId: id, errorCode: 'path_failed', nextAttemptAt: 5000 });
    expect(await getMessage(db, id)).toMatchObject({ status: 'sent', failureCode: null });
    await startSendAttempt(db, id);
    expect(await getMessage(db, id)).toMatchObject({ status: 'sent' });

    // A retry re-stores the same bytes and learns the same hash again: nothing doubles.
    await recordDestinationStored(db, { messageId: id, destination: 'recipient', hash: 'r-hash', expiresAt: 9000 });
    expect(await recordDestinationStored(db, { messageId: id, destination: 'sync', hash: 's-hash', expiresAt: 9000 })).toEqual({ complete: true });

    expect(await getOutboxEntry(db, id)).toBeUndefined();
    expect(await getMessage(db, id)).toMatchObject({ status: 'sent', failureCode: null, swarmHashes: ['r-hash', 's-hash'] });
    // Our own sync copy must not come back from our swarm as new mail.
    expect(await filterUnseen(db, ['r-hash', 's-hash'])).toEqual([]);
  });

  it('completes a message with no sync copy once the recipient has it', async () => {
    const id = await queued(send(ME, 100, { sync: false }));
    expect(await recordDestinationStored(db, { messageId: id, destination: 'recipient', hash: 'h', expiresAt: 1 })).toEqual({ complete: true });
    expect(await getMessage(db, id)).toMatchObject({ status: 'sent' });
  });

  it('queues again, at start-up, the messages a closed tab left sending', async () => {
    const a = await queued(send(peer(1), 100, { nextAttemptAt: 100 }));
    const b = await queued(send(peer(2), 200, { nextAttemptAt: 200 }));
    await startSendAttempt(db, a);
    expect(await requeueInterruptedSends(db, 5000)).toBe(1);
    expect(await getMessage(db, a)).toMatchObject({ status: 'queued' });
    expect(await getOutboxEntry(db, a)).toMatchObject({ nextAttemptAt: 5000 });
    expect(await getOutboxEntry(db, b)).toMatchObject({ nextAttemptAt: 200 });
    expect(await requeueInterruptedSends(db, 6000)).toBe(0);
  });

  it('starts and records several sends in one transaction each, leaving out a message deleted meanwhile', async () => {
    const a = await queued(send(peer(1), 100));
    const b = await queued(send(peer(1), 200));
    const c = await queued(send(peer(1), 300));
    const started = await startSendAttempts(db, [a, 42, b, c]);
    expect(started.map((e) => [e.messageId, e.attempts])).toEqual([
      [a, 1],
      [b, 1],
      [c, 1],
    ]);
    expect(await getMessage(db, b)).toMatchObject({ status: 'sending' });
    const recorded = await recordDestinationsStored(db, [
      { messageId: a, destination: 'recipient', hash: 'a-hash', expiresAt: 9000, payload: PAYLOAD },
      { messageId: 42, destination: 'recipient', hash: 'x-hash', expiresAt: 9000 },
      // Unsent meanwhile: the entry holds another payload now.
      { messageId: b, destination: 'recipient', hash: 'b-hash', expiresAt: 9000, payload: 'CAkKCw==' },
      { messageId: c, destination: 'recipient', hash: 'c-hash', expiresAt: 9000, payload: PAYLOAD },
    ]);
    expect(recorded).toEqual([
      { messageId: a, recorded: true, complete: false, expiresAt: null },
      { messageId: 42, recorded: false },
      { messageId: b, recorded: false },
      { messageId: c, recorded: true, complete: false, expiresAt: null },
    ]);
    expect(await getMessage(db, a)).toMatchObject({ status: 'sent', swarmHashes: ['a-hash'] });
    expect(await getMessage(db, b)).toMatchObject({ status: 'sending', swarmHashes: [] });
    expect(await filterUnseen(db, ['a-hash', 'b-hash', 'c-hash', 'x-hash'])).toEqual(['b-hash', 'x-hash']);
    // Only the sync copy is left: starting it again leaves the message 'sent'.
    expect((await startSendAttempts(db, [a]))[0]).toMatchObject({ attempts: 2, recipientStored: true });
    expect(await getMessage(db, a)).toMatchObject({ status: 'sent' });
    await expectCode(startSendAttempts(db, [a, 0]), 'invalid_argument', 'messageIds[1]');
    await expectCode(recordDestinationsStored(db, [{ messageId: a, destination: 'sync', hash: '', expiresAt: 1 }]), 'invalid_argument', 'copies[0].hash');
  });

  it('reports a message that has no outbox entry', async () => {
    await expectCode(startSendAttempt(db, 42), 'storage_not_found');
    await expectCode(recordSendFailure(db, { messageId: 42, errorCode: 'storage_failed', nextAttemptAt: 1 }), 'storage_not_found');
    await expectCode(recordDestinationStored(db, { messageId: 42, destination: 'sync', hash: 'h', expiresAt: 1 }), 'storage_not_found');
    await expectCode(retryFailedMessage(db, 42, 1), 'storage_not_found');
  });

  it('checks its inputs', async () => {
    await expectCode(startSendAttempt(db, 0), 'invalid_argument', 'messageId');
    await expectCode(getOutboxEntry(db, 1.5), 'invalid_argument', 'messageId');
    await expectCode(listDueOutbox(db, -1), 'invalid_argument', 'now');
    await expectCode(recordSendFailure(db, { messageId: 1, errorCode: 'Bad Code' as never, nextAttemptAt: 1 }), 'invalid_argument', 'failure.errorCode');
    await expectCode(recordSendFailure(db, { messageId: 1, errorCode: 'storage_failed', nextAttemptAt: -1 }), 'invalid_argument', 'failure.nextAttemptAt');
    await expectCode(recordDestinationStored(db, { messageId: 1, destination: 'both' as never, hash: 'h', expiresAt: 1 }), 'invalid_argument', 'stored.destination');
    await expectCode(recordDestinationStored(db, { messageId: 1, destination: 'sync', hash: '', expiresAt: 1 }), 'invalid_argument', 'stored.hash');
    await expectCode(retryFailedMessage(db, 1, Number.POSITIVE_INFINITY), 'invalid_argument', 'now');
  });
});

const ENTRY_SHAPE = {
  messageId: 0,
  recipient: peer(9),
  recipientPayload: PAYLOAD,
  syncPayload: null,
  recipientStored: false,
  syncStored: true,
  attempts: 0,
  nextAttemptAt: 1,
  lastErrorCode: null,
  createdAt: 1,
};
