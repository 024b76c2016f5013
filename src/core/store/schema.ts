/**
 * The one IndexedDB schema of the core: every store, its records and its indexes. The stores are
 * created by the numbered migrations in ./migrations/; docs/core.md "Storage schema" describes them.
 */
import type { DBSchema } from 'idb';
import type { ErrorCode } from '../../shared/errors.ts';
import type { LockedSecret } from '../../../wasm/passphrase.ts';
import type { Snode } from '../net/types.ts';

/** A standard Session ID: "05" and 64 lowercase hex digits (the peer's X25519 public key). */
export type SessionId = string;

/**
 * The seed under a passphrase, as wasm/passphrase.ts makes it. Type-only import: the store needs
 * the shape, not the crypto.
 */
export type StoredLockedSecret = LockedSecret;

/** The account's Ed25519 seed: in the clear, or locked. Never both: locking replaces the record. */
export type AccountSeed =
  | { readonly kind: 'plain'; readonly ed25519Seed: Uint8Array }
  | { readonly kind: 'locked'; readonly locked: StoredLockedSecret };

export const ACCOUNT_KEY = 'self';

export interface AccountRecord {
  readonly id: typeof ACCOUNT_KEY;
  readonly sessionId: SessionId;
  readonly displayName: string | null;
  readonly createdAt: number;
  readonly seed: AccountSeed;
}

/** Disappearing messages (client-protocol.md §8): which timer, and its length in seconds. */
export type DisappearingMode = 'after_send' | 'after_read';
export interface DisappearingSetting {
  readonly mode: DisappearingMode;
  readonly timerSeconds: number;
}

/**
 * A conversation's newest message (by sentAt, then id) as the conversation list shows it. Kept on
 * the conversation record so the list is one read (docs/core.md "The conversation list at scale"):
 * every transaction that writes a message rewrites it from the messages store (conversation-summary.ts).
 */
export interface LastMessageSummary {
  readonly messageId: number;
  readonly kind: MessageKind;
  readonly direction: MessageDirection;
  /** The start of the body, enough for a one-line preview (conversation-summary.ts PREVIEW_EXCERPT_LENGTH). */
  readonly excerpt: string;
  readonly sentAt: number;
  /** Outgoing messages only, else null. */
  readonly status: OutgoingStatus | null;
  /**
   * What the message carries, so a message that is only files still has a preview ("📷 Photo");
   * null when it has none. Absent in summaries written before it existed: read as none.
   */
  readonly attachments?: AttachmentsSummary | null;
}

/** The attachments of a conversation's newest message, as the list's one line needs them. */
export interface AttachmentsSummary {
  readonly count: number;
  /** The first attachment's, as the sender claims them (shown, never trusted for rendering). */
  readonly firstFileName: string;
  readonly firstContentType: string;
  readonly firstIsVoiceMessage: boolean;
}

/** One 1:1 conversation, with a summary of its newest message for the list (the messages store holds the rest). */
export interface ConversationRecord {
  /** The peer's Session ID. */
  readonly id: SessionId;
  /** From the peer's profile, when one has been received. */
  readonly displayName: string | null;
  readonly createdAt: number;
  /** Orders the conversation list; starts at createdAt so a new, empty conversation shows first. */
  readonly lastMessageAt: number;
  readonly unreadCount: number;
  /** The conversation's disappearing-messages setting; absent or null: off. */
  readonly disappearing?: DisappearingSetting | null;
  /** Its newest message; null when it has none. Records from before version 5 get it from migration 005. */
  readonly lastMessage: LastMessageSummary | null;
  /**
   * Every message with an id up to this one was there when the conversation was last read (ids
   * grow with each message stored): the incoming ones with a higher id are what unreadCount
   * counts, so removing one of them (expiry, unsend, delete) takes it off the count. Absent on
   * records written before it existed, until the next read or the next message into a read
   * conversation: a removal then leaves the count as it is.
   */
  readonly readThroughId?: number;
}

export type MessageDirection = 'incoming' | 'outgoing';
export const OUTGOING_STATUSES = ['queued', 'sending', 'sent', 'failed'] as const;
export type OutgoingStatus = (typeof OUTGOING_STATUSES)[number];

interface MessageFields {
  /** Local id (autoincrement); meaningless on other devices. */
  readonly id: number;
  /** The peer's Session ID (for a sync copy of our own message: its syncTarget). */
  readonly conversationId: SessionId;
  readonly senderSessionId: SessionId;
  /** Envelope timestamp (ms): with the sender, the message's identity across devices. */
  readonly sentAt: number;
  readonly receivedAt: number;
  readonly body: string;
  /** Swarm hashes this message is known under (incoming hash; recipient and sync copies once stored). */
  readonly swarmHashes: readonly string[];
  /** When the message is deleted from this device (ms), once its disappearing timer runs; else null. */
  readonly expiresAt: number | null;
  /**
   * What the record is (absent: 'text', as in records written before version 3):
   * 'text' a visible message; 'disappearing_changed' the fact that someone set the timer (the UI
   * builds the sentence); 'unsent' a message its author deleted for everyone (the tombstone).
   */
  readonly kind?: MessageKind;
  /** For 'text': the timer it carries; for 'disappearing_changed': the new setting. Null/absent: off. */
  readonly disappearing?: DisappearingSetting | null;
  /** Hashes of this message's copies in OUR swarm (an incoming message, our sync copy): what a signed delete or expire can reach. */
  readonly ownSwarmHashes?: readonly string[];
  /** A delete-after-read message not read yet: its conversation id (the by-awaitingRead index); absent otherwise. */
  readonly awaitingRead?: SessionId;
  /** The attachments it carries, in the sender's order (absent: none; records before issue 11 have none). */
  readonly attachments?: readonly StoredAttachment[];
}

export const ATTACHMENT_STATES = ['queued', 'uploading', 'sent', 'available', 'downloading', 'downloaded', 'failed', 'cancelled'] as const;
export type AttachmentState = (typeof ATTACHMENT_STATES)[number];

/**
 * One attachment of a message (client-protocol.md §6.4), kept in the message's record: what the UI
 * may see, and — never shown — what a download needs. docs/attachments.md.
 */
export interface StoredAttachment {
  /** As the sender claims them: shown, never trusted for rendering. */
  readonly contentType: string;
  readonly fileName: string;
  /** The unpadded size the sender claims; null when the pointer has none. */
  readonly size: number | null;
  readonly width: number | null;
  readonly height: number | null;
  readonly voiceMessage: boolean;
  readonly state: AttachmentState;
  /** Why it failed (state 'failed'), else null. */
  readonly failureCode: ErrorCode | null;
  /** Where the encrypted blob is and how to open it; null when the pointer was refused (state 'failed'). */
  readonly source: AttachmentSource | null;
}

export interface AttachmentSource {
  /** Where the blob is; null for one of ours not uploaded yet. */
  readonly url: string | null;
  readonly scheme: 'legacy' | 'deterministic';
  /** Secret: never leaves the worker. */
  readonly key: Uint8Array;
  /** SHA-256 of the blob (legacy scheme), else null. */
  readonly digest: Uint8Array | null;
  /**
   * Ours only: the IV it was sealed with. With the key it makes the same blob again on every upload
   * attempt (checked against the digest), so the blob itself is never stored.
   */
  readonly iv?: Uint8Array;
}

export const MESSAGE_KINDS = ['text', 'disappearing_changed', 'unsent'] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

export interface IncomingMessageRecord extends MessageFields {
  readonly direction: 'incoming';
}

export interface OutgoingMessageRecord extends MessageFields {
  readonly direction: 'outgoing';
  readonly status: OutgoingStatus;
  /** Why the last attempt failed for good (status 'failed'), else null. */
  readonly failureCode: ErrorCode | null;
}

/** Incoming records carry no `status`, so the status index (the outbox view) holds outgoing ones only. */
export type MessageRecord = IncomingMessageRecord | OutgoingMessageRecord;

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;
/** A message before IndexedDB gives it an id. */
export type NewMessage = WithoutId<MessageRecord>;

/** One outgoing message still to be sent, with the bytes to store, built once so retries hash the same. */
export interface OutboxRecord {
  /** The message's local id: one outbox entry per message. */
  readonly messageId: number;
  readonly recipient: SessionId;
  /** Base64 of the stored payload for the recipient's swarm (namespace 0). */
  readonly recipientPayload: string;
  /** Base64 of the sync copy for our own swarm; null when none is sent (a note to self). */
  readonly syncPayload: string | null;
  readonly recipientStored: boolean;
  readonly syncStored: boolean;
  /** Attempts started so far. */
  readonly attempts: number;
  /** When to try next (ms); null once given up, which also keeps the entry out of the due index. */
  readonly nextAttemptAt: number | null;
  readonly lastErrorCode: ErrorCode | null;
  readonly createdAt: number;
  /** The swarm TTL of both copies (ms); absent: the content-message default, 14 days. */
  readonly ttlMs?: number;
}

export interface SeenHashRecord {
  readonly hash: string;
  /** The swarm message's expiry (ms); the record can go after it, the message cannot come back. */
  readonly expiresAt: number;
}

/**
 * A change still to be made to copies in our own swarm (delete for me, unsend, a read timer): kept
 * until the swarm has taken it, so going offline or closing the app never loses it.
 */
export type SwarmChoreRecord =
  | { readonly id: number; readonly kind: 'delete'; readonly hashes: readonly string[]; readonly createdAt: number }
  | { readonly id: number; readonly kind: 'shorten'; readonly hashes: readonly string[]; readonly expiry: number; readonly createdAt: number };

/** The decrypted bytes of one downloaded attachment (docs/attachments.md). */
export interface AttachmentDataRecord {
  readonly messageId: number;
  readonly index: number;
  readonly plaintext: Uint8Array;
}

export interface SettingRecord {
  readonly key: string;
  readonly value: unknown;
}

/** One onion path: the nodes' Ed25519 keys, guard first. */
export interface PathRecord {
  readonly index: number;
  readonly nodes: readonly string[];
}

export interface SwarmRecord {
  readonly pubkey: string;
  readonly members: readonly string[];
  readonly fetchedAt: number;
}

export interface LastHashRecord {
  readonly nodeEd25519Hex: string;
  readonly pubkey: string;
  readonly namespace: number;
  readonly hash: string;
  readonly expiresAt: number;
}

export interface ParleySchema extends DBSchema {
  account: { key: typeof ACCOUNT_KEY; value: AccountRecord };
  conversations: {
    key: SessionId;
    value: ConversationRecord;
    indexes: { 'by-lastMessageAt': number };
  };
  messages: {
    key: number;
    value: MessageRecord;
    indexes: {
      'by-conversation-sentAt': [SessionId, number];
      'by-sender-sentAt': [SessionId, number];
      'by-status': OutgoingStatus;
      'by-expiresAt': number;
      'by-awaitingRead': SessionId;
    };
  };
  outbox: {
    key: number;
    value: OutboxRecord;
    indexes: { 'by-nextAttemptAt': number };
  };
  seenHashes: {
    key: string;
    value: SeenHashRecord;
    indexes: { 'by-expiresAt': number };
  };
  settings: { key: string; value: SettingRecord };
  attachmentData: { key: [number, number]; value: AttachmentDataRecord };
  swarmChores: { key: number; value: SwarmChoreRecord };
  netPool: { key: string; value: Snode };
  netPaths: { key: number; value: PathRecord };
  swarms: { key: string; value: SwarmRecord };
  lastHashes: {
    key: [string, string, number];
    value: LastHashRecord;
    indexes: { 'by-expiresAt': number };
  };
}

