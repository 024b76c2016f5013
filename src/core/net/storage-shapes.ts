/**
 * The shapes of the storage RPCs the client sends and reads (network-protocol.md §3.4): what the
 * callers give (checked at the entry, naming the parameter) and what comes back from a node (read
 * leniently: a malformed message is skipped, not fatal).
 */
import { fromBase64 } from '../../../wasm/bytes.ts';
import { checkInteger, checkString } from '../../../wasm/check.ts';
import { isParleyError, ParleyError } from '../../shared/errors.ts';
import type { Identity } from '../../../wasm/identity.ts';
import { NAMESPACE_MAX, NAMESPACE_MIN } from '../../../wasm/storage.ts';
import { isObject } from './snode-records.ts';
import { MAX_MESSAGE_DATA_BASE64, MAX_STORE_SEQUENCE_DATA, MAX_SUBREQUESTS, RETRIEVE_MAX_COUNT } from './storage-limits.ts';

export type AccountKeys = Pick<Identity, 'sessionId' | 'ed25519PublicKey' | 'ed25519SecretKey'>;

export interface StoreRequest {
  readonly namespace: number;
  /** Milliseconds the message lives (the server takes 10 s … 14 d for public inboxes, … 30 d otherwise). */
  readonly ttl: number;
  readonly dataBase64: string;
  /** The store's `timestamp` (ms); network time when absent, and after a clock correction. */
  readonly timestamp?: number;
  /** Keys that sign the store; required for namespaces that are not public inboxes (config pushes). */
  readonly signer?: Pick<Identity, 'ed25519PublicKey' | 'ed25519SecretKey'>;
}

export interface StoreResult {
  /** The server's message hash (43 base64 characters), the same on every retry of the same bytes. */
  readonly hash: string;
  /** The server's time of the store (ms). */
  readonly t: number;
  /** The swarm member that took it. */
  readonly node: string;
}

export interface RetrievedMessage {
  readonly hash: string;
  readonly data: Uint8Array;
  readonly timestamp: number;
  readonly expiration: number;
}

export interface NamespaceMessages {
  readonly messages: readonly RetrievedMessage[];
  /** The node holds more after these: poll again at once. */
  readonly more: boolean;
  /**
   * Entries of the answer refused unopened: malformed, data over the size limit, or beyond the
   * count cap (counted as junk `retrieved_entry_refused` by the receiver).
   */
  readonly refused: number;
}

export interface RetrieveResult {
  readonly node: string;
  readonly byNamespace: Readonly<Record<number, NamespaceMessages>>;
}

export interface RetrieveOptions {
  readonly signal?: AbortSignal | undefined;
  /** Swarm members asked at once (desktop polls 2); each answer comes back separately. */
  readonly members?: number;
  /** `max_size` of every retrieve (negative = that fraction of the server's cap). */
  readonly maxSize?: number;
  /**
   * Save each namespace's last hash per node at once (default). Pass false to save them with
   * `commitLastHashes` only after the messages are safely stored.
   */
  readonly commitLastHashes?: boolean;
}

const PUBKEY = /^[0-9a-fA-F]{66}$/;
export const MESSAGE_HASH = /^[A-Za-z0-9+/]{43}$/;

/**
 * One namespace's retrieve answer, read leniently and bounded: at most RETRIEVE_MAX_COUNT entries
 * are looked at (the rest are refused unread), and an entry that is malformed or whose data is over
 * the network's message limit is refused; `refused` counts both.
 */
export function readMessages(body: unknown): NamespaceMessages {
  if (!isObject(body) || !Array.isArray(body['messages'])) return { messages: [], more: false, refused: 0 };
  const entries = body['messages'] as unknown[];
  const messages: RetrievedMessage[] = [];
  for (const entry of entries.slice(0, RETRIEVE_MAX_COUNT)) {
    const message = readMessage(entry);
    if (message !== undefined) messages.push(message);
  }
  return { messages, more: body['more'] === true, refused: entries.length - messages.length };
}

function readMessage(entry: unknown): RetrievedMessage | undefined {
  if (!isObject(entry)) return undefined;
  const { hash, data, timestamp, expiration } = entry;
  if (typeof hash !== 'string' || !MESSAGE_HASH.test(hash)) return undefined;
  // The length first: no node makes us decode more than one message's worth.
  if (typeof data !== 'string' || data.length > MAX_MESSAGE_DATA_BASE64) return undefined;
  if (typeof timestamp !== 'number' || typeof expiration !== 'number') return undefined;
  try {
    return { hash, data: fromBase64(data, 'data'), timestamp, expiration };
  } catch {
    return undefined;
  }
}

export function firstResultBody(answer: { body: unknown }): Readonly<Record<string, unknown>> {
  const results = isObject(answer.body) ? answer.body['results'] : undefined;
  const first = Array.isArray(results) ? (results[0] as unknown) : undefined;
  const body = isObject(first) ? first['body'] : undefined;
  return isObject(body) ? body : {};
}

/** Every sub-request's `body` of a batch/sequence answer, in order (an entry that is not an object counts as `{}`). */
export function resultBodies(answer: { body: unknown }): Readonly<Record<string, unknown>>[] {
  const results = isObject(answer.body) ? answer.body['results'] : undefined;
  if (!Array.isArray(results)) return [];
  return results.map((result: unknown) => {
    const body = isObject(result) ? result['body'] : undefined;
    return isObject(body) ? body : {};
  });
}

export function deletedHashes(body: unknown): string[] {
  const swarm = isObject(body) ? body['swarm'] : undefined;
  const hashes = new Set<string>();
  if (!isObject(swarm)) return [];
  for (const entry of Object.values(swarm)) {
    const deleted = isObject(entry) ? entry['deleted'] : undefined;
    const lists = Array.isArray(deleted) ? [deleted] : isObject(deleted) ? Object.values(deleted) : [];
    for (const list of lists) if (Array.isArray(list)) for (const h of list) if (typeof h === 'string') hashes.add(h);
  }
  return [...hashes].sort();
}

export function checkPubkey(pubkey: unknown, name: string): string {
  checkString(pubkey, name);
  if (!PUBKEY.test(pubkey)) {
    throw new ParleyError('invalid_argument', `${name} must be 66 hex characters`, { param: name, problem: 'encoding' });
  }
  return pubkey.toLowerCase();
}

export function checkAccount(account: AccountKeys): void {
  if (!isObject(account)) throw new ParleyError('invalid_argument', 'account must hold keys', { param: 'account', problem: 'type' });
  checkPubkey(account.sessionId, 'account.sessionId');
}

export function checkNamespaces(namespaces: readonly number[]): void {
  if (!Array.isArray(namespaces) || namespaces.length === 0 || namespaces.length > MAX_SUBREQUESTS) {
    throw new ParleyError('invalid_argument', `namespaces must list 1 to ${MAX_SUBREQUESTS} namespaces`, {
      param: 'namespaces',
      problem: 'length',
    });
  }
  namespaces.forEach((ns, i) => checkInteger(ns, `namespaces[${i}]`, NAMESPACE_MIN, NAMESPACE_MAX));
  if (new Set(namespaces).size !== namespaces.length) {
    throw new ParleyError('invalid_argument', 'namespaces must not repeat', { param: 'namespaces', problem: 'value' });
  }
}

/** The stores of one `sequence`: 1 to MAX_SUBREQUESTS, at most MAX_STORE_SEQUENCE_DATA characters of data together. */
export function checkStoreRequests(requests: readonly StoreRequest[]): void {
  if (!Array.isArray(requests) || requests.length === 0 || requests.length > MAX_SUBREQUESTS) {
    throw new ParleyError('invalid_argument', `requests must list 1 to ${MAX_SUBREQUESTS} stores`, { param: 'requests', problem: 'length' });
  }
  requests.forEach((request) => checkStoreRequest(request));
  const data = requests.reduce((sum, request) => sum + request.dataBase64.length, 0);
  if (requests.length > 1 && data > MAX_STORE_SEQUENCE_DATA) {
    throw new ParleyError('invalid_argument', `the stores' data must be at most ${MAX_STORE_SEQUENCE_DATA} characters together`, {
      param: 'requests',
      problem: 'length',
    });
  }
}

export function checkStoreRequest(request: StoreRequest): void {
  if (!isObject(request)) throw new ParleyError('invalid_argument', 'request must be an object', { param: 'request', problem: 'type' });
  checkInteger(request.namespace, 'request.namespace', NAMESPACE_MIN, NAMESPACE_MAX);
  checkInteger(request.ttl, 'request.ttl', 1);
  checkString(request.dataBase64, 'request.dataBase64');
  if (request.dataBase64.length === 0 || request.dataBase64.length > MAX_MESSAGE_DATA_BASE64) {
    throw new ParleyError('invalid_argument', `request.dataBase64 must be 1 to ${MAX_MESSAGE_DATA_BASE64} characters`, {
      param: 'request.dataBase64',
      problem: 'length',
    });
  }
  try {
    fromBase64(request.dataBase64, 'request.dataBase64');
  } catch (error) {
    if (isParleyError(error)) throw error;
    throw new ParleyError('invalid_argument', 'request.dataBase64 is not base64', { param: 'request.dataBase64', problem: 'encoding' });
  }
  if (request.timestamp !== undefined) checkInteger(request.timestamp, 'request.timestamp', 0);
}
