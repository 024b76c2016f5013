/**
 * The Core API: everything the UI may ask of the messaging engine in the worker.
 * The UI imports these with `import type` only, so no core code ends up on the main thread.
 * Every method returns a Promise (it crosses the worker boundary through Comlink), and every
 * failure arrives as a ParleyError with a `code` the UI turns into a sentence.
 * No secret key ever crosses this boundary; the recovery phrase does only on explicit request.
 */
import type { ErrorCode, ErrorDetails } from '../shared/errors.ts';

export interface CoreStatus {
  /** libsodium's own version string, e.g. "1.0.20". */
  readonly sodiumVersion: string;
  /** What the poller has taken in since the engine started, junk counted by error code. */
  readonly received: ReceiveStats;
  /** What this tab's worker dropped from the tabs' channel since it started (its own count, not the leading tab's). */
  readonly tabChannel: TabChannelStats;
}

/** The engine's own part of the status (the leading tab's); each tab's worker adds its `tabChannel` count. */
export type EngineStatus = Omit<CoreStatus, 'tabChannel'>;

/**
 * Messages on the tabs' BroadcastChannel that a worker dropped. Any script on the origin can post
 * there, so these are where a forgery, or a bug, shows (docs/SECURITY.md).
 */
export interface TabChannelStats {
  /** Matched none of the channel's message shapes (src/shared/tab-channel.ts). */
  readonly malformed: number;
  /**
   * Well-formed but not expected: a result or event under another leader's id, an answer to no
   * waiting call, a leader's message heard by a leader. A few can be honest: an event posted
   * while this tab was still learning who leads.
   */
  readonly unexpected: number;
}

export interface ReceiveStats {
  /** Messages stored (incoming, and sync copies of our own), and unsend requests applied (a tombstone written). */
  readonly stored: number;
  /** Already known: the same hash, or the same (sender, sent time) under another hash. */
  readonly duplicates: number;
  /** Well-formed but not shown yet (typing, receipts, reactions …), by kind. */
  readonly ignored: Readonly<Record<string, number>>;
  /** Dropped: undecryptable, badly signed, malformed, refused — by error code ('internal': not a coded error, a bug of ours). */
  readonly junk: Readonly<Partial<Record<ErrorCode, number>>>;
}

export interface AccountView {
  readonly sessionId: string;
  readonly displayName: string | null;
  /** A passphrase protects the seed at rest. */
  readonly hasPassphrase: boolean;
  /** The seed is encrypted and not yet unlocked in this session: messaging is paused. */
  readonly locked: boolean;
  /** The wait, as of this view, before a passphrase may be tried again after too many wrong ones (0: none). */
  readonly passphraseRetryAfterMs: number;
}

/** Disappearing messages: which timer and how long (seconds); client-protocol.md §8, docs/disappearing.md. */
export type DisappearingMode = 'after_send' | 'after_read';
export interface DisappearingSetting {
  readonly mode: DisappearingMode;
  readonly timerSeconds: number;
}

/**
 * What a message record is: 'text' a visible message; 'disappearing_changed' someone set the
 * timer (`disappearing` is the new setting, null = off; the UI builds the sentence);
 * 'unsent' its author deleted it for everyone ("This message was deleted").
 */
export type MessageKind = 'text' | 'disappearing_changed' | 'unsent';

export interface ConversationView {
  /** The peer's Session ID. */
  readonly id: string;
  readonly displayName: string | null;
  readonly createdAt: number;
  /** The last message's time, or the creation time of an empty conversation: orders the list. */
  readonly lastActivityAt: number;
  readonly unreadCount: number;
  /** The newest message, for the conversation list; null in an empty conversation. */
  readonly lastMessage: MessagePreview | null;
  /** The conversation's disappearing-messages timer; null: off. */
  readonly disappearing: DisappearingSetting | null;
}

export interface MessagePreview {
  readonly kind: MessageKind;
  readonly direction: 'incoming' | 'outgoing';
  /** The start of the body (its first 200 characters): enough for a one-line preview. */
  readonly body: string;
  readonly sentAt: number;
  /** Outgoing messages only. */
  readonly status: OutgoingStatus | null;
  /** The files it carries (null: none), so a message that is only files still has a preview. */
  readonly attachments: AttachmentsPreview | null;
}

/** What the list says about a message's files: how many, and what the first one claims to be. */
export interface AttachmentsPreview {
  readonly count: number;
  readonly firstFileName: string;
  readonly firstContentType: string;
  readonly firstIsVoiceMessage: boolean;
}

/** The answer to a check made as the person types: nothing is stored, nothing is thrown. */
export type InputCheck =
  | { readonly ok: true }
  | { readonly ok: false; readonly code: ErrorCode; readonly details: ErrorDetails };

/** What this device is set to; kept with its data, the same in every tab. */
export interface Preferences {
  /** Lock the account after this many minutes without use; null: never. Needs a passphrase. */
  readonly autoLockMinutes: number | null;
  /** New-message notifications while the app is hidden: none, without the sender, or with the sender's name. */
  readonly notifications: 'off' | 'anonymous' | 'with_sender';
  /**
   * Images and voice messages from a contact one has written to download by themselves (default
   * on); never from someone one has not written to, and never other files.
   */
  readonly autoDownloadMedia: boolean;
}

/** Read-only facts for Settings → Network and About. */
export interface NetworkInfo {
  readonly profile: 'devnet' | 'mainnet';
  /** The relay the worker talks to (the app's origin). */
  readonly relayUrl: string;
  /** On the devnet: the echo peer's Session ID (an account that answers every message), for the empty list's hint. */
  readonly echoPeerSessionId: string | null;
}

/** What the outbox still holds: messages written on this device and not yet in their recipient's swarm. */
export interface OutboxSummary {
  /** Queued, sending or waiting to retry; failed ones are not counted (they wait for the person). */
  readonly pending: number;
  readonly failed: number;
}

export type OutgoingStatus = 'queued' | 'sending' | 'sent' | 'failed';

/**
 * Where an attachment is: outgoing 'queued' → 'uploading' → 'sent'; incoming 'available' (not
 * fetched) → 'downloading' → 'downloaded'; either may be 'failed' (with a code) or 'cancelled'.
 */
export type AttachmentState = 'queued' | 'uploading' | 'sent' | 'available' | 'downloading' | 'downloaded' | 'failed' | 'cancelled';

/** A file to send: what the person picked, with the dimensions of an image and the voice-message flag. */
export interface OutgoingFile {
  readonly name: string;
  /** The type the browser claims; sent as the pointer's contentType. */
  readonly type: string;
  readonly data: Blob;
  readonly width?: number;
  readonly height?: number;
  readonly voiceMessage?: boolean;
}

/** One attachment of a message as the UI sees it: no key, no digest, no URL. docs/attachments.md. */
export interface AttachmentView {
  /** Its position in the message, the sender's order. */
  readonly index: number;
  readonly fileName: string;
  /** The type the sender claims: shown, never trusted for rendering (sniff the bytes first). */
  readonly contentType: string;
  /** The size the sender claims (bytes), shown before a download; null when unknown. */
  readonly size: number | null;
  readonly width: number | null;
  readonly height: number | null;
  readonly voiceMessage: boolean;
  readonly state: AttachmentState;
  /** 1 once uploaded or downloaded, else 0: the live fraction of a transfer comes as `attachment_progress`. */
  readonly progress: number;
  /** Why it failed (state 'failed'), e.g. attachment_malformed, attachment_mac_invalid, file_not_found. */
  readonly failureCode: ErrorCode | null;
}

export interface MessageView {
  /** Local id, stable on this device. */
  readonly id: number;
  readonly conversationId: string;
  readonly direction: 'incoming' | 'outgoing';
  readonly senderSessionId: string;
  /** The sender's timestamp (ms): the message's identity across devices. */
  readonly sentAt: number;
  readonly receivedAt: number;
  readonly body: string;
  /** Outgoing messages only. */
  readonly status: OutgoingStatus | null;
  /** Why the last attempt failed (an error code), for a failed or retrying outgoing message. */
  readonly failureCode: ErrorCode | null;
  readonly kind: MessageKind;
  /** 'text': the timer the message carries; 'disappearing_changed': the new setting. Null: off. */
  readonly disappearing: DisappearingSetting | null;
  /** When it disappears (ms, device clock), once its timer runs; null: no timer, or not read yet. */
  readonly expiresAt: number | null;
  /** Its attachments, in the sender's order (empty: none). */
  readonly attachments: readonly AttachmentView[];
}

/** A position in a conversation, for paging back: the oldest message shown so far. */
export interface MessageCursor {
  readonly sentAt: number;
  readonly id: number;
}

export interface PathNodeView {
  readonly role: 'guard' | 'relay' | 'destination';
  /** Short Ed25519 key, e.g. "8a88…6f5c". */
  readonly shortKey: string;
}

export type NetworkState =
  | { readonly kind: 'offline' }
  | { readonly kind: 'building_path' }
  | {
      readonly kind: 'connected';
      /** The onion path: the guard, then two relays. */
      readonly path: readonly PathNodeView[];
      /** The service node the last request through this path was for (a member of a swarm), when known. */
      readonly lastDestination: PathNodeView | null;
    };

export type CoreEvent =
  | { readonly type: 'account'; readonly account: AccountView | null }
  | { readonly type: 'message_added'; readonly message: MessageView }
  /** A message changed in place: it became a tombstone ('unsent'), or its read timer started. */
  | { readonly type: 'message_changed'; readonly message: MessageView }
  /** Messages gone from this device: expired, deleted for me, or a note to self unsent. */
  | { readonly type: 'messages_removed'; readonly conversationId: string; readonly messageIds: readonly number[] }
  /**
   * A transfer in flight, in steps of ≥ 5 %: an incoming attachment's download (0..1 of the file
   * received) or an outgoing one's upload (0..1 sent; each attempt starts with 0). States change
   * with `message_changed`; the message's direction tells which it is.
   */
  | { readonly type: 'attachment_progress'; readonly messageId: number; readonly index: number; readonly progress: number }
  | { readonly type: 'message_status'; readonly messageId: number; readonly conversationId: string; readonly status: OutgoingStatus; readonly failureCode: ErrorCode | null }
  | { readonly type: 'conversation'; readonly conversation: ConversationView }
  | { readonly type: 'network'; readonly state: NetworkState }
  | { readonly type: 'outbox'; readonly outbox: OutboxSummary }
  | { readonly type: 'preferences'; readonly preferences: Preferences };

export type CoreListener = (event: CoreEvent) => void;

/** What the Core class answers: the Core API, its status without the tabs' channel count (worker.ts adds it). */
export type EngineApi = Omit<CoreApi, 'status'> & { status(): Promise<EngineStatus> };

export interface CoreApi {
  /** Resolves once the engine is ready to work (libsodium loaded), with what it runs on; rejects with `sodium_not_ready` if libsodium could not start. */
  status(): Promise<CoreStatus>;

  // Account
  getAccount(): Promise<AccountView | null>;
  /**
   * 16 fresh random bytes as a 13-word phrase, for the person to write down before anything is
   * stored. Answered by this tab's own worker; nothing is kept.
   */
  newRecoveryPhrase(): Promise<string>;
  /**
   * Creates the account from a phrase `newRecoveryPhrase` made. With a passphrase the seed is
   * written already locked: it is never on disk in the clear.
   */
  createAccount(options: { recoveryPhrase: string; displayName: string; passphrase?: string }): Promise<AccountView>;
  /** Restores from a 13-word phrase (locked at once with a passphrase) and fetches what the account's swarm still holds. */
  restoreAccount(options: { recoveryPhrase: string; displayName?: string; passphrase?: string }): Promise<AccountView>;
  /**
   * Checks a phrase as it is typed (spaces and capitals do not matter): the first unknown word, the
   * word count, the checksum. Answered by this tab's own worker; nothing is stored.
   */
  checkRecoveryPhrase(recoveryPhrase: string): Promise<InputCheck>;
  /** The recovery phrase, on the person's explicit request; `passphrase` is required when one is set. */
  revealRecoveryPhrase(passphrase?: string): Promise<string>;
  setDisplayName(displayName: string): Promise<AccountView>;
  /** Sets or changes the passphrase; `current` is required when one is set. */
  setPassphrase(passphrase: string, current?: string): Promise<AccountView>;
  removePassphrase(current: string): Promise<AccountView>;
  unlock(passphrase: string): Promise<AccountView>;
  /** Forgets the unlocked seed: messaging pauses until `unlock`. Needs a passphrase. */
  lock(): Promise<AccountView>;
  getPreferences(): Promise<Preferences>;
  setPreferences(changes: Partial<Preferences>): Promise<Preferences>;
  /** Deletes the account from this device; with `fromNetwork`, first deletes everything its swarm holds. */
  deleteAccount(options: { fromNetwork: boolean }): Promise<void>;

  // Conversations and messages
  listConversations(): Promise<ConversationView[]>;
  /** Checks a Session ID as it is typed or pasted (wrong length, prefix, not hex …). Answered by this tab's own worker. */
  checkSessionId(sessionId: string): Promise<InputCheck>;
  /** Validates the Session ID (coded errors say what is wrong) and opens or creates the conversation. */
  openConversation(sessionId: string): Promise<ConversationView>;
  /** The latest `limit` messages (default 50) before `before` (a message's sentAt and id), oldest first. */
  listMessages(conversationId: string, options?: { before?: MessageCursor; limit?: number }): Promise<MessageView[]>;
  /** Writes the message to disk first (status `queued`), then sends it when the network allows. */
  sendMessage(conversationId: string, body: string): Promise<MessageView>;
  /**
   * Sends 1 to 32 files with an optional caption (docs/attachments.md): each is sealed in the worker,
   * and the message is on disk at once ('queued', its attachments 'queued'); each file is then
   * uploaded through an onion to the file server (states 'uploading', 'sent'), and the message goes
   * to the outbox once all are up — once, even across reloads. Errors: `invalid_argument`,
   * `attachment_too_large` {size, limit, index}, `message_too_long` (caption), `account_locked`.
   */
  sendAttachments(conversationId: string, files: readonly OutgoingFile[], caption: string): Promise<MessageView>;
  retryMessage(messageId: number): Promise<void>;
  /** Clears the unread count and starts the timers of the delete-after-read messages now read. */
  markRead(conversationId: string): Promise<void>;
  /**
   * Sets the conversation's disappearing timer (`mode` 'off' ignores the timer) and tells the peer
   * and our other devices; records a 'disappearing_changed' message. `timerSeconds` must be one
   * Session offers for the mode (§8); `invalid_argument` otherwise.
   */
  setDisappearing(conversationId: string, mode: DisappearingMode | 'off', timerSeconds: number): Promise<ConversationView>;
  /**
   * Delete for me: removes the message from this device and its copies from our own swarm; a
   * message still in the outbox is never sent. `message_not_found` when it is not there.
   */
  deleteMessage(messageId: number): Promise<void>;
  /**
   * Unsend (delete for everyone) of our own message: the recipient is asked to delete it, our
   * swarm's copies are deleted and ours becomes 'unsent'. A message not yet in the recipient's
   * swarm is simply cancelled (removed). `message_not_own` for someone else's message.
   */
  unsendMessage(messageId: number): Promise<void>;
  /**
   * Downloads attachment `index` of a message through an onion to the file server and decrypts it
   * in the worker; resolves once its bytes are on this device. Its state moves available →
   * downloading → downloaded (or failed with the code, or cancelled), each with `message_changed`.
   * docs/attachments.md.
   */
  downloadAttachment(messageId: number, index: number): Promise<void>;
  /**
   * Stops that attachment's download in flight (its downloadAttachment rejects with `aborted`).
   * On one of our messages whose files are not all uploaded yet, stops sending the message: it
   * becomes 'failed' with `aborted` (its unfinished attachments 'cancelled'), its upload in flight
   * is aborted, and nothing is sent until retryMessage. Once handed to the outbox, too late: it is sent.
   */
  cancelAttachment(messageId: number, index: number): Promise<void>;
  /** A downloaded attachment's bytes, typed application/octet-stream: sniff before rendering. */
  readAttachment(messageId: number, index: number): Promise<Blob>;

  // What the person is looking at (drives the polling interval)
  setActiveConversation(conversationId: string | null): Promise<void>;
  setVisible(visible: boolean): Promise<void>;

  // Network
  getNetworkState(): Promise<NetworkState>;
  getNetworkInfo(): Promise<NetworkInfo>;
  getOutboxSummary(): Promise<OutboxSummary>;
  rebuildPath(): Promise<void>;
  /**
   * The page heard the browser's `online` event: the engine probes the network at once instead of
   * waiting for its next backoff (the worker listens too, but a network change that is only
   * emulated, as by Playwright's setOffline, reaches pages and not workers).
   */
  networkMayBeBack(): Promise<void>;

  /** Events from the engine; returns an id for `unsubscribe`. The listener is a Comlink proxy. */
  subscribe(listener: CoreListener): Promise<number>;
  unsubscribe(subscriptionId: number): Promise<void>;
}
