import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectCode } from '../../../test/expect-code.ts';
import { randomIdentity } from '../../../test/identities.ts';
import { makeContext, type TestContext } from '../../../test/services-fixture.ts';
import type { Identity } from '../../../wasm/identity.ts';
import { ready } from '../../../wasm/sodium.ts';
import { openStoredMessage } from '../protocol/message-pipeline.ts';
import {
  getConversation,
  getMessage,
  getOutboxEntry,
  insertMessage,
  pageConversation,
  recordDestinationStored,
} from '../store/index.ts';
import { MessageActions } from './message-actions.ts';
import { Outbox } from './outbox.ts';

const NOW = 1_750_000_000_000;
const DAY = 86_400;
const HASH = 'A'.repeat(43);

let me: Identity;
let bob: Identity;
let open: TestContext[] = [];

beforeAll(async () => {
  await ready();
  me = randomIdentity();
  bob = randomIdentity();
});
afterEach(() => {
  for (const t of open) t.close();
  open = [];
});

/** The outbox is never started: everything stays on disk, nothing is sent. No relay: swarm calls fail at once (logged). */
async function setup() {
  let now = NOW;
  const t = await makeContext({ identity: me, clock: () => now, retryPolicy: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1, maxClockResyncs: 0, maxSwarmUpdates: 0, maxRelayWaitMs: 0 } });
  open.push(t);
  const outbox = new Outbox(t.ctx);
  return { t, outbox, actions: new MessageActions(t.ctx, outbox), setNow: (at: number) => (now = at) };
}

describe('setDisappearing', () => {
  it('stores the setting, records the control message and queues the timer update with its sync copy', async () => {
    const { t, actions } = await setup();
    const view = await actions.setDisappearing(bob.sessionId, 'after_send', DAY);
    expect(view.disappearing).toEqual({ mode: 'after_send', timerSeconds: DAY });
    expect((await getConversation(t.db, bob.sessionId))?.disappearing).toEqual({ mode: 'after_send', timerSeconds: DAY });
    const [control] = await pageConversation(t.db, bob.sessionId);
    expect(control).toMatchObject({ kind: 'disappearing_changed', direction: 'outgoing', status: 'queued', disappearing: { mode: 'after_send', timerSeconds: DAY }, expiresAt: null });
    const entry = (await getOutboxEntry(t.db, control!.id))!;
    const content = openStoredMessage(entry.recipientPayload, bob).content;
    expect(content).toMatchObject({ dataMessage: { flags: 2 }, expirationType: 'delete_after_send', expirationTimer: DAY });
    expect(openStoredMessage(entry.syncPayload!, me).content.dataMessage?.syncTarget).toBe(bob.sessionId);
    expect(t.events.some((e) => e.type === 'conversation' && e.conversation.disappearing?.timerSeconds === DAY)).toBe(true);
  });

  it('refuses a timer Session does not offer, and changes nothing', async () => {
    const { t, actions } = await setup();
    await expectCode(actions.setDisappearing(bob.sessionId, 'after_send', 301), 'invalid_argument', 'timerSeconds');
    expect(await getConversation(t.db, bob.sessionId)).toBeUndefined();
  });
});

describe('messages written in a disappearing conversation', () => {
  it('delete-after-send: the timer from the sent time, TTL = timer', async () => {
    const { t, outbox, actions } = await setup();
    await actions.setDisappearing(bob.sessionId, 'after_send', DAY);
    const message = await outbox.queue(bob.sessionId, 'hello');
    expect(message.expiresAt).toBe(message.sentAt + DAY * 1000);
    expect((await getOutboxEntry(t.db, message.id))?.ttlMs).toBe(DAY * 1000);
    const content = openStoredMessage((await getOutboxEntry(t.db, message.id))!.recipientPayload, bob).content;
    expect([content.expirationType, content.expirationTimer]).toEqual(['delete_after_send', DAY]);
  });

  it('delete-after-read: ours counts as read when written; stored for 14 days', async () => {
    const { t, outbox, actions } = await setup();
    await actions.setDisappearing(bob.sessionId, 'after_read', 300);
    const message = await outbox.queue(bob.sessionId, 'hello');
    expect(message.expiresAt).toBe(message.sentAt + 300_000);
    expect((await getOutboxEntry(t.db, message.id))?.ttlMs).toBe(14 * DAY * 1000);
  });

  it('reading starts the delete-after-read timers of what was waiting', async () => {
    const { t, actions, setNow } = await setup();
    await insertMessage(t.db, {
      direction: 'incoming', conversationId: bob.sessionId, senderSessionId: bob.sessionId, sentAt: NOW - 10, receivedAt: NOW - 5, body: 'x',
      swarmHashes: [HASH], ownSwarmHashes: [HASH], expiresAt: null, kind: 'text', disappearing: { mode: 'after_read', timerSeconds: 300 }, awaitingRead: bob.sessionId,
    });
    setNow(NOW + 1000);
    await actions.read(bob.sessionId);
    const read = await getMessage(t.db, 1);
    expect(read?.expiresAt).toBe(NOW + 1000 + 300_000);
    expect(read).not.toHaveProperty('awaitingRead');
    expect(t.events).toContainEqual(expect.objectContaining({ type: 'message_changed', message: expect.objectContaining({ expiresAt: NOW + 1000 + 300_000 }) }));
    // Read again: nothing waits any more.
    t.events.length = 0;
    await actions.read(bob.sessionId);
    expect(t.events).toEqual([]);
  });
});

describe('delete for me and unsend', () => {
  it('deleting a queued message cancels it: message and outbox entry are gone', async () => {
    const { t, outbox, actions } = await setup();
    const message = await outbox.queue(bob.sessionId, 'never');
    await actions.deleteForMe(message.id);
    expect(await getMessage(t.db, message.id)).toBeUndefined();
    expect(await getOutboxEntry(t.db, message.id)).toBeUndefined();
    expect(t.events).toContainEqual({ type: 'messages_removed', conversationId: bob.sessionId, messageIds: [message.id] });
    await expectCode(actions.deleteForMe(message.id), 'message_not_found');
  });

  it("unsend: someone else's message is refused; one not yet sent is simply cancelled", async () => {
    const { t, outbox, actions } = await setup();
    await insertMessage(t.db, { direction: 'incoming', conversationId: bob.sessionId, senderSessionId: bob.sessionId, sentAt: NOW - 10, receivedAt: NOW, body: 'x', swarmHashes: [], expiresAt: null });
    await expectCode(actions.unsend(1), 'message_not_own');
    const queued = await outbox.queue(bob.sessionId, 'cancel me');
    await actions.unsend(queued.id);
    expect(await getMessage(t.db, queued.id)).toBeUndefined();
    expect(await getOutboxEntry(t.db, queued.id)).toBeUndefined();
  });

  it('unsend of a sent message: a tombstone whose outbox entry carries the unsend request to the recipient and our swarm', async () => {
    const { t, outbox, actions } = await setup();
    const sent = await outbox.queue(bob.sessionId, 'regret');
    await recordDestinationStored(t.db, { messageId: sent.id, destination: 'recipient', hash: HASH, expiresAt: NOW + 1 });
    await actions.unsend(sent.id);
    const tombstone = await getMessage(t.db, sent.id);
    expect(tombstone).toMatchObject({ kind: 'unsent', body: '', status: 'queued', sentAt: sent.sentAt });
    const entry = (await getOutboxEntry(t.db, sent.id))!;
    const request = openStoredMessage(entry.recipientPayload, bob);
    expect(request.content.unsendRequest).toEqual({ timestamp: sent.sentAt, author: me.sessionId });
    expect(request.envelopeTimestamp).toBeGreaterThan(sent.sentAt);
    expect(openStoredMessage(entry.syncPayload!, me).content.unsendRequest?.timestamp).toBe(sent.sentAt);
    expect(t.events).toContainEqual(expect.objectContaining({ type: 'message_changed', message: expect.objectContaining({ kind: 'unsent' }) }));
  });
});
