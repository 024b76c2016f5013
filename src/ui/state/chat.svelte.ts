/**
 * The chat side of the app in one place: the conversation list, the open conversation, the
 * network and outbox, notifications and the badge. It hears the engine's shared event subscription
 * and hands each event to the state it concerns; screens read these classes and never call
 * Comlink themselves.
 *
 * One ChatState per AppState (`chatOf(app)`), made on first use so that the shell's AppState needs
 * no knowledge of it; it loads once an account is open (the list pane mounts only then).
 */
import type { Remote } from 'comlink';
import type { CoreApi, CoreEvent, InputCheck } from '../../core/api.ts';
import type { AppState } from './app.svelte.ts';
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

  readonly #app: AppState;
  #loading: Promise<void> | null = null;
  #stopFollowing: (() => void) | null = null;

  constructor(app: AppState) {
    this.#app = app;
    const core = (): Remote<CoreApi> => app.engine.api;
    this.conversations = new ConversationsState(core);
    this.network = new NetworkStatus(core);
    this.notifier = new Notifier(
      () => app.preferences.values?.notifications ?? null,
      (id) => this.conversations.find(id)?.displayName ?? null,
    );
    app.engine.on((event) => this.handle(event));
  }

  /** The echo peer's Session ID on the devnet (for the empty list), once the shell loaded it. */
  get echoPeerSessionId(): string | null {
    return this.#app.preferences.network?.echoPeerSessionId ?? null;
  }

  /** Loads the list, the network state and the outbox (again after an unlock); safe to call often. */
  load(): Promise<void> {
    this.#stopFollowing ??= this.network.followBrowser(window);
    this.#loading ??= Promise.all([this.conversations.load(), this.network.load()])
      .then(() => undefined)
      .finally(() => {
        this.#loading = null;
      });
    return this.#loading;
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
    const conversation = new ConversationState(this.#app.engine.api, sessionId);
    this.active = conversation;
    void conversation.open().then(() => {
      if (conversation.conversation) this.conversations.upsert(conversation.conversation);
    });
    return conversation;
  }

  /** Closes `conversation` if it is still the open one. */
  close(conversation: ConversationState): void {
    conversation.close();
    if (this.active === conversation) this.active = null;
  }

  /** Checks a Session ID as it is typed (the core says what is wrong, by code). */
  checkSessionId(sessionId: string): Promise<InputCheck> {
    return this.#app.engine.api.checkSessionId(sessionId);
  }

  /** The badge on the installed app's icon follows the unread total; call from a root $effect. */
  syncBadge(): void {
    showBadge(this.conversations.totalUnread);
  }
}

const chats = new WeakMap<AppState, ChatState>();

export function chatOf(app: AppState): ChatState {
  let chat = chats.get(app);
  if (chat === undefined) {
    // Made under its own root, not under the first component that asks: that component may be
    // destroyed, and the state's $derived fields would go stale with it (Svelte's derived_inert).
    let made: ChatState | undefined;
    $effect.root(() => {
      made = new ChatState(app);
    });
    chat = made!;
    chats.set(app, chat);
  }
  return chat;
}
