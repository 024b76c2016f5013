/**
 * The conversation list, newest activity first, kept live from the core's events: a `conversation`
 * event replaces that conversation's row (its last message and unread count come with it).
 */
import type { Remote } from 'comlink';
import type { CoreApi, CoreEvent, ConversationView, MessageView, OutgoingStatus } from '../../core/api.ts';
import { LIST_READ_MARK } from '../../shared/performance-marks.ts';

export class ConversationsState {
  list = $state.raw<readonly ConversationView[]>([]);
  loaded = $state(false);
  /** Total unread across conversations: the app badge and the document title follow it. */
  readonly totalUnread = $derived(this.list.reduce((sum, conversation) => sum + conversation.unreadCount, 0));

  readonly #core: () => Remote<CoreApi>;

  /** `core` gives the Core API once the engine is ready. */
  constructor(core: () => Remote<CoreApi>) {
    this.#core = core;
  }

  async load(): Promise<void> {
    const conversations = await this.#core().listConversations();
    performance.mark(LIST_READ_MARK);
    this.list = sortByActivity(conversations);
    this.loaded = true;
  }

  handle(event: CoreEvent): void {
    if (event.type === 'conversation') this.upsert(event.conversation);
    else if (event.type === 'message_added') this.#noteLast(event.message);
    else if (event.type === 'message_status') this.#statusOfLast(event.conversationId, event.messageId, event.status);
    else if (event.type === 'account' && event.account === null) this.list = [];
  }

  // A preview carries no message id, so the ids of the newest messages seen arrive are remembered:
  // a later status change of that message then updates the preview's status icon.
  readonly #lastIds = new Map<string, { id: number; sentAt: number }>();

  #noteLast(message: MessageView): void {
    const known = this.#lastIds.get(message.conversationId);
    if (known === undefined || message.sentAt >= known.sentAt) this.#lastIds.set(message.conversationId, { id: message.id, sentAt: message.sentAt });
  }

  #statusOfLast(conversationId: string, messageId: number, status: OutgoingStatus): void {
    if (this.#lastIds.get(conversationId)?.id !== messageId) return;
    const conversation = this.find(conversationId);
    const last = conversation?.lastMessage;
    if (conversation === undefined || last == null || last.direction !== 'outgoing' || last.status === status) return;
    this.upsert({ ...conversation, lastMessage: { ...last, status } });
  }

  upsert(conversation: ConversationView): void {
    const others = this.list.filter((known) => known.id !== conversation.id);
    this.list = sortByActivity([...others, conversation]);
  }

  find(id: string): ConversationView | undefined {
    return this.list.find((conversation) => conversation.id === id);
  }
}

export function sortByActivity(conversations: readonly ConversationView[]): ConversationView[] {
  return [...conversations].sort((a, b) => b.lastActivityAt - a.lastActivityAt || a.id.localeCompare(b.id));
}
