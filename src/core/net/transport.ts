/**
 * The relay client (network-protocol.md §6.1, src/shared/relay-api.ts): the only place the core touches the
 * network. It moves opaque onion bytes to a guard and asks the seeds for the node list; it never
 * interprets a node's answer. A fetch that throws means the relay cannot be reached: `network_offline`.
 */
import { utf8 } from '../../../wasm/bytes.ts';
import { ParleyError } from '../../shared/errors.ts';
import { parseFileServerProfile, type FileServerProfile } from '../../shared/file-server-api.ts';
import {
  NETWORK_PATH,
  ONION_CONTENT_TYPE,
  ONION_LARGE_PATH_PREFIX,
  ONION_PATH_PREFIX,
  RELAY_ERROR_CODES,
  RELAY_ERROR_HEADER,
  SEED_CONTENT_TYPE,
  SEED_PATH,
  type RelayErrorCode,
} from '../../shared/relay-api.ts';
import { abortedError, deadline, throwIfAborted } from './abort.ts';
import type { NetworkProfile } from './network-profile.ts';
import { isObject, parseServiceNodeStates } from './snode-records.ts';
import type { Snode } from './types.ts';
import { xhrPost, type RawAnswer, type UploadProgress, type XhrConstructor } from './xhr-post.ts';

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** The guard's HTTP answer as the relay passed it on, or the relay's own refusal. */
export interface OnionAnswer {
  readonly status: number;
  readonly body: Uint8Array;
  /** Set when the relay itself answered (it could not reach the guard, refused it, …). */
  readonly relayError?: RelayErrorCode;
  /** The relay's Retry-After, in ms, when it refused to slow this client down. */
  readonly retryAfterMs?: number;
}

/** What the seed is asked (§1.1); no `limit`, so the whole active list comes back. */
const SEED_REQUEST = JSON.stringify({
  jsonrpc: '2.0',
  method: 'get_n_service_nodes',
  params: {
    active_only: true,
    fields: { public_ip: true, storage_port: true, pubkey_x25519: true, pubkey_ed25519: true },
  },
});

export interface TransportEvents {
  /** The relay answered (whatever it said): the network is there. */
  readonly onReachable?: () => void;
  /** The relay could not be reached at all. */
  readonly onUnreachable?: () => void;
}

/** The platform's XMLHttpRequest: pages and dedicated workers have one, Node has none. */
function platformXhr(): XhrConstructor | undefined {
  const platform = (globalThis as { XMLHttpRequest?: XhrConstructor }).XMLHttpRequest;
  return typeof platform === 'function' ? platform : undefined;
}

export class RelayTransport {
  private readonly fetchFn: FetchLike;

  /**
   * `xhr` carries uploads that report their progress (postLargeOnion with `onUploadProgress`);
   * without one (Node), they go through fetch and report only their start and their end.
   */
  constructor(
    private readonly profile: NetworkProfile,
    fetchFn: FetchLike = (input, init) => globalThis.fetch(input, init),
    private readonly events: TransportEvents = {},
    private readonly xhr: XhrConstructor | undefined = platformXhr(),
  ) {
    this.fetchFn = fetchFn;
  }

  /** The seed's node list through the relay; `pool_unavailable` when no seed answers sensibly. */
  async fetchSeedNodes(signal?: AbortSignal): Promise<Snode[]> {
    const limit = deadline(signal, this.profile.seedTimeoutMs);
    try {
      const answer = await this.post(SEED_PATH, utf8(SEED_REQUEST), SEED_CONTENT_TYPE, limit.signal, limit.timedOut);
      if (answer.status !== 200) {
        throw new ParleyError('pool_unavailable', 'the seed list could not be fetched', {
          reason: answer.relayError ?? 'status',
          status: answer.status,
        });
      }
      let json: unknown;
      try {
        json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(answer.body));
      } catch {
        throw new ParleyError('pool_unavailable', 'the seed answered something that is not JSON', { reason: 'not_json' });
      }
      const nodes = parseServiceNodeStates(isObject(json) ? json['result'] : undefined);
      if (nodes.length === 0) {
        throw new ParleyError('pool_unavailable', 'the seed listed no usable service node', { reason: 'empty' });
      }
      return nodes;
    } finally {
      limit.dispose();
    }
  }

  /**
   * The file server a devnet's relay names in `GET /v1/network` (undefined when it names none).
   * `network_offline` when the relay cannot be reached: a devnet profile made offline has no file
   * server yet, and learns it here once the network is back (file-server-client.ts).
   */
  async askFileServer(signal?: AbortSignal): Promise<FileServerProfile | undefined> {
    throwIfAborted(signal);
    let answer: unknown;
    try {
      const response = await this.fetchFn(new URL(NETWORK_PATH.replace(/^\//, ''), this.profile.relayUrl).href, { method: 'GET', signal, credentials: 'omit' });
      answer = await response.json();
    } catch {
      if (signal?.aborted) throw abortedError();
      this.events.onUnreachable?.();
      throw new ParleyError('network_offline', 'the relay cannot be reached');
    }
    this.events.onReachable?.();
    return isObject(answer) && answer['network'] === 'devnet' ? parseFileServerProfile(answer['fileServer']) : undefined;
  }

  /**
   * POSTs an onion to the guard through the relay; any HTTP answer is returned, never thrown.
   * `onProgress(received, total)` follows a large answer as it arrives (total: its Content-Length, 0 when unknown).
   */
  postOnion(guard: Snode, body: Uint8Array, signal?: AbortSignal, onProgress?: (received: number, total: number) => void): Promise<OnionAnswer> {
    return this.post(`${ONION_PATH_PREFIX}${guard.ip}:${guard.port}`, body, ONION_CONTENT_TYPE, signal, undefined, onProgress);
  }

  /**
   * As postOnion, on the relay's large-onion route (attachment uploads: 10 MiB, a tighter rate).
   * `onUploadProgress(sent, total)` follows the body as it goes out: step by step through
   * XMLHttpRequest where there is one, else only 0 before and `total` once the answer begins.
   */
  postLargeOnion(guard: Snode, body: Uint8Array, signal?: AbortSignal, onUploadProgress?: UploadProgress): Promise<OnionAnswer> {
    return this.post(`${ONION_LARGE_PATH_PREFIX}${guard.ip}:${guard.port}`, body, ONION_CONTENT_TYPE, signal, undefined, undefined, onUploadProgress);
  }

  private async post(
    path: string,
    body: Uint8Array,
    contentType: string,
    signal: AbortSignal | undefined,
    timedOut: () => boolean = () => false,
    onProgress?: (received: number, total: number) => void,
    onUploadProgress?: UploadProgress,
  ): Promise<OnionAnswer> {
    throwIfAborted(signal);
    const url = new URL(path.replace(/^\//, ''), this.profile.relayUrl).href;
    let answer: RawAnswer;
    try {
      answer =
        onUploadProgress !== undefined && this.xhr !== undefined
          ? await xhrPost(this.xhr, url, body, contentType, signal, onUploadProgress)
          : await this.fetchPost(url, body, contentType, signal, onProgress, onUploadProgress);
    } catch {
      if (timedOut()) throw new ParleyError('pool_unavailable', 'the seed list timed out', { reason: 'timeout' });
      if (signal?.aborted) throw abortedError();
      this.events.onUnreachable?.();
      throw new ParleyError('network_offline', 'the relay cannot be reached');
    }
    this.events.onReachable?.();
    const { status, body: bytes } = answer;
    const header = answer.header(RELAY_ERROR_HEADER);
    const relayError = RELAY_ERROR_CODES.find((code) => code === header);
    if (relayError === undefined) return { status, body: bytes };
    const retryAfterMs = retryAfterOf(answer.header('Retry-After'));
    return retryAfterMs === undefined ? { status, body: bytes, relayError } : { status, body: bytes, relayError, retryAfterMs };
  }

  private async fetchPost(
    url: string,
    body: Uint8Array,
    contentType: string,
    signal: AbortSignal | undefined,
    onProgress: ((received: number, total: number) => void) | undefined,
    onUploadProgress: UploadProgress | undefined,
  ): Promise<RawAnswer> {
    onUploadProgress?.(0, body.length);
    const response = await this.fetchFn(url, {
      method: 'POST',
      body: body as Uint8Array<ArrayBuffer>,
      headers: { 'Content-Type': contentType },
      signal,
      credentials: 'omit',
    });
    // The answer has begun: the whole body was sent (fetch says nothing in between).
    onUploadProgress?.(body.length, body.length);
    const bytes = onProgress !== undefined && response.body !== null ? await readWithProgress(response, onProgress) : new Uint8Array(await response.arrayBuffer());
    return { status: response.status, header: (name) => response.headers.get(name), body: bytes };
  }
}

/** The answer's bytes read chunk by chunk, reporting how many have arrived of its Content-Length. */
async function readWithProgress(response: Response, onProgress: (received: number, total: number) => void): Promise<Uint8Array> {
  const declared = Number(response.headers.get('Content-Length') ?? 0);
  const total = Number.isSafeInteger(declared) && declared > 0 ? declared : 0;
  const reader = response.body!.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    received += value.length;
    onProgress(received, total);
  }
  const out = new Uint8Array(received);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/** Retry-After in whole seconds (the only form the relay sends); anything else is ignored. */
function retryAfterOf(header: string | null): number | undefined {
  if (header === null || !/^\d{1,6}$/.test(header.trim())) return undefined;
  return Number(header.trim()) * 1000;
}
