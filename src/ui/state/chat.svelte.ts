/**
 * The chat side of the app in one place: the conversation list, the open conversation, the
 * network and outbox, notifications and the badge. It hears the core's events once and hands each
 * to the state it concerns; screens read these classes and never call Comlink themselves.
 */
import { proxy, type Remote } from 'comlink';
import type { CoreApi, CoreEvent, InputCheck, NetworkInfo } from '../../core/api.ts';
import { ConversationsState } from './conversations.svelte.ts';
import { ConversationState } from './conversation.svelte.ts';
import { NetworkStatus } from './network.svelte.ts';
import { Notifier, showBadge } from './notifications.svelte.ts';

export class ChatState {
  readonly conversations: ConversationsState;
  readonly network: NetworkStatus;
  readonly notifier: Notifier;
  /** The conversation on screen, if any. */
  active = $state.raw<ConversationState | null>(null);
  networkInfo = $state.raw<NetworkInfo | null>(null);

  readonly #core: Remote<CoreApi>;
  #subscription: number | null = null;
  #stopFollowing: (() => void) | null = null;

  constructor(core: Remote<CoreApi>) {
    this.#core = core;
    this.conversations = new ConversationsState(core);
    this.network = new NetworkStatus(core);
    this.notifier = new Notifier(core, (id) => this.conversations.find(id)?.displayName ?? null);
  }

  /** Subscribes to the core's events, then loads what the screens show. Call once an account is open. */
  async start(): Promise<void> {
    if (this.#subscription === null) {
      this.#subscription = await this.#core.subscribe(proxy((event: CoreEvent) => this.handle(event)));
    }
    this.#stopFollowing ??= this.network.followBrowser(window);
    await Promise.all([
      this.conversations.load(),
      this.network.load(),
      this.notifier.load(),
      this.#core.getNetworkInfo().then((info) => (this.networkInfo = info)),
    ]);
  }

  handle(event: CoreEvent): void {
    this.conversations.handle(event);
    this.network.handle(event);
    this.notifier.handle(event);
    this.active?.handle(event);
  }

  /** Opens the conversation with `sessionId` (closing the one before); the same one is kept. */
  open(sessionId: string): ConversationState {
    if (this.active?.id === sessionId) return this.active;
    this.active?.close();
    const conversation = new ConversationState(this.#core, sessionId);
    this.active = conversation;
    void conversation.open().then(() => {
      if (conversation.conversation) this.conversations.upsert(conversation.conversation);
    });
    return conversation;
  }

  /** Checks a Session ID as it is typed (the core says what is wrong, by code). */
  checkSessionId(sessionId: string): Promise<InputCheck> {
    return this.#core.checkSessionId(sessionId);
  }

  closeActive(): void {
    this.active?.close();
    this.active = null;
  }

  /** The badge on the installed app's icon follows the unread total; call from a root $effect. */
  syncBadge(): void {
    showBadge(this.conversations.totalUnread);
  }

  async stop(): Promise<void> {
    this.closeActive();
    this.#stopFollowing?.();
    this.#stopFollowing = null;
    if (this.#subscription !== null) {
      const id = this.#subscription;
      this.#subscription = null;
      await this.#core.unsubscribe(id);
    }
  }
}
