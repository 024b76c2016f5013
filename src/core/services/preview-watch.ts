/**
 * Keeps the conversation list's preview honest: when the status of a conversation's newest message
 * changes (queued → sending → sent, or failed), a `conversation` event carries the new preview, so
 * the list never shows "queued" for a message that was sent. Other statuses change no preview.
 */
import { getConversation } from '../store/index.ts';
import type { CoreContext } from './context.ts';
import { conversationView } from './views.ts';

export class PreviewWatch {
  private readonly subscription: number;
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly ctx: CoreContext) {
    this.subscription = ctx.events.subscribe((event) => {
      if (event.type === 'message_status') this.statusChanged(event.conversationId, event.messageId);
    });
  }

  stop(): void {
    this.ctx.events.unsubscribe(this.subscription);
  }

  /** Resolves once the previews of the changes heard so far are out (tests). */
  settled(): Promise<void> {
    return this.chain;
  }

  private statusChanged(conversationId: string, messageId: number): void {
    this.chain = this.chain.then(async () => {
      try {
        // The status write refreshed the conversation's summary in the same transaction.
        const conversation = await getConversation(this.ctx.db, conversationId);
        if (conversation?.lastMessage?.messageId !== messageId) return;
        this.ctx.events.emit({ type: 'conversation', conversation: conversationView(conversation) });
      } catch {
        // The database closing: the next list read shows the truth.
      }
    });
  }
}
