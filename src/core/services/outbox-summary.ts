/**
 * How many of this device's messages still wait to reach their recipient (pending: queued, sending
 * or waiting for a retry) and how many failed, and an `outbox` event each time those numbers
 * change: the offline banner counts them. Recounted from the store after every event that can move
 * a message between states, so the numbers are what is on disk, not a tally that could drift.
 */
import type { CoreEvent, OutboxSummary } from '../api.ts';
import { countOutgoingByStatus } from '../store/index.ts';
import type { CoreContext } from './context.ts';

export class OutboxSummaryWatch {
  private last: OutboxSummary | undefined;
  private chain: Promise<void> = Promise.resolve();
  private readonly subscription: number;

  constructor(private readonly ctx: CoreContext) {
    this.subscription = ctx.events.subscribe((event) => {
      if (changesOutbox(event)) this.refresh();
    });
  }

  async current(): Promise<OutboxSummary> {
    const counts = await countOutgoingByStatus(this.ctx.db);
    return { pending: counts.queued + counts.sending, failed: counts.failed };
  }

  /** Recounts (one count at a time, in order) and emits `outbox` when the numbers changed. */
  refresh(): Promise<void> {
    this.chain = this.chain.then(async () => {
      try {
        const summary = await this.current();
        if (this.last !== undefined && summary.pending === this.last.pending && summary.failed === this.last.failed) return;
        const first = this.last === undefined;
        this.last = summary;
        // The first count only sets the baseline: nothing changed yet.
        if (!first) this.ctx.events.emit({ type: 'outbox', outbox: summary });
      } catch {
        // The database closing (close(), deleteAccount): the next change counts again.
      }
    });
    return this.chain;
  }

  stop(): void {
    this.ctx.events.unsubscribe(this.subscription);
  }
}

function changesOutbox(event: CoreEvent): boolean {
  switch (event.type) {
    case 'message_added':
      return event.message.direction === 'outgoing';
    case 'message_status':
      return true;
    case 'account':
      return event.account === null; // deleted: the outbox is empty now
    default:
      return false;
  }
}
