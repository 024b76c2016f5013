/**
 * Where each Core API call runs when several tabs are open (docs/core.md "Tabs"). One table, typed
 * by the Core API's own method names, so a new method does not compile until it is classified.
 *
 * - `local`: answered by this tab's own worker, never sent to another tab (pure checks, a fresh
 *   phrase, and the event subscription, which is each tab's own).
 * - `repeatable`: forwarded to the leading tab; posted again to a new leader if the old one went
 *   away before answering (reads, and changes that do no harm when run twice).
 * - `once`: forwarded, but never posted again after a leader change: it may have run already.
 * - `leader_only`: carries a recovery phrase or a passphrase, in or out. Run only by a tab whose
 *   own worker runs the engine; a follower refuses it with `secret_needs_leader_tab`, so no secret
 *   is ever put on the tabs' BroadcastChannel (every script on the origin hears it).
 */
import type { CoreApi } from './api.ts';

export type CallPolicy = 'local' | 'repeatable' | 'once' | 'leader_only';

export const CALL_POLICY: { readonly [K in keyof CoreApi]: CallPolicy } = {
  status: 'repeatable',
  getAccount: 'repeatable',
  newRecoveryPhrase: 'local',
  createAccount: 'leader_only',
  restoreAccount: 'leader_only',
  checkRecoveryPhrase: 'local',
  revealRecoveryPhrase: 'leader_only',
  setDisplayName: 'repeatable',
  setPassphrase: 'leader_only',
  removePassphrase: 'leader_only',
  unlock: 'leader_only',
  lock: 'once',
  getPreferences: 'repeatable',
  setPreferences: 'repeatable',
  deleteAccount: 'once',
  listConversations: 'repeatable',
  checkSessionId: 'local',
  openConversation: 'repeatable',
  listMessages: 'repeatable',
  sendMessage: 'once',
  // Writes a new message: never posted twice after a leader change.
  sendAttachments: 'once',
  retryMessage: 'repeatable',
  markRead: 'repeatable',
  setDisappearing: 'repeatable',
  deleteMessage: 'repeatable',
  // Sends a request: never posted twice after a leader change.
  unsendMessage: 'once',
  // A second download of the same attachment joins the first (or finds it done); reads change nothing.
  downloadAttachment: 'repeatable',
  cancelAttachment: 'repeatable',
  readAttachment: 'repeatable',
  setActiveConversation: 'repeatable',
  setVisible: 'repeatable',
  getNetworkState: 'repeatable',
  getNetworkInfo: 'repeatable',
  getOutboxSummary: 'repeatable',
  rebuildPath: 'repeatable',
  networkMayBeBack: 'repeatable',
  subscribe: 'local',
  unsubscribe: 'local',
};

export function callPolicy(method: string): CallPolicy | undefined {
  return Object.hasOwn(CALL_POLICY, method) ? CALL_POLICY[method as keyof CoreApi] : undefined;
}

/** Forwarded over the tabs' channel at all (and so the only methods a leader runs for another tab). */
export function isForwardable(method: string): boolean {
  const policy = callPolicy(method);
  return policy === 'repeatable' || policy === 'once';
}

export function isRepeatable(method: string): boolean {
  return callPolicy(method) === 'repeatable';
}
