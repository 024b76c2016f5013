/**
 * The messaging engine put together: database, network, account, conversations, outbox and
 * poller, behind the Core API. The worker runs one; tests and the devnet's echo peer run it under
 * Node with an in-memory IndexedDB. Sending and polling run only while the account is unlocked.
 */
import type { LockCost } from '../../wasm/passphrase.ts';
import { ready, sodiumVersion } from '../../wasm/sodium.ts';
import { parseSessionId } from '../../wasm/session-id.ts';
import { NETWORK_PATH } from '../shared/relay-api.ts';
import { ParleyError } from '../shared/errors.ts';
import type {
  AccountView,
  ConversationView,
  DisappearingMode,
  CoreListener,
  EngineApi,
  EngineStatus,
  InputCheck,
  MessageCursor,
  MessageView,
  NetworkInfo,
  NetworkState,
  OutboxSummary,
  Preferences,
} from './api.ts';
import { checkRecoveryPhrase, checkSessionId, newRecoveryPhrase } from './input-checks.ts';
import { createNetwork } from './net/network.ts';
import type { NetworkProfile } from './net/network-profile.ts';
import type { RetryPolicy } from './net/retry.ts';
import type { FetchLike } from './net/transport.ts';
import { AccountService, type NewAccountOptions, type RestoreOptions } from './services/account-service.ts';
import { AutoLock, DEFAULT_TIMERS, type Timers } from './services/auto-lock.ts';
import { OutboxSummaryWatch } from './services/outbox-summary.ts';
import { PreferencesService } from './services/preferences.ts';
import { PreviewWatch } from './services/preview-watch.ts';
import { AccountSession, type SessionState } from './services/account-session.ts';
import type { CoreContext } from './services/context.ts';
import { Conversations } from './services/conversations.ts';
import { ExpiryScheduler } from './services/expiry-scheduler.ts';
import { MessageActions } from './services/message-actions.ts';
import { AttachmentService } from './services/attachments.ts';
import { AttachmentUploader } from './services/attachment-uploader.ts';
import { prepareAttachment, readOutgoingFiles, type OutgoingFileInput } from './services/attachment-codec.ts';
import { ownSwarm } from './services/own-swarm.ts';
import { CoreEvents } from './services/events.ts';
import { Outbox, type OutboxOptions } from './services/outbox.ts';
import { Poller, type PollerOptions } from './services/poller.ts';
import { devnetPollerOptions } from './services/devnet-poll-override.ts';
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
  /**
   * On the devnet profile, ask the relay whether it sets a fixed polling pace for benchmarks
   * (services/devnet-poll-override.ts); the worker sets it, tests pass `poller` instead.
   */
  readonly pollOverrideFromRelay?: boolean;
  /** The auto-lock's timer (default: the global setTimeout); tests pass fake ones. */
  readonly timers?: Timers;
}

/** `options.poller`, or the devnet relay's fixed pace when asked to look for one. */
async function pollerOptions(options: CoreOptions, profile: NetworkProfile): Promise<PollerOptions | undefined> {
  if (options.pollOverrideFromRelay !== true) return options.poller;
  const fetchFn: FetchLike = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  return (await devnetPollerOptions(profile, fetchFn)) ?? options.poller;
}

/** Old seen hashes and last hashes are pruned this often (and at start). */
const PRUNE_INTERVAL_MS = 60 * 60_000;

export class Core implements EngineApi {
  private engineRunning = false;
  private engineChange: Promise<void> = Promise.resolve();
  private pruneTimer: ReturnType<typeof setInterval> | undefined;
  private readonly unsubscribers: (() => void)[] = [];
  private readonly preferences: PreferencesService;
  private readonly outboxSummary: OutboxSummaryWatch;
  private readonly previews: PreviewWatch;
  private readonly autoLock: AutoLock;
  private readonly expiry: ExpiryScheduler;
  private readonly actions: MessageActions;
  private readonly attachments: AttachmentService;
  private readonly uploader: AttachmentUploader;
  private readonly fetchFn: FetchLike;
  /** The devnet relay's echo peer, once the relay has named it. */
  private echoPeer: string | null = null;

  private constructor(
    private readonly ctx: CoreContext,
    private readonly accounts: AccountService,
    private readonly conversations: Conversations,
    private readonly outbox: Outbox,
    private readonly poller: Poller,
    options: CoreOptions,
  ) {
    this.preferences = new PreferencesService(ctx);
    this.outboxSummary = new OutboxSummaryWatch(ctx);
    this.previews = new PreviewWatch(ctx);
    this.autoLock = new AutoLock(ctx.clock, options.timers ?? DEFAULT_TIMERS, () => this.lock());
    this.expiry = new ExpiryScheduler(ctx, options.timers ?? DEFAULT_TIMERS);
    this.actions = new MessageActions(ctx, outbox);
    this.attachments = new AttachmentService(ctx);
    // The uploader retries on the outbox's schedule (tests shorten it for both).
    this.uploader = new AttachmentUploader(ctx, outbox, options.outbox?.schedule ? { schedule: options.outbox.schedule } : {});
    this.fetchFn = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  }

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
      new Poller(ctx, await pollerOptions(options, profile)),
      options,
    );
    core.unsubscribers.push(
      ctx.session.onChange((state) => void core.sessionChanged(state)),
      network.state.subscribe((status) => ctx.events.emit({ type: 'network', state: networkView(status) })),
      // Back online: the swarm changes that waited (deletes, read timers) go now.
      network.state.subscribe((status) => {
        if (status.kind === 'connected' && core.engineRunning) void ownSwarm(ctx).run();
      }),
      () => core.outboxSummary.stop(),
      () => core.previews.stop(),
    );
    const preferencesSubscription = ctx.events.subscribe((event) => {
      if (event.type === 'preferences') core.autoLock.setMinutes(event.preferences.autoLockMinutes);
    });
    core.unsubscribers.push(() => ctx.events.unsubscribe(preferencesSubscription));
    // Images and voice messages from contacts we have written to arrive by themselves (a preference).
    const autoDownloadSubscription = ctx.events.subscribe((event) => {
      if (event.type !== 'message_added' || event.message.direction !== 'incoming' || event.message.attachments.length === 0) return;
      core.attachments
        .autoDownload(event.message.id, async () => (await core.preferences.get()).autoDownloadMedia)
        .catch((error: unknown) => ctx.log(`attachments: auto-download not started (${error instanceof ParleyError ? error.code : 'internal'})`));
    });
    core.unsubscribers.push(() => ctx.events.unsubscribe(autoDownloadSubscription));
    core.autoLock.setMinutes((await core.preferences.get()).autoLockMinutes);
    await core.outboxSummary.refresh();
    // Local and needing no keys: what expired while the app was closed goes before anything is shown.
    await core.expiry.start();
    core.unsubscribers.push(() => core.expiry.stop());
    await core.accounts.load();
    core.pruneTimer = setInterval(() => void core.prune(), PRUNE_INTERVAL_MS);
    void core.prune();
    return core;
  }

  /** Stops sending and polling and closes the database. */
  async close(): Promise<void> {
    clearInterval(this.pruneTimer);
    this.autoLock.stop();
    for (const unsubscribe of this.unsubscribers.splice(0)) unsubscribe();
    await this.setEngine(false);
    this.ctx.session.cleared();
    this.ctx.db.close();
  }

  async status(): Promise<EngineStatus> {
    return { sodiumVersion: sodiumVersion(), received: this.poller.stats() };
  }

  // Account

  getAccount(): Promise<AccountView | null> {
    return this.accounts.view();
  }

  // The three pure ones need no engine; the worker answers them itself (never forwarded).
  async newRecoveryPhrase(): Promise<string> {
    this.autoLock.used();
    return newRecoveryPhrase();
  }

  async checkRecoveryPhrase(recoveryPhrase: string): Promise<InputCheck> {
    return checkRecoveryPhrase(recoveryPhrase);
  }

  async checkSessionId(sessionId: string): Promise<InputCheck> {
    return checkSessionId(sessionId);
  }

  createAccount(options: NewAccountOptions): Promise<AccountView> {
    this.autoLock.used();
    return this.accounts.create(options);
  }

  /** What the swarm still holds arrives through the poller, which polls at once when it starts. */
  restoreAccount(options: RestoreOptions): Promise<AccountView> {
    this.autoLock.used();
    return this.accounts.restore(options);
  }

  revealRecoveryPhrase(passphrase?: string): Promise<string> {
    this.autoLock.used();
    return this.accounts.revealRecoveryPhrase(passphrase);
  }

  setDisplayName(displayName: string): Promise<AccountView> {
    this.autoLock.used();
    return this.accounts.setDisplayName(displayName);
  }

  setPassphrase(passphrase: string, current?: string): Promise<AccountView> {
    this.autoLock.used();
    return this.accounts.setPassphrase(passphrase, current);
  }

  removePassphrase(current: string): Promise<AccountView> {
    this.autoLock.used();
    return this.accounts.removePassphrase(current);
  }

  unlock(passphrase: string): Promise<AccountView> {
    this.autoLock.used();
    return this.accounts.unlock(passphrase);
  }

  /** Resolves once sending and polling have stopped. */
  async lock(): Promise<AccountView> {
    const view = await this.accounts.lock();
    await this.engineChange;
    return view;
  }

  getPreferences(): Promise<Preferences> {
    return this.preferences.get();
  }

  setPreferences(changes: Partial<Preferences>): Promise<Preferences> {
    this.autoLock.used();
    return this.preferences.set(changes);
  }

  async deleteAccount(options: { fromNetwork: boolean }): Promise<void> {
    this.autoLock.used();
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
    this.autoLock.used();
    return this.conversations.open(sessionId);
  }

  listMessages(conversationId: string, options?: { before?: MessageCursor; limit?: number }): Promise<MessageView[]> {
    return this.conversations.messages(conversationId, options);
  }

  async sendMessage(conversationId: string, body: string): Promise<MessageView> {
    this.autoLock.used();
    return messageView(await this.outbox.queue(conversationId, body));
  }

  async sendAttachments(conversationId: string, files: readonly OutgoingFileInput[], caption: string): Promise<MessageView> {
    this.autoLock.used();
    if (typeof caption !== 'string') throw new ParleyError('invalid_argument', 'caption must be a string', { param: 'caption', problem: 'type' });
    this.ctx.session.identity(); // no_account / account_locked before reading and sealing the files
    const read = await readOutgoingFiles(files);
    const prepared = [];
    for (const file of read) prepared.push(await prepareAttachment(file));
    const record = await this.outbox.queueAttachments(conversationId, caption, prepared);
    this.uploader.kick();
    return messageView(record);
  }

  async retryMessage(messageId: number): Promise<void> {
    this.autoLock.used();
    // A message whose attachments are not all uploaded has no outbox entry yet: the uploader retries it.
    if (await this.uploader.owns(messageId)) return this.uploader.retry(messageId);
    return this.outbox.retry(messageId);
  }

  async markRead(conversationId: string): Promise<void> {
    await this.conversations.markRead(conversationId);
    await this.actions.read(conversationId);
  }

  setDisappearing(conversationId: string, mode: DisappearingMode | 'off', timerSeconds: number): Promise<ConversationView> {
    this.autoLock.used();
    return this.actions.setDisappearing(conversationId, mode, timerSeconds);
  }

  deleteMessage(messageId: number): Promise<void> {
    this.autoLock.used();
    return this.actions.deleteForMe(messageId);
  }

  unsendMessage(messageId: number): Promise<void> {
    this.autoLock.used();
    return this.actions.unsend(messageId);
  }

  downloadAttachment(messageId: number, index: number): Promise<void> {
    this.autoLock.used();
    return this.attachments.download(messageId, index);
  }

  async cancelAttachment(messageId: number, index: number): Promise<void> {
    this.attachments.cancel(messageId, index);
    // One of our messages still uploading its files: Stop means "do not send it" (Retry resumes).
    await this.uploader.cancel(messageId);
  }

  readAttachment(messageId: number, index: number): Promise<Blob> {
    this.autoLock.used();
    return this.attachments.read(messageId, index);
  }

  async setActiveConversation(conversationId: string | null): Promise<void> {
    this.autoLock.used();
    this.poller.setActiveConversation(conversationId);
  }

  async setVisible(visible: boolean): Promise<void> {
    // Coming back on screen is the person's doing; going away is not use.
    if (visible) this.autoLock.used();
    this.poller.setVisible(visible);
  }

  // Network

  async getNetworkState(): Promise<NetworkState> {
    return networkView(this.ctx.network.state.current);
  }

  async getNetworkInfo(): Promise<NetworkInfo> {
    const { profile } = this.ctx.network;
    return { profile: profile.name, relayUrl: profile.relayUrl, echoPeerSessionId: profile.name === 'devnet' ? await this.askEchoPeer() : null };
  }

  getOutboxSummary(): Promise<OutboxSummary> {
    return this.outboxSummary.current();
  }

  async rebuildPath(): Promise<void> {
    this.autoLock.used();
    await this.ctx.network.paths.rebuild();
  }

  /** The browser says the network is back: probe at once instead of waiting for the next backoff. */
  async networkMayBeBack(): Promise<void> {
    await this.outbox.networkMayBeBack();
    this.uploader.kick();
    this.poller.pollSoon();
  }

  async subscribe(listener: CoreListener): Promise<number> {
    return this.ctx.events.subscribe(listener);
  }

  async unsubscribe(subscriptionId: number): Promise<void> {
    this.ctx.events.unsubscribe(subscriptionId);
  }

  private sessionChanged(state: SessionState): Promise<void> {
    this.autoLock.setActive(state.kind === 'unlocked');
    return this.setEngine(state.kind === 'unlocked');
  }

  /**
   * The devnet relay names its echo peer in `GET /v1/network` (once the peer runs). Asked until it
   * answers with one; offline or absent is null, not an error: it is only a hint for the empty list.
   */
  private async askEchoPeer(): Promise<string | null> {
    if (this.echoPeer !== null) return this.echoPeer;
    try {
      const response = await this.fetchFn(new URL(NETWORK_PATH, this.ctx.network.profile.relayUrl).href, { method: 'GET' });
      const answer = (await response.json()) as { echoPeer?: unknown };
      if (typeof answer.echoPeer === 'string') this.echoPeer = parseSessionId(answer.echoPeer).sessionId;
    } catch {
      // Offline, or a relay without an echo peer (or a malformed one): no hint.
    }
    return this.echoPeer;
  }

  /** Starts or stops sending and polling; changes are applied one at a time, in order. */
  private setEngine(running: boolean): Promise<void> {
    this.engineChange = this.engineChange.then(async () => {
      if (running === this.engineRunning) return;
      this.engineRunning = running;
      if (running) {
        await this.outbox.start();
        this.uploader.start();
        await this.poller.start();
        void ownSwarm(this.ctx).run();
        this.ctx.log('core: engine started');
      } else {
        await Promise.all([this.uploader.stop(), this.outbox.stop(), this.poller.stop()]);
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
