/** Conversations and their messages as the UI reads them; writing messages is the outbox's and receiver's job. */
import { parseSessionId } from '../../../wasm/session-id.ts';
import type { ConversationView, MessageCursor, MessageView } from '../api.ts';
import {
  ensureConversation,
  getConversation,
  listConversations,
  markConversationRead,
  pageConversation,
} from '../store/index.ts';
import type { CoreContext } from './context.ts';
import { conversationView, messageView } from './views.ts';

export class Conversations {
  constructor(private readonly ctx: CoreContext) {}

  async list(): Promise<ConversationView[]> {
    // One read: each record carries its newest message's summary (store/conversation-summary.ts).
    return (await listConversations(this.ctx.db)).map(conversationView);
  }

  /** A typed Session ID is checked first; its coded error says what is wrong with it. */
  async open(sessionIdText: string): Promise<ConversationView> {
    const { sessionId } = parseSessionId(sessionIdText);
    const existed = (await getConversation(this.ctx.db, sessionId)) !== undefined;
    const view = conversationView(await ensureConversation(this.ctx.db, sessionId, this.ctx.clock()));
    if (!existed) this.ctx.events.emit({ type: 'conversation', conversation: view });
    return view;
  }

  async messages(conversationId: string, options: { before?: MessageCursor; limit?: number } = {}): Promise<MessageView[]> {
    const { sessionId } = parseSessionId(conversationId);
    return (await pageConversation(this.ctx.db, sessionId, options)).map(messageView);
  }

  async markRead(conversationId: string): Promise<void> {
    const { sessionId } = parseSessionId(conversationId);
    const before = await getConversation(this.ctx.db, sessionId);
    if (before === undefined || before.unreadCount === 0) return;
    await markConversationRead(this.ctx.db, sessionId);
    const after = await getConversation(this.ctx.db, sessionId);
    if (after !== undefined) this.ctx.events.emit({ type: 'conversation', conversation: conversationView(after) });
  }
}
