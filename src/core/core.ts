/**
 * The messaging engine put together: database, network, account, conversations, outbox and
 * poller, behind the Core API. The worker runs one; tests and the devnet's echo peer run it under
 * Node with an in-memory IndexedDB. Sending and polling run only while the account is unlocked.
 */
import type { LockCost } from '../../wasm/passphrase.ts';
import { ready, sodiumVersion } from '../../wasm/sodium.ts';
import type {
  AccountView,
  ConversationView,
  CoreApi,
  CoreListener,
  CoreStatus,
  MessageCursor,
  MessageView,
  NetworkState,
} from './api.ts';
import { createNetwork } from './net/network.ts';
import type { NetworkProfile } from './net/network-profile.ts';
import type { RetryPolicy } from './net/retry.ts';
import type { FetchLike } from './net/transport.ts';
import { AccountService } from './services/account-service.ts';
import { AccountSession, type SessionState } from './services/account-session.ts';
import type { CoreContext } from './services/context.ts';
import { Conversations } from './services/conversations.ts';
import { CoreEvents } from './services/events.ts';
import { Outbox, type OutboxOptions } from './services/outbox.ts';
import { Poller, type PollerOptions } from './services/poller.ts';
import { messageView, networkView } from './services/views.ts';
import {
  createNetStore,
  getSetting,
  openParleyDatabase,
  setSetting,
  pruneLastHashes,
  pruneSeenHashes,
  type ParleyDB,
} from './store/index.ts';
import type { IndexedDBFactory } from './store/idb-env.ts';

/**
 * The network is chosen once per database: given outright (tests, the echo peer), or decided by a
 * resolver that is told the stored choice, if any (the worker asks the relay only the first time).
 */
export type ProfileChoice = NetworkProfile | ((stored: NetworkProfile['name'] | undefined) => Promise<NetworkProfile>);

export interface CoreOptions {
  readonly profile: ProfileChoice;
  /** Default: the environment's `indexedDB` (the browser's; fake-indexeddb under Node). */
  readonly indexedDB?: IndexedDBFactory;
  readonly databaseName?: string;
  readonly fetch?: FetchLike;
  readonly clock?: () => number;
  readonly log?: (line: string) => void;
  readonly lockCost?: LockCost;
  /** One network request's retries (default: net/retry.ts's); tests shorten them. */
  readonly retryPolicy?: RetryPolicy;
  readonly outbox?: OutboxOptions;
  readonly poller?: PollerOptions;
}

/** Old seen hashes and last hashes are pruned this often (and at start). */
const PRUNE_INTERVAL_MS = 60 * 60_000;

export class Core implements CoreApi {
  private engineRunning = false;
  private engineChange: Promise<void> = Promise.resolve();
  private pruneTimer: ReturnType<typeof setInterval> | undefined;
  private readonly unsubscribers: (() => void)[] = [];

  private constructor(
    private readonly ctx: CoreContext,
    private readonly accounts: AccountService,
    private readonly conversations: Conversations,
    private readonly outbox: Outbox,
    private readonly poller: Poller,
  ) {}

  /** Opens the database, loads the account and, when it is unlocked, starts sending and polling. */
  static async open(options: CoreOptions): Promise<Core> {
    await ready();
    const clock = options.clock ?? Date.now;
    const log = options.log ?? (() => undefined);
    const db: ParleyDB = await openParleyDatabase({
      ...(options.indexedDB ? { indexedDB: options.indexedDB } : {}),
      ...(options.databaseName ? { name: options.databaseName } : {}),
    });
    const profile = typeof options.profile === 'function' ? await options.profile(await getSetting(db, 'networkProfile')) : options.profile;
    await setSetting(db, 'networkProfile', profile.name);
    const network = createNetwork({
      profile,
      store: createNetStore(db),
      clock,
      log,
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.retryPolicy ? { retryPolicy: options.retryPolicy } : {}),
    });
    const ctx: CoreContext = { db, network, session: new AccountSession(), events: new CoreEvents(), clock, log };
    const core = new Core(
      ctx,
      new AccountService(ctx, options.lockCost ? { lockCost: options.lockCost } : {}),
      new Conversations(ctx),
      new Outbox(ctx, options.outbox),
      new Poller(ctx, options.poller),
    );
    core.unsubscribers.push(
      ctx.session.onChange((state) => core.sessionChanged(state)),
      network.state.subscribe((status) => ctx.events.emit({ type: 'network', state: networkView(status) })),
    );
    await core.accounts.load();
    core.pruneTimer = setInterval(() => void core.prune(), PRUNE_INTERVAL_MS);
    void core.prune();
    return core;
  }

  /** Stops sending and polling and closes the database. */
  async close(): Promise<void> {
    clearInterval(this.pruneTimer);
    for (const unsubscribe of this.unsubscribers.splice(0)) unsubscribe();
    await this.setEngine(false);
    this.ctx.session.cleared();
    this.ctx.db.close();
  }

  async status(): Promise<CoreStatus> {
    return { sodiumVersion: sodiumVersion(), received: this.poller.stats() };
  }

  // Account

  getAccount(): Promise<AccountView | null> {
    return this.accounts.view();
  }

  createAccount(displayName?: string): Promise<{ account: AccountView; recoveryPhrase: string }> {
    return this.accounts.create(displayName);
  }

  async restoreAccount(recoveryPhrase: string): Promise<AccountView> {
    const account = await this.accounts.restore(recoveryPhrase);
    // What the swarm still holds arrives through the poller, which polls at once when it starts.
    return account;
  }

  async revealRecoveryPhrase(): Promise<string> {
    return this.accounts.revealRecoveryPhrase();
  }

  setDisplayName(displayName: string): Promise<AccountView> {
    return this.accounts.setDisplayName(displayName);
  }

  setPassphrase(passphrase: string, current?: string): Promise<AccountView> {
    return this.accounts.setPassphrase(passphrase, current);
  }

  removePassphrase(current: string): Promise<AccountView> {
    return this.accounts.removePassphrase(current);
  }

  unlock(passphrase: string): Promise<AccountView> {
    return this.accounts.unlock(passphrase);
  }

  async deleteAccount(options: { fromNetwork: boolean }): Promise<void> {
    // The engine stops first: nothing may be sent or stored for an account being deleted.
    await this.setEngine(false);
    try {
      await this.accounts.delete(options);
    } finally {
      await this.sessionChanged(this.ctx.session.current);
    }
  }

  // Conversations and messages

  listConversations(): Promise<ConversationView[]> {
    return this.conversations.list();
  }

  openConversation(sessionId: string): Promise<ConversationView> {
    return this.conversations.open(sessionId);
  }

  listMessages(conversationId: string, options?: { before?: MessageCursor; limit?: number }): Promise<MessageView[]> {
    return this.conversations.messages(conversationId, options);
  }

  async sendMessage(conversationId: string, body: string): Promise<MessageView> {
    return messageView(await this.outbox.queue(conversationId, body));
  }

  retryMessage(messageId: number): Promise<void> {
    return this.outbox.retry(messageId);
  }

  markRead(conversationId: string): Promise<void> {
    return this.conversations.markRead(conversationId);
  }

  async setActiveConversation(conversationId: string | null): Promise<void> {
    this.poller.setActiveConversation(conversationId);
  }

  async setVisible(visible: boolean): Promise<void> {
    this.poller.setVisible(visible);
  }

  // Network

  async getNetworkState(): Promise<NetworkState> {
    return networkView(this.ctx.network.state.current);
  }

  async rebuildPath(): Promise<void> {
    await this.ctx.network.paths.rebuild();
  }

  /** The browser says the network is back: probe at once instead of waiting for the next backoff. */
  async networkMayBeBack(): Promise<void> {
    await this.outbox.networkMayBeBack();
    this.poller.pollSoon();
  }

  async subscribe(listener: CoreListener): Promise<number> {
    return this.ctx.events.subscribe(listener);
  }

  async unsubscribe(subscriptionId: number): Promise<void> {
    this.ctx.events.unsubscribe(subscriptionId);
  }

  private sessionChanged(state: SessionState): Promise<void> {
    return this.setEngine(state.kind === 'unlocked');
  }

  /** Starts or stops sending and polling; changes are applied one at a time, in order. */
  private setEngine(running: boolean): Promise<void> {
    this.engineChange = this.engineChange.then(async () => {
      if (running === this.engineRunning) return;
      this.engineRunning = running;
      if (running) {
        await this.outbox.start();
        await this.poller.start();
        this.ctx.log('core: engine started');
      } else {
        await Promise.all([this.outbox.stop(), this.poller.stop()]);
        this.ctx.log('core: engine stopped');
      }
    });
    return this.engineChange;
  }

  private async prune(): Promise<void> {
    const now = this.ctx.clock();
    try {
      await pruneSeenHashes(this.ctx.db, now);
      await pruneLastHashes(this.ctx.db, now);
    } catch {
      // Pruning is housekeeping: a failure (e.g. the database closing) is retried at the next interval.
    }
  }
}
