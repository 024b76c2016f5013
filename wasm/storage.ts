/**
 * Storage-server helpers (network-protocol.md §3.2–3.4, client-protocol.md §5.3–5.4): the message
 * hash the server gives each stored message, and the Ed25519 signatures that authorise requests on
 * an account. The client signs with `signRequest`; the devnet checks with `verifyRequestSignature`.
 */
import { accountPubkeyBytes } from './account-pubkey.ts';
import { concatBytes, fromBase64, toBase64, toBase64Unpadded, toHex, utf8 } from './bytes.ts';
import { checkBytes, checkInteger, checkString } from './check.ts';
import { ParleyError } from '../src/shared/errors.ts';
import type { Identity } from './identity.ts';
import { sodium } from './sodium.ts';

/** Namespaces are int16 on the wire. */
export const NAMESPACE_MIN = -32768;
export const NAMESPACE_MAX = 32767;

/** A namespace, or every namespace of the account (delete_all, delete_before, expire_all). */
export type NamespaceSelector = number | 'all';

/**
 * The fields each method's signature covers (§3.4). Timestamps and expiries are milliseconds.
 * `messages` are 43-character message hashes, in request order.
 */
export type SignedRequest =
  | { readonly method: 'retrieve'; readonly namespace: number; readonly timestamp: number }
  /** `timestamp` is the store's `sig_timestamp` (which defaults to its `timestamp`). */
  | { readonly method: 'store'; readonly namespace: number; readonly timestamp: number }
  | { readonly method: 'delete'; readonly messages: readonly string[] }
  | { readonly method: 'delete_all'; readonly namespace: NamespaceSelector; readonly timestamp: number }
  | { readonly method: 'delete_before'; readonly namespace: NamespaceSelector; readonly before: number }
  | {
      readonly method: 'expire';
      readonly messages: readonly string[];
      /** One expiry for all messages, or one per message (same length as `messages`). */
      readonly expiry: number | readonly number[];
      readonly shorten?: boolean;
      readonly extend?: boolean;
    }
  | { readonly method: 'expire_all'; readonly namespace: NamespaceSelector; readonly expiry: number }
  | { readonly method: 'get_expiries'; readonly messages: readonly string[]; readonly timestamp: number };

export type SignedMethod = SignedRequest['method'];

/** The params of a signed retrieve, in the key order desktop sends them. */
export interface RetrieveParams {
  pubkey: string;
  pubkey_ed25519: string;
  namespace: number;
  timestamp: number;
  signature: string;
  last_hash: string;
  max_count?: number;
  max_size?: number;
}

const MESSAGE_HASH = /^[A-Za-z0-9+/]{43}$/;
const SIGNATURE_BYTES = 64;

/**
 * The server's hash of a stored message: unpadded base64 (43 characters) of
 * BLAKE2b-256(network id ‖ 32 key bytes ‖ (namespace 0 ? "" : decimal namespace) ‖ data).
 */
export function messageHash(pubkey: string | Uint8Array, namespace: number, data: Uint8Array): string {
  const key = accountPubkeyBytes(pubkey, 'pubkey');
  checkNamespace(namespace, 'namespace');
  checkBytes(data, 'data');
  const digest = sodium().crypto_generichash(32, concatBytes(key, utf8(namespaceText(namespace)), data), null);
  return toBase64Unpadded(digest);
}

/** The ASCII string a request's signature covers. Throws `invalid_argument` for a malformed request. */
export function signatureString(request: SignedRequest): string {
  if (typeof request !== 'object' || request === null) {
    throw new ParleyError('invalid_argument', 'request must be an object', { param: 'request', problem: 'type' });
  }
  switch (request.method) {
    case 'retrieve':
    case 'store':
      checkNamespace(request.namespace, 'request.namespace');
      return request.method + namespaceText(request.namespace) + millis(request.timestamp, 'request.timestamp');
    case 'delete':
      return 'delete' + hashes(request.messages);
    case 'delete_all':
      return 'delete_all' + selectorText(request.namespace) + millis(request.timestamp, 'request.timestamp');
    case 'delete_before':
      return 'delete_before' + selectorText(request.namespace) + millis(request.before, 'request.before');
    case 'expire':
      return 'expire' + expireMode(request) + expiries(request.expiry, request.messages) + hashes(request.messages);
    case 'expire_all':
      return 'expire_all' + selectorText(request.namespace) + millis(request.expiry, 'request.expiry');
    case 'get_expiries':
      return 'get_expiries' + millis(request.timestamp, 'request.timestamp') + hashes(request.messages);
    default:
      throw new ParleyError('invalid_argument', 'request.method is not a signed storage method', {
        param: 'request.method',
        problem: 'value',
      });
  }
}

/** Signs a request with the account's 64-byte Ed25519 secret key: padded base64, 88 characters. */
export function signRequest(request: SignedRequest, ed25519SecretKey: Uint8Array): string {
  checkBytes(ed25519SecretKey, 'ed25519SecretKey', 64);
  const message = utf8(signatureString(request));
  return toBase64(sodium().crypto_sign_detached(message, ed25519SecretKey));
}

/**
 * Checks a request signature as a service node does. Accepts base64 with (88 characters) or without
 * (86) padding. A signature that is not such a string is an unauthenticated request, not a caller
 * bug, so it gives `false`; a malformed request or a key that is not 32 bytes throws.
 */
export function verifyRequestSignature(
  request: SignedRequest,
  signatureB64: string,
  ed25519PublicKey: Uint8Array,
): boolean {
  checkBytes(ed25519PublicKey, 'ed25519PublicKey', 32);
  const message = utf8(signatureString(request));
  const signature = decodeSignature(signatureB64);
  if (signature === undefined) return false;
  try {
    return sodium().crypto_sign_verify_detached(signature, message, ed25519PublicKey);
  } catch {
    return false;
  }
}

/**
 * The signed params of a `retrieve` of a 05 account's own messages. `lastHash` is "" for "from the
 * start"; `maxCount` (at most that many messages, ≥ 1) and `maxSize` (the server's rules: negative =
 * a fraction of its cap) are left out when not given.
 */
export function signedRetrieveParams(
  account: Pick<Identity, 'sessionId' | 'ed25519PublicKey' | 'ed25519SecretKey'>,
  options: { namespace: number; timestamp: number; lastHash?: string; maxCount?: number; maxSize?: number },
): RetrieveParams {
  if (typeof account !== 'object' || account === null) {
    throw new ParleyError('invalid_argument', 'account must be an object holding keys', {
      param: 'account',
      problem: 'type',
    });
  }
  accountPubkeyBytes(account.sessionId, 'account.sessionId');
  checkBytes(account.ed25519PublicKey, 'account.ed25519PublicKey', 32);
  if (typeof options !== 'object' || options === null) {
    throw new ParleyError('invalid_argument', 'options must be an object', { param: 'options', problem: 'type' });
  }
  const { namespace, timestamp, lastHash = '', maxCount, maxSize } = options;
  checkNamespace(namespace, 'options.namespace');
  checkInteger(timestamp, 'options.timestamp', 0);
  checkString(lastHash, 'options.lastHash');
  if (lastHash !== '' && !MESSAGE_HASH.test(lastHash)) {
    throw new ParleyError('invalid_argument', 'options.lastHash must be "" or a 43-character message hash', {
      param: 'options.lastHash',
      problem: 'encoding',
    });
  }
  if (maxCount !== undefined) checkInteger(maxCount, 'options.maxCount', 1);
  if (maxSize !== undefined) checkInteger(maxSize, 'options.maxSize');
  const signature = signRequest({ method: 'retrieve', namespace, timestamp }, account.ed25519SecretKey);
  const params: RetrieveParams = {
    pubkey: account.sessionId,
    pubkey_ed25519: toHex(account.ed25519PublicKey),
    namespace,
    timestamp,
    signature,
    last_hash: lastHash,
  };
  if (maxCount !== undefined) params.max_count = maxCount;
  if (maxSize !== undefined) params.max_size = maxSize;
  return params;
}

/** Namespace 0 is written as nothing at all, others in decimal (e.g. "2", "-10"). */
function namespaceText(namespace: number): string {
  return namespace === 0 ? '' : String(namespace);
}

function selectorText(selector: unknown): string {
  if (selector === 'all') return 'all';
  checkNamespace(selector, 'request.namespace');
  return namespaceText(selector);
}

function checkNamespace(value: unknown, name: string): asserts value is number {
  checkInteger(value, name, NAMESPACE_MIN, NAMESPACE_MAX);
}

function millis(value: unknown, name: string): string {
  checkInteger(value, name, 0);
  return String(value);
}

function hashes(messages: unknown): string {
  if (!Array.isArray(messages) || messages.length === 0) {
    throw new ParleyError('invalid_argument', 'request.messages must be a non-empty array of message hashes', {
      param: 'request.messages',
      problem: 'type',
    });
  }
  for (const [i, hash] of messages.entries()) {
    if (typeof hash !== 'string' || !MESSAGE_HASH.test(hash)) {
      throw new ParleyError('invalid_argument', `request.messages[${i}] is not a 43-character message hash`, {
        param: `request.messages[${i}]`,
        problem: 'encoding',
      });
    }
  }
  return messages.join('');
}

function expireMode(request: { readonly shorten?: unknown; readonly extend?: unknown }): string {
  const { shorten = false, extend = false } = request;
  if (typeof shorten !== 'boolean' || typeof extend !== 'boolean') {
    throw new ParleyError('invalid_argument', 'request.shorten and request.extend must be booleans', {
      param: 'request.shorten',
      problem: 'type',
    });
  }
  if (shorten && extend) {
    throw new ParleyError('invalid_argument', 'request.shorten and request.extend exclude each other', {
      param: 'request.extend',
      problem: 'value',
    });
  }
  return shorten ? 'shorten' : extend ? 'extend' : '';
}

function expiries(expiry: unknown, messages: unknown): string {
  if (!Array.isArray(expiry)) return millis(expiry, 'request.expiry');
  if (!Array.isArray(messages) || expiry.length !== messages.length) {
    throw new ParleyError('invalid_argument', 'request.expiry must have one entry per message', {
      param: 'request.expiry',
      problem: 'length',
    });
  }
  return expiry.map((value, i) => millis(value, `request.expiry[${i}]`)).join('');
}

function decodeSignature(text: unknown): Uint8Array | undefined {
  if (typeof text !== 'string') return undefined;
  const padded = text.length === 88 && text.endsWith('==');
  if (!padded && text.length !== 86) return undefined;
  try {
    const bytes = fromBase64(text, 'signature');
    return bytes.length === SIGNATURE_BYTES ? bytes : undefined;
  } catch {
    return undefined;
  }
}
