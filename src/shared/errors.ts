/**
 * Coded errors. Callers branch on `code`, never on `message`; the message is for logs and
 * developers only. `details` carries the facts a UI needs to say what went wrong (which word,
 * which parameter), never secret material.
 */
export type ErrorCode =
  // input checks at every entry of wasm/
  | 'invalid_argument'
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
  // account lock (wasm/passphrase.ts): wrong passphrase and tampered data look the same on purpose
  | 'wrong_passphrase'
  // protocol messages (src/core/protocol/): bytes that do not parse, and messages refused by policy
  | 'protobuf_malformed'
  | 'message_rejected'
  // storage (src/core/store/): IndexedDB missing, opened by newer code, a failed upgrade, a closed
  // connection, a full disk, a record that should be there, anything else IndexedDB refuses
  | 'storage_unavailable'
  | 'storage_version_newer'
  | 'storage_migration_failed'
  | 'storage_closed'
  | 'storage_quota_exceeded'
  | 'storage_not_found'
  | 'storage_failed'
  // network (src/core/net/): each code has one reaction in the retry policy (docs/core.md "Network layer")
  | 'network_offline'
  | 'aborted'
  | 'pool_unavailable'
  | 'path_failed'
  | 'snode_not_found'
  | 'wrong_swarm'
  | 'clock_out_of_sync'
  | 'snode_unavailable'
  | 'request_failed'
  // account and messaging (src/core/services/)
  | 'no_account'
  | 'account_exists'
  | 'account_locked'
  | 'no_passphrase'
  | 'message_empty'
  | 'message_too_long'
  | 'display_name_too_long'
  | 'message_not_found'
  | 'leader_unavailable'
  // tabs: a call that carries a phrase or passphrase is run only by the tab whose worker runs the
  // engine, never sent over the tabs' channel (docs/core.md "Tabs")
  | 'secret_needs_leader_tab';

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
