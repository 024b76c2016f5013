/**
 * Local expiry of disappearing messages (docs/disappearing.md): one timer, set for the earliest
 * `expiresAt` in the messages store. When it fires, every message due is deleted (with its outbox
 * entry: an expired message is never sent) and `messages_removed` is emitted per conversation.
 * `start` runs at once, so what expired while the app was closed goes at start-up. A new or
 * changed message with a timer (seen on the event bus) re-arms the timer. Clock and timers are
 * injected, so tests run it on fake time.
 */
import { isParleyError } from '../../shared/errors.ts';
import { getConversation, nextMessageExpiry, removeExpiredMessages, type MessageRecord } from '../store/index.ts';
import type { Timers } from './auto-lock.ts';
import type { CoreContext } from './context.ts';
import { conversationView } from './views.ts';

/** setTimeout's longest delay: a later expiry is reached in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** After a database failure, try again in a minute. */
const RETRY_MS = 60_000;

export class ExpiryScheduler {
  private timer: unknown;
  private armedFor: number | undefined;
  private running = false;
  private chain: Promise<void> = Promise.resolve();
  private subscription: number | undefined;

  constructor(
    private readonly ctx: CoreContext,
    private readonly timers: Timers,
  ) {}

  /** Removes what is overdue now, then waits for the next expiry. Resolves after the first sweep. */
  start(): Promise<void> {
    if (this.running) return this.chain;
    this.running = true;
    this.subscription = this.ctx.events.subscribe((event) => {
      const expiresAt = event.type === 'message_added' || event.type === 'message_changed' ? event.message.expiresAt : null;
      if (expiresAt !== null && (this.armedFor === undefined || expiresAt < this.armedFor)) void this.sweep();
    });
    return this.sweep();
  }

  stop(): void {
    this.running = false;
    if (this.subscription !== undefined) this.ctx.events.unsubscribe(this.subscription);
    this.subscription = undefined;
    this.disarm();
  }

  /** Deletes every message due by now and re-arms for the next one; sweeps run one at a time. */
  sweep(): Promise<void> {
    this.chain = this.chain.then(() => this.sweepOnce());
    return this.chain;
  }

  private async sweepOnce(): Promise<void> {
    if (!this.running) return;
    this.disarm();
    try {
      const removed = await removeExpiredMessages(this.ctx.db, this.ctx.clock());
      if (removed.length > 0) {
        this.ctx.log(`expiry: ${removed.length} message(s) expired`);
        await this.announce(removed);
      }
      const next = await nextMessageExpiry(this.ctx.db);
      if (next !== undefined) this.arm(next);
    } catch (error) {
      if (!this.running || (isParleyError(error) && error.code === 'storage_closed')) return;
      this.ctx.log(`expiry: sweep failed (${isParleyError(error) ? error.code : 'internal'}), again later`);
      this.arm(this.ctx.clock() + RETRY_MS);
    }
  }

  private async announce(removed: readonly MessageRecord[]): Promise<void> {
    const byConversation = new Map<string, number[]>();
    for (const message of removed) {
      const ids = byConversation.get(message.conversationId) ?? [];
      ids.push(message.id);
      byConversation.set(message.conversationId, ids);
    }
    for (const [conversationId, messageIds] of byConversation) {
      this.ctx.events.emit({ type: 'messages_removed', conversationId, messageIds });
      const conversation = await getConversation(this.ctx.db, conversationId);
      if (conversation !== undefined) {
        this.ctx.events.emit({ type: 'conversation', conversation: conversationView(conversation) });
      }
    }
  }

  private arm(at: number): void {
    if (!this.running) return;
    this.armedFor = at;
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, at - this.ctx.clock()));
    this.timer = this.timers.setTimeout(() => {
      this.timer = undefined;
      this.armedFor = undefined;
      void this.sweep();
    }, delay);
  }

  private disarm(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    this.armedFor = undefined;
  }
}
