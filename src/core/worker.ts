/**
 * The core's entry point: a dedicated module Web Worker. It exposes the Core API through Comlink
 * and nothing else. Secret keys live here, never on the UI thread.
 *
 * With several tabs open, only the worker that leads (tab-leadership.ts) opens the Core; the
 * others forward calls to it and relay its events (tab-forwarding.ts). Pure checks are answered
 * here in every tab, and calls carrying a secret run only in the leading tab (call-policy.ts).
 */
import { expose } from 'comlink';
import { ParleyError } from '../shared/errors.ts';
import { ready, sodiumVersion } from '../../wasm/sodium.ts';
import { NETWORK_PATH } from '../shared/relay-api.ts';
import { parseFileServerProfile } from '../shared/file-server-api.ts';
import { TAB_CHANNEL_NAME } from '../shared/tab-channel.ts';
import type { CoreApi, CoreEvent, CoreListener, EngineStatus } from './api.ts';
import { Core } from './core.ts';
import { registerErrorTransfer } from './errors-transfer.ts';
import { devnetProfile, mainnetProfile, type NetworkProfile } from './net/network-profile.ts';
import { CoreEvents } from './services/events.ts';
import { checkRecoveryPhrase, checkSessionId, newRecoveryPhrase } from './input-checks.ts';
import { FORWARD_TIMEOUT_MS, ForwardingClient, serveForwardedCalls, TabChannelCounter } from './tab-forwarding.ts';
import { awaitLeadership } from './tab-leadership.ts';
import { TabRouter } from './tab-router.ts';

declare const self: DedicatedWorkerGlobalScope;

registerErrorTransfer();

async function loadSodium(): Promise<void> {
  try {
    await ready();
  } catch (cause) {
    // The raw failure (e.g. WebAssembly refused by a CSP) stays in the worker's console; the UI gets a code.
    console.error('libsodium failed to initialise', cause);
    throw new ParleyError('sodium_not_ready', 'libsodium failed to initialise in the worker');
  }
}

// Start loading libsodium at once, so it is (nearly) ready when the UI first asks.
const sodiumLoaded = loadSodium();
sodiumLoaded.catch(() => undefined); // reported through status(); no unhandled rejection meanwhile

/**
 * The network profile: the one stored with this device's data, or — the first time — the one the
 * relay that serves the app says it fronts. The relay is the app's origin.
 */
async function networkProfile(stored: NetworkProfile['name'] | undefined): Promise<NetworkProfile> {
  const origin = self.location.origin;
  const answer = await askRelay(origin);
  const name = stored ?? answer?.network;
  if (name === undefined) throw new ParleyError('network_offline', 'the relay could not say which network it fronts');
  if (name === 'mainnet') return mainnetProfile(origin);
  // A devnet's file server keys change when it is reset: taken from its relay at each start.
  return devnetProfile(origin, { fileServer: answer?.network === 'devnet' ? parseFileServerProfile(answer.fileServer) : undefined });
}

/** The relay's `GET /v1/network`, or undefined when it cannot be had (offline). */
async function askRelay(origin: string): Promise<{ network: NetworkProfile['name']; fileServer?: unknown } | undefined> {
  try {
    const answer = (await (await fetch(new URL(NETWORK_PATH, origin))).json()) as { network?: unknown; fileServer?: unknown };
    if (answer.network === 'mainnet' || answer.network === 'devnet') return { network: answer.network, fileServer: answer.fileServer };
  } catch {
    // Offline: a stored network still starts; on the very first start, reported as the engine not starting.
  }
  return undefined;
}

const localEvents = new CoreEvents();
const channel = new BroadcastChannel(TAB_CHANNEL_NAME);
/** What this worker drops from the channel, as follower and as leader (status().tabChannel). */
const channelCounter = new TabChannelCounter();
const follower = new ForwardingClient(channel, crypto.randomUUID(), (event) => localEvents.emit(event), { counter: channelCounter });
/** Set the moment this worker wins the lock: from then on calls wait for its own Core. */
let leading: Promise<Core> | undefined;
let wonLeadership: () => void = () => undefined;
const leadershipWon = new Promise<void>((resolve) => (wonLeadership = resolve));

void awaitLeadership(navigator.locks, async () => {
  leading = openLeaderCore();
  wonLeadership();
  // Calls already forwarded would wait for a leader that is now this tab: they fail over to it.
  follower.close();
  await leading;
}).catch((error: unknown) => console.error('the engine could not start in this tab', error));

async function openLeaderCore(): Promise<Core> {
  await sodiumLoaded;
  const core = await Core.open({ profile: networkProfile, log: (line) => console.info(line), pollOverrideFromRelay: true });
  // Announce first, so followers know this leader's id before its first event.
  const leader = serveForwardedCalls(channel, core, { counter: channelCounter });
  await core.subscribe((event: CoreEvent) => {
    localEvents.emit(event);
    leader.broadcast(event);
  });
  self.addEventListener('online', () => void core.networkMayBeBack());
  return core;
}

const router = new TabRouter({ follower, leading: () => leading, leadershipWon, roleTimeoutMs: FORWARD_TIMEOUT_MS });

/** Runs a Core API call on this worker's Core when it leads, else (if its policy allows) on the leading tab's. */
function call<K extends keyof CoreApi>(method: K, ...args: Parameters<CoreApi[K]>): ReturnType<CoreApi[K]> {
  return router.call(method, args) as ReturnType<CoreApi[K]>;
}

/** A pure answer of this tab's own, once libsodium is loaded. */
async function own<T>(answer: () => T): Promise<T> {
  await sodiumLoaded;
  return answer();
}

const api: CoreApi = {
  async status() {
    await sodiumLoaded;
    // The engine's status, from whichever tab runs it; this tab's own libsodium and channel count go on top.
    const status = (await router.call('status', [])) as EngineStatus;
    return { ...status, sodiumVersion: sodiumVersion(), tabChannel: channelCounter.stats() };
  },
  getAccount: () => call('getAccount'),
  newRecoveryPhrase: () => own(newRecoveryPhrase),
  createAccount: (options) => call('createAccount', options),
  restoreAccount: (options) => call('restoreAccount', options),
  checkRecoveryPhrase: (phrase) => own(() => checkRecoveryPhrase(phrase)),
  revealRecoveryPhrase: (passphrase) => call('revealRecoveryPhrase', passphrase),
  setDisplayName: (name) => call('setDisplayName', name),
  setPassphrase: (passphrase, current) => call('setPassphrase', passphrase, current),
  removePassphrase: (current) => call('removePassphrase', current),
  unlock: (passphrase) => call('unlock', passphrase),
  lock: () => call('lock'),
  getPreferences: () => call('getPreferences'),
  setPreferences: (changes) => call('setPreferences', changes),
  deleteAccount: (options) => call('deleteAccount', options),
  listConversations: () => call('listConversations'),
  checkSessionId: (sessionId) => own(() => checkSessionId(sessionId)),
  openConversation: (sessionId) => call('openConversation', sessionId),
  listMessages: (conversationId, options) => call('listMessages', conversationId, options),
  sendMessage: (conversationId, body) => call('sendMessage', conversationId, body),
  sendAttachments: (conversationId, files, caption) => call('sendAttachments', conversationId, files, caption),
  retryMessage: (messageId) => call('retryMessage', messageId),
  markRead: (conversationId) => call('markRead', conversationId),
  setDisappearing: (conversationId, mode, timerSeconds) => call('setDisappearing', conversationId, mode, timerSeconds),
  deleteMessage: (messageId) => call('deleteMessage', messageId),
  unsendMessage: (messageId) => call('unsendMessage', messageId),
  downloadAttachment: (messageId, index) => call('downloadAttachment', messageId, index),
  cancelAttachment: (messageId, index) => call('cancelAttachment', messageId, index),
  readAttachment: (messageId, index) => call('readAttachment', messageId, index),
  setActiveConversation: (conversationId) => call('setActiveConversation', conversationId),
  setVisible: (visible) => call('setVisible', visible),
  getNetworkState: () => call('getNetworkState'),
  getNetworkInfo: () => call('getNetworkInfo'),
  getOutboxSummary: () => call('getOutboxSummary'),
  rebuildPath: () => call('rebuildPath'),
  networkMayBeBack: () => call('networkMayBeBack'),
  // Listeners are this tab's own: events reach them from the local Core or from the leading tab.
  subscribe: async (listener: CoreListener) => localEvents.subscribe(listener),
  unsubscribe: async (id: number) => localEvents.unsubscribe(id),
};

expose(api);
