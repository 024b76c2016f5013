/**
 * Coded errors. Callers branch on `code`, never on `message`; the message is for logs and
 * developers only. `details` carries the facts a UI needs to say what went wrong (which word,
 * which parameter), never secret material.
 */

/**
 * The code vocabulary, one union per room that throws the codes, so each room's list is plain and a
 * new engine error never edits the crypto library's list. `ErrorCode` gathers them all: it is what
 * `ParleyError` carries and what the UI picks a sentence by.
 */

/** Any room: a parameter that fails its entry check (`details.param` names it, `details.problem` says how). */
export type InputErrorCode = 'invalid_argument';

/** The crypto library (wasm/). */
export type CryptoErrorCode =
  | 'sodium_not_ready'
  // recovery phrase
  | 'mnemonic_word_count'
  | 'mnemonic_unknown_word'
  | 'mnemonic_checksum'
  | 'mnemonic_overflow'
  // Session IDs
  | 'session_id_length'
  | 'session_id_not_hex'
  | 'session_id_prefix'
  | 'session_id_blinded'
  | 'session_id_invalid_key'
  // 1:1 message encryption
  | 'ciphertext_too_short'
  | 'decrypt_failed'
  | 'signature_invalid'
  | 'padding_invalid'
  // onion requests
  | 'onion_decrypt_failed'
  | 'onion_malformed'
  // attachments (wasm/attachment.ts, client-protocol.md §6): a blob whose MAC, digest or structure
  // does not check out, and a file too large to upload
  | 'attachment_mac_invalid'
  | 'attachment_digest_invalid'
  | 'attachment_malformed'
  | 'attachment_too_large'
  // account lock (wasm/passphrase.ts): wrong passphrase and tampered data look the same on purpose
  | 'wrong_passphrase';

/**
 * Protocol messages (src/core/protocol/): bytes that do not parse, and messages refused by policy;
 * and an entry of a node's retrieve answer refused before it is opened (malformed, data over the
 * size limit, or beyond the count cap; src/core/net/storage-shapes.ts): counted as junk, never thrown.
 */
export type ProtocolErrorCode = 'protobuf_malformed' | 'message_rejected' | 'retrieved_entry_refused';

/**
 * Storage (src/core/store/): IndexedDB missing, opened by newer code, a failed upgrade, a closed
 * connection, a full disk, a record that should be there, anything else IndexedDB refuses.
 */
export type StorageErrorCode =
  | 'storage_unavailable'
  | 'storage_version_newer'
  | 'storage_migration_failed'
  | 'storage_closed'
  | 'storage_quota_exceeded'
  | 'storage_not_found'
  | 'storage_failed';

/** Network (src/core/net/): each code has one reaction in the retry policy (docs/core.md "Network layer"). */
export type NetworkErrorCode =
  | 'network_offline'
  | 'aborted'
  | 'pool_unavailable'
  | 'path_failed'
  | 'snode_not_found'
  | 'wrong_swarm'
  | 'clock_out_of_sync'
  | 'snode_unavailable'
  /** The relay asks this client to slow down (its rate or concurrency cap, or its answer budget); details.retryAfterMs. */
  | 'relay_busy'
  | 'request_failed'
  // the file server (attachments, src/core/net/file-server-client.ts): no such file (never uploaded,
  // or expired), another refusal (details.status), or a pointer naming a server this client does not know
  | 'file_not_found'
  | 'file_server_refused'
  | 'file_server_unknown';

/** The account (src/core/services/): what exists, what is locked, what a name may be. */
export type AccountErrorCode =
  | 'no_account'
  | 'account_exists'
  | 'account_locked'
  | 'no_passphrase'
  // too many wrong passphrases in a row: refused without checking until `details.retryAfterMs` has
  // passed (src/core/services/passphrase-attempts.ts)
  | 'too_many_attempts'
  | 'display_name_too_long';

/** Messaging (src/core/services/): what a message may be, and which one is meant. */
export type MessagingErrorCode =
  | 'message_empty'
  | 'message_too_long'
  | 'message_not_found'
  | 'message_not_own'
  // attachments: no attachment at that index of the message; its bytes are not on this device (not downloaded)
  | 'attachment_not_found'
  | 'attachment_not_downloaded';

/** Tabs (src/core/tab-*.ts): the leading tab went away mid-call, or a secret would have crossed the tabs' channel. */
export type TabErrorCode =
  | 'leader_unavailable'
  // a call that carries a phrase or passphrase is run only by the tab whose worker runs the
  // engine, never sent over the tabs' channel (docs/core.md "Tabs")
  | 'secret_needs_leader_tab';

/**
 * A failure that was not a ParleyError at all (a bug of ours): counted under this code where
 * failures are counted by code (junk, failed polls), so every count keys on the one vocabulary.
 */
export type InternalErrorCode = 'internal';

export type ErrorCode =
  | InputErrorCode
  | CryptoErrorCode
  | ProtocolErrorCode
  | StorageErrorCode
  | NetworkErrorCode
  | AccountErrorCode
  | MessagingErrorCode
  | TabErrorCode
  | InternalErrorCode;

export type ErrorDetails = Readonly<Record<string, string | number | boolean>>;

export class ParleyError extends Error {
  override readonly name = 'ParleyError';

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: ErrorDetails = {},
  ) {
    super(message);
  }
}

export function isParleyError(value: unknown, code?: ErrorCode): value is ParleyError {
  return value instanceof ParleyError && (code === undefined || value.code === code);
}

/** The structured-clone shape of a ParleyError crossing a worker boundary or the tabs' channel. */
export interface WireParleyError {
  readonly parleyError: true;
  readonly code: ErrorCode;
  readonly message: string;
  readonly details: ErrorDetails;
}
