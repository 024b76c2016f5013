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
/** 76 800 raw bytes (§3.2) in base64. */
const MAX_DATA_BASE64 = 102_400;
/** batch/sequence take at most 20 sub-requests (§3.4). */
export const MAX_SUBREQUESTS = 20;

export function readMessages(body: unknown): NamespaceMessages {
  if (!isObject(body) || !Array.isArray(body['messages'])) return { messages: [], more: false };
  const messages: RetrievedMessage[] = [];
  for (const entry of body['messages'] as unknown[]) {
    if (!isObject(entry)) continue;
    const { hash, data, timestamp, expiration } = entry;
    if (typeof hash !== 'string' || !MESSAGE_HASH.test(hash) || typeof data !== 'string') continue;
    if (typeof timestamp !== 'number' || typeof expiration !== 'number') continue;
    let bytes: Uint8Array;
    try {
      bytes = fromBase64(data, 'data');
    } catch {
      continue;
    }
    messages.push({ hash, data: bytes, timestamp, expiration });
  }
  return { messages, more: body['more'] === true };
}

export function firstResultBody(answer: { body: unknown }): Readonly<Record<string, unknown>> {
  const results = isObject(answer.body) ? answer.body['results'] : undefined;
  const first = Array.isArray(results) ? (results[0] as unknown) : undefined;
  const body = isObject(first) ? first['body'] : undefined;
  return isObject(body) ? body : {};
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

export function checkStoreRequest(request: StoreRequest): void {
  if (!isObject(request)) throw new ParleyError('invalid_argument', 'request must be an object', { param: 'request', problem: 'type' });
  checkInteger(request.namespace, 'request.namespace', NAMESPACE_MIN, NAMESPACE_MAX);
  checkInteger(request.ttl, 'request.ttl', 1);
  checkString(request.dataBase64, 'request.dataBase64');
  if (request.dataBase64.length === 0 || request.dataBase64.length > MAX_DATA_BASE64) {
    throw new ParleyError('invalid_argument', `request.dataBase64 must be 1 to ${MAX_DATA_BASE64} characters`, {
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
