import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeContext, type TestContext } from '../../../test/services-fixture.ts';
import { waitUntil } from '../../../test/wait.ts';
import { ready } from '../../../wasm/sodium.ts';
import { insertMessage, queueOutgoingMessage, recordIncomingMessage, type NewMessage } from '../store/index.ts';
import type { Timers } from './auto-lock.ts';
import { ExpiryScheduler } from './expiry-scheduler.ts';

const T0 = 1_750_000_000_000;
const PEER = '05' + 'a'.repeat(64);
const ME = '05' + 'b'.repeat(64);

/** Timers the test fires by hand, with a clock it moves: fake time, no real waiting. */
class ManualTime implements Timers {
  now = T0;
  private pending = new Map<number, { at: number; callback: () => void }>();
  private next = 1;
  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.next++;
    this.pending.set(id, { at: this.now + ms, callback });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  /** Moves the clock and fires what is due. */
  advanceTo(at: number): void {
    this.now = at;
    for (const [id, timer] of [...this.pending]) {
      if (timer.at <= at) {
        this.pending.delete(id);
        timer.callback();
      }
    }
  }
  get armed(): number[] {
    return [...this.pending.values()].map((t) => t.at);
  }
}

let open: TestContext[] = [];
beforeAll(() => ready());
afterEach(() => {
  for (const t of open) t.close();
  open = [];
});

function incoming(sentAt: number, expiresAt: number | null): NewMessage {
  return { direction: 'incoming', conversationId: PEER, senderSessionId: PEER, sentAt, receivedAt: sentAt, body: 'x', swarmHashes: [], expiresAt };
}

async function setup() {
  const time = new ManualTime();
  const t = await makeContext({ clock: () => time.now });
  open.push(t);
  return { t, time, scheduler: new ExpiryScheduler(t.ctx, time) };
}

describe('ExpiryScheduler', () => {
  it('at start removes what expired while closed, then arms for the next one', async () => {
    const { t, time, scheduler } = await setup();
    await insertMessage(t.db, incoming(T0 - 10_000, T0 - 1));
    await insertMessage(t.db, incoming(T0 - 5_000, T0 + 60_000));
    await insertMessage(t.db, incoming(T0 - 4_000, null));
    await scheduler.start();
    expect(await t.db.count('messages')).toBe(2);
    expect(t.events).toContainEqual({ type: 'messages_removed', conversationId: PEER, messageIds: [1] });
    expect(time.armed).toEqual([T0 + 60_000]);
    scheduler.stop();
    expect(time.armed).toEqual([]);
  });

  it('deletes a message when its time comes, and never one without a timer', async () => {
    const { t, time, scheduler } = await setup();
    await insertMessage(t.db, incoming(T0, T0 + 10_000));
    await insertMessage(t.db, incoming(T0 + 1, null));
    await scheduler.start();
    expect(await t.db.count('messages')).toBe(2);
    time.advanceTo(T0 + 10_000);
    await waitUntil('the expired message removed', () => t.events.some((e) => e.type === 'messages_removed'));
    expect(await t.db.get('messages', 1)).toBeUndefined();
    expect(await t.db.get('messages', 2)).toBeDefined();
    scheduler.stop();
  });

  it('an unread message that expires leaves the unread count, and the list hears the new count', async () => {
    const { t, time, scheduler } = await setup();
    for (const message of [incoming(T0, T0 + 10_000), incoming(T0 + 1, null)]) {
      await recordIncomingMessage(t.db, { message, conversationUpdate: { createdAt: T0, lastMessageAt: message.sentAt, unreadIncrement: 1 }, seenHash: null });
    }
    await scheduler.start();
    time.advanceTo(T0 + 10_000);
    await waitUntil('the expired message removed', () => t.events.some((e) => e.type === 'messages_removed'));
    await waitUntil('the conversation announced', () => t.events.some((e) => e.type === 'conversation'));
    expect(t.events.filter((e) => e.type === 'conversation').at(-1)).toMatchObject({ conversation: { unreadCount: 1 } });
    expect((await t.db.get('conversations', PEER))?.unreadCount).toBe(1);
    scheduler.stop();
  });

  it('re-arms earlier when a message with a nearer end is added', async () => {
    const { t, time, scheduler } = await setup();
    await insertMessage(t.db, incoming(T0, T0 + 600_000));
    await scheduler.start();
    expect(time.armed).toEqual([T0 + 600_000]);
    await insertMessage(t.db, incoming(T0 + 1, T0 + 30_000));
    const view = { id: 2, conversationId: PEER, direction: 'incoming', senderSessionId: PEER, sentAt: T0 + 1, receivedAt: T0, body: 'x', status: null, failureCode: null, kind: 'text', disappearing: null, expiresAt: T0 + 30_000, attachments: [] } as const;
    t.ctx.events.emit({ type: 'message_added', message: view });
    await waitUntil('re-armed for the nearer end', () => time.armed.includes(T0 + 30_000));
    expect(time.armed).toEqual([T0 + 30_000]);
    scheduler.stop();
  });

  it('an expired message still in the outbox goes with its entry: it is never sent', async () => {
    const { t, scheduler } = await setup();
    const message: NewMessage = { direction: 'outgoing', conversationId: PEER, senderSessionId: ME, sentAt: T0 - 20_000, receivedAt: T0 - 20_000, body: 'x', swarmHashes: [], expiresAt: T0 - 10_000, status: 'queued', failureCode: null };
    await queueOutgoingMessage(t.db, {
      message,
      outboxEntry: { recipient: PEER, recipientPayload: 'AAAA', syncPayload: null, nextAttemptAt: T0, createdAt: T0 },
      conversationUpdate: { createdAt: T0, lastMessageAt: T0, unreadIncrement: 0 },
    });
    await scheduler.start();
    expect(await t.db.count('messages')).toBe(0);
    expect(await t.db.count('outbox')).toBe(0);
    scheduler.stop();
  });
});
