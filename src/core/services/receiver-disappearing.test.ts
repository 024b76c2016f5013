import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeContext, type TestContext } from '../../../test/services-fixture.ts';
import { randomIdentity } from '../../../test/identities.ts';
import { toBase64Unpadded } from '../../../wasm/bytes.ts';
import type { Identity } from '../../../wasm/identity.ts';
import { ready, sodium } from '../../../wasm/sodium.ts';
import type { RetrievedMessage } from '../net/storage-client.ts';
import type { Content } from '../protocol/content.ts';
import { wrapForRecipient } from '../protocol/message-pipeline.ts';
import { findMessageBySender, getConversation, pageConversation } from '../store/index.ts';
import { Receiver } from './receiver.ts';

const NOW = 1_750_000_000_000;
const EXPIRES = NOW + 14 * 24 * 3600_000;
const DAY = 86_400;

let me: Identity;
let alice: Identity;
let mallory: Identity;
let open: TestContext[] = [];

beforeAll(async () => {
  await ready();
  me = randomIdentity();
  alice = randomIdentity();
  mallory = randomIdentity();
});

afterEach(() => {
  for (const t of open) t.close();
  open = [];
});

async function setup(): Promise<{ t: TestContext; receiver: Receiver }> {
  // No relay: the swarm deletes these tests cause fail at once and are only logged (best effort).
  const t = await makeContext({ identity: me, clock: () => NOW, retryPolicy: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1, maxClockResyncs: 0, maxSwarmUpdates: 0, maxRelayWaitMs: 0 } });
  open.push(t);
  return { t, receiver: new Receiver(t.ctx) };
}

let counter = 0;
function newHash(): string {
  const bytes = new Uint8Array(32);
  bytes.set(sodium().randombytes_buf(28));
  new DataView(bytes.buffer).setUint32(28, ++counter);
  return toBase64Unpadded(bytes);
}

function from(sender: Identity, content: Content, timestamp: number, to: Identity = me): RetrievedMessage {
  const data = wrapForRecipient({ content, sender, recipientSessionId: to.sessionId, timestamp }).data;
  return { hash: newHash(), data, timestamp: NOW, expiration: EXPIRES };
}

describe('Receiver: disappearing messages', () => {
  it('a delete-after-send message keeps its timer, counted from its sent time', async () => {
    const { t, receiver } = await setup();
    const sentAt = NOW - 1000;
    const message = from(alice, { dataMessage: { body: 'soon gone' }, expirationType: 'delete_after_send', expirationTimer: DAY }, sentAt);
    expect((await receiver.receive([message])).stored).toBe(1);
    const stored = await findMessageBySender(t.db, alice.sessionId, sentAt);
    expect(stored).toMatchObject({ kind: 'text', disappearing: { mode: 'after_send', timerSeconds: DAY }, expiresAt: sentAt + DAY * 1000, ownSwarmHashes: [message.hash] });
    expect(stored).not.toHaveProperty('awaitingRead');
  });

  it('one already past its end when it arrives is never stored, and never tried again', async () => {
    const { t, receiver } = await setup();
    const sentAt = NOW - DAY * 1000 - 1;
    const message = from(alice, { dataMessage: { body: 'too late' }, expirationType: 'delete_after_send', expirationTimer: DAY }, sentAt);
    const result = await receiver.receive([message]);
    expect(result.stored).toBe(0);
    expect(result.ignored).toEqual({ expired: 1 });
    expect(await findMessageBySender(t.db, alice.sessionId, sentAt)).toBeUndefined();
    expect(t.events.filter((e) => e.type === 'message_added')).toEqual([]);
    expect((await receiver.receive([message])).alreadySeen).toBe(1);
  });

  it('a delete-after-read message waits for its reading: no end yet', async () => {
    const { t, receiver } = await setup();
    const message = from(alice, { dataMessage: { body: 'read me' }, expirationType: 'delete_after_read', expirationTimer: 300 }, NOW - 5);
    await receiver.receive([message]);
    const stored = await findMessageBySender(t.db, alice.sessionId, NOW - 5);
    expect(stored).toMatchObject({ expiresAt: null, awaitingRead: alice.sessionId, disappearing: { mode: 'after_read', timerSeconds: 300 } });
  });

  it('a timer update changes the setting and is recorded as a control message; off turns it off', async () => {
    const { t, receiver } = await setup();
    await receiver.receive([from(alice, { dataMessage: { flags: 2 }, expirationType: 'delete_after_send', expirationTimer: DAY }, NOW - 20)]);
    expect((await getConversation(t.db, alice.sessionId))?.disappearing).toEqual({ mode: 'after_send', timerSeconds: DAY });
    const [control] = await pageConversation(t.db, alice.sessionId);
    expect(control).toMatchObject({ kind: 'disappearing_changed', direction: 'incoming', body: '', expiresAt: null, disappearing: { mode: 'after_send', timerSeconds: DAY } });
    // A control message is not something unread.
    expect((await getConversation(t.db, alice.sessionId))?.unreadCount).toBe(0);
    await receiver.receive([from(alice, { dataMessage: { flags: 2 }, expirationType: 'unknown', expirationTimer: 0 }, NOW - 10)]);
    expect((await getConversation(t.db, alice.sessionId))?.disappearing).toBeNull();
  });

  it("our other device's timer update (a sync copy) sets the conversation it names", async () => {
    const { t, receiver } = await setup();
    const sync = from(me, { dataMessage: { flags: 2, syncTarget: alice.sessionId }, expirationType: 'delete_after_read', expirationTimer: 300 }, NOW - 10, me);
    await receiver.receive([sync]);
    expect((await getConversation(t.db, alice.sessionId))?.disappearing).toEqual({ mode: 'after_read', timerSeconds: 300 });
    expect((await pageConversation(t.db, alice.sessionId))[0]).toMatchObject({ direction: 'outgoing', kind: 'disappearing_changed' });
  });
});

describe('Receiver: unsend', () => {
  it("the author's unsend turns the message into a tombstone", async () => {
    const { t, receiver } = await setup();
    await receiver.receive([from(alice, { dataMessage: { body: 'oops' } }, NOW - 100)]);
    const result = await receiver.receive([from(alice, { unsendRequest: { timestamp: NOW - 100, author: alice.sessionId } }, NOW - 50)]);
    expect(result.ignored).toEqual({});
    const tombstone = await findMessageBySender(t.db, alice.sessionId, NOW - 100);
    expect(tombstone).toMatchObject({ kind: 'unsent', body: '' });
    const changed = t.events.filter((e) => e.type === 'message_changed');
    expect(changed).toHaveLength(1);
    expect(changed[0]).toMatchObject({ message: { kind: 'unsent', body: '' } });
  });

  it('an unread message its author unsends no longer counts as unread, and the list hears it', async () => {
    const { t, receiver } = await setup();
    await receiver.receive([from(alice, { dataMessage: { body: 'oops' } }, NOW - 100), from(alice, { dataMessage: { body: 'kept' } }, NOW - 90)]);
    expect((await getConversation(t.db, alice.sessionId))?.unreadCount).toBe(2);
    await receiver.receive([from(alice, { unsendRequest: { timestamp: NOW - 100, author: alice.sessionId } }, NOW - 50)]);
    expect((await getConversation(t.db, alice.sessionId))?.unreadCount).toBe(1);
    const announced = t.events.filter((e) => e.type === 'conversation').at(-1);
    expect(announced).toMatchObject({ conversation: { unreadCount: 1 } });
  });

  it('a forged unsend (author is not the sender) is refused and the message stays', async () => {
    const { t, receiver } = await setup();
    await receiver.receive([from(alice, { dataMessage: { body: 'mine' } }, NOW - 100)]);
    const forged = await receiver.receive([from(mallory, { unsendRequest: { timestamp: NOW - 100, author: alice.sessionId } }, NOW - 50)]);
    expect(forged.junk).toEqual({ message_rejected: 1 });
    expect(await findMessageBySender(t.db, alice.sessionId, NOW - 100)).toMatchObject({ kind: 'text', body: 'mine' });
  });

  it('an unsend for a message we never had, or naming its own sender for a time of someone else, is ignored', async () => {
    const { t, receiver } = await setup();
    await receiver.receive([from(alice, { dataMessage: { body: 'mine' } }, NOW - 100)]);
    const unknown = await receiver.receive([
      from(alice, { unsendRequest: { timestamp: NOW - 99, author: alice.sessionId } }, NOW - 50),
      from(mallory, { unsendRequest: { timestamp: NOW - 100, author: mallory.sessionId } }, NOW - 40),
    ]);
    expect(unknown.ignored).toEqual({ unsend: 2 });
    expect(await findMessageBySender(t.db, alice.sessionId, NOW - 100)).toMatchObject({ kind: 'text', body: 'mine' });
  });

  it('in a note to self the unsent message is removed entirely', async () => {
    const { t, receiver } = await setup();
    await receiver.receive([from(me, { dataMessage: { body: 'note' } }, NOW - 100, me)]);
    await receiver.receive([from(me, { unsendRequest: { timestamp: NOW - 100, author: me.sessionId } }, NOW - 50, me)]);
    expect(await findMessageBySender(t.db, me.sessionId, NOW - 100)).toBeUndefined();
    expect(t.events.some((e) => e.type === 'messages_removed')).toBe(true);
  });
});
