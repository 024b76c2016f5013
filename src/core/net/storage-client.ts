/**
 * The storage RPCs the services need (network-protocol.md §3.4, §5.1), each through an onion to a
 * member of the account's swarm, under the one retry policy (retry.ts). Timestamps come from
 * network time and are taken anew on every attempt, so a retry after a 406 is re-signed.
 */
import { toHex } from '../../../wasm/bytes.ts';
import { checkInteger } from '../../../wasm/check.ts';
import { ParleyError } from '../../shared/errors.ts';
import { signedRetrieveParams, signRequest } from '../../../wasm/storage.ts';
import type { NetworkTime } from './network-time.ts';
import type { OnionRequester } from './onion-request.ts';
import { pickOne, type Random } from './random.ts';
import { withRetry, type AttemptContext, type RetryPolicy } from './retry.ts';
import { isObject } from './snode-records.ts';
import { boundedExpiry, RETRIEVE_MAX_COUNT } from './storage-limits.ts';
import type { SnodePool } from './snode-pool.ts';
import type { SwarmCache } from './swarms.ts';
import {
  checkAccount,
  checkNamespaces,
  checkPubkey,
  checkStoreRequests,
  deletedHashes,
  resultBodies,
  MESSAGE_HASH,
  readMessages,
  type AccountKeys,
  type NamespaceMessages,
  type RetrieveOptions,
  type RetrieveResult,
  type StoreRequest,
  type StoreResult,
} from './storage-shapes.ts';
import type { NetStore, Snode } from './types.ts';

export type {
  AccountKeys,
  NamespaceMessages,
  RetrievedMessage,
  RetrieveOptions,
  RetrieveResult,
  StoreRequest,
  StoreResult,
} from './storage-shapes.ts';

export interface StorageClientOptions {
  readonly store: NetStore;
  readonly pool: SnodePool;
  readonly swarms: SwarmCache;
  readonly requester: OnionRequester;
  readonly time: NetworkTime;
  /** Makes sure pool and paths are there before a request (network.ts). */
  readonly prepare?: (signal?: AbortSignal) => Promise<void>;
  readonly random?: Random;
  readonly retryPolicy?: RetryPolicy;
}

export class StorageClient {
  private readonly random: Random;

  constructor(private readonly options: StorageClientOptions) {
    this.random = options.random ?? Math.random;
  }

  /** Stores one message on one random swarm member (`sequence` of one `store`, as desktop sends). */
  async store(pubkey: string, request: StoreRequest, options: { signal?: AbortSignal } = {}): Promise<StoreResult> {
    const [stored] = await this.storeMany(pubkey, [request], options);
    return stored!;
  }

  /**
   * Stores several messages of one account on one random swarm member in ONE onion request: a
   * `sequence` of `store`s (network-protocol.md §3.4: 1–20 sub-requests, run in order, stopping
   * after the first that is not 2xx). Answers every store's result in the order asked, or throws as
   * `store` does: a sub-request's failure (421, 406, 5xx …) fails the whole call, under the one
   * retry policy, and a retry stores the very same bytes again, so whatever landed before the
   * failure keeps its hash and is not stored twice. At most MAX_SUBREQUESTS requests and
   * MAX_STORE_SEQUENCE_DATA base64 characters of data in all (the relay's body cap).
   */
  async storeMany(pubkey: string, requests: readonly StoreRequest[], { signal }: { signal?: AbortSignal } = {}): Promise<StoreResult[]> {
    const account = checkPubkey(pubkey, 'pubkey');
    checkStoreRequests(requests);
    await this.options.prepare?.(signal);
    let clockCorrected = false;
    return this.onSwarm(account, signal, () => (clockCorrected = true), async (target, context) => {
      const now = this.options.time.now();
      const stores = requests.map((request) => ({ method: 'store', params: storeParams(account, request, clockCorrected, now) }));
      const answer = await this.send(target, { method: 'sequence', params: { requests: stores } }, context);
      const bodies = resultBodies(answer);
      // A sequence that stopped early failed in onion-request.ts; fewer answers than stores here is a node that cut it short.
      if (bodies.length !== requests.length) {
        throw new ParleyError('snode_unavailable', 'the store answer lacks results', { node: target.ed25519Hex, reason: 'bad_answer' });
      }
      return bodies.map((body) => {
        const hash = body['hash'];
        const t = body['t'];
        if (typeof hash !== 'string' || !MESSAGE_HASH.test(hash) || typeof t !== 'number') {
          throw new ParleyError('snode_unavailable', 'the store answer has no hash', { node: target.ed25519Hex, reason: 'bad_answer' });
        }
        return { hash, t, node: target.ed25519Hex };
      });
    });
  }

  /**
   * A `batch` of signed retrieves, one per namespace, to `members` swarm members at once; each
   * asks after the last hash seen from that node. Answers from every member that answered.
   */
  async retrieve(account: AccountKeys, namespaces: readonly number[], options: RetrieveOptions = {}): Promise<RetrieveResult[]> {
    const { signal, members = 1 } = options;
    checkAccount(account);
    checkNamespaces(namespaces);
    checkInteger(members, 'options.members', 1, 5);
    if (options.maxSize !== undefined) checkInteger(options.maxSize, 'options.maxSize');
    await this.options.prepare?.(signal);
    const pubkey = account.sessionId.toLowerCase();
    const swarm = await this.options.swarms.members(pubkey, signal);
    const tried = new Set<string>();
    const firsts = swarm.slice(0, members);
    const outcomes = await Promise.allSettled(
      firsts.map((first) =>
        this.onSwarm(pubkey, signal, undefined, (target, context) => this.retrieveFrom(target, account, namespaces, options, context), {
          first,
          tried,
        }),
      ),
    );
    const results = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
    const failure = outcomes.find((o) => o.status === 'rejected');
    if (results.length === 0 && failure?.status === 'rejected') throw failure.reason;
    if (results.length === 0) throw new ParleyError('pool_unavailable', 'the swarm has no member', { reason: 'no_swarm_members' });
    if (options.commitLastHashes !== false) await this.commitLastHashes(pubkey, results);
    return results;
  }

  /** Saves, per node and namespace, the hash of the last message retrieved (retrieve's `last_hash`). */
  async commitLastHashes(pubkey: string, results: readonly RetrieveResult[]): Promise<void> {
    const account = checkPubkey(pubkey, 'pubkey');
    // The node's expiration is its word: bounded, so a node cannot pin its record for years.
    const now = this.options.time.now();
    for (const result of results) {
      for (const [ns, { messages }] of Object.entries(result.byNamespace)) {
        const last = messages[messages.length - 1];
        if (last) await this.options.store.saveLastHash(result.node, account, Number(ns), last.hash, boundedExpiry(last.expiration, now));
      }
    }
  }

  /** Deletes every message of the account in every namespace (`delete_all`, namespace "all"). */
  async deleteAll(account: AccountKeys, { signal }: { signal?: AbortSignal } = {}): Promise<{ deleted: string[] }> {
    checkAccount(account);
    await this.options.prepare?.(signal);
    const pubkey = account.sessionId.toLowerCase();
    return this.onSwarm(pubkey, signal, undefined, async (target, context) => {
      const timestamp = this.options.time.now();
      const params = {
        pubkey,
        pubkey_ed25519: toHex(account.ed25519PublicKey),
        namespace: 'all',
        timestamp,
        signature: signRequest({ method: 'delete_all', namespace: 'all', timestamp }, account.ed25519SecretKey),
      };
      const answer = await this.send(target, { method: 'delete_all', params }, context);
      return { deleted: deletedHashes(answer.body) };
    });
  }

  /**
   * Deletes messages of the account by hash (`delete`, signed "delete" + hashes, §3.4). Not
   * `required`: a hash already gone (expired, deleted before) is not an error. Answers what the
   * swarm reported deleted.
   */
  async deleteMessages(account: AccountKeys, hashes: readonly string[], { signal }: { signal?: AbortSignal } = {}): Promise<{ deleted: string[] }> {
    checkAccount(account);
    checkHashList(hashes);
    await this.options.prepare?.(signal);
    const pubkey = account.sessionId.toLowerCase();
    const messages = [...hashes];
    return this.onSwarm(pubkey, signal, undefined, async (target, context) => {
      const params = {
        pubkey,
        pubkey_ed25519: toHex(account.ed25519PublicKey),
        messages,
        signature: signRequest({ method: 'delete', messages }, account.ed25519SecretKey),
      };
      const answer = await this.send(target, { method: 'delete', params }, context);
      return { deleted: deletedHashes(answer.body) };
    });
  }

  /**
   * Shortens the swarm expiry of messages of the account to `expiry` (ms) with `expire` and
   * `shorten` (signed "expireshorten" + expiry + hashes, client-protocol.md §8): a message that
   * already expires sooner is left as it is. Answers the hashes some member reported updated.
   */
  async shortenExpiry(
    account: AccountKeys,
    hashes: readonly string[],
    expiry: number,
    { signal }: { signal?: AbortSignal } = {},
  ): Promise<{ updated: string[] }> {
    checkAccount(account);
    checkHashList(hashes);
    checkInteger(expiry, 'expiry', 0);
    await this.options.prepare?.(signal);
    const pubkey = account.sessionId.toLowerCase();
    const messages = [...hashes];
    return this.onSwarm(pubkey, signal, undefined, async (target, context) => {
      const params = {
        pubkey,
        pubkey_ed25519: toHex(account.ed25519PublicKey),
        messages,
        expiry,
        shorten: true,
        signature: signRequest({ method: 'expire', messages, expiry, shorten: true }, account.ed25519SecretKey),
      };
      const answer = await this.send(target, { method: 'expire', params }, context);
      return { updated: updatedHashes(answer.body) };
    });
  }

  /** `info` of a random pool node: its version and time (which also feeds network time). */
  async info({ signal }: { signal?: AbortSignal } = {}): Promise<{ version: number[]; t: number }> {
    await this.options.prepare?.(signal);
    const body = await this.anyNode({ method: 'info', params: {} }, signal);
    const version = body['version'];
    const t = body['t'];
    if (!Array.isArray(version) || typeof t !== 'number') {
      throw new ParleyError('snode_unavailable', 'the info answer is incomplete', { reason: 'bad_answer' });
    }
    return { version: version.filter((v): v is number => typeof v === 'number'), t };
  }

  /** After a 406: the network time from one fresh `info`, replacing the old window. */
  async resyncClock(signal?: AbortSignal): Promise<void> {
    const body = await this.anyNode({ method: 'info', params: {} }, signal);
    this.options.time.resync(body['t']);
  }

  private async anyNode(rpc: { method: string; params: Record<string, unknown> }, signal?: AbortSignal) {
    const { pool } = this.options;
    await pool.ensure(signal);
    let target: Snode | undefined;
    const answer = await withRetry(
      async (context) => {
        if (target === undefined || context.changeTarget) target = pickOne(pool.all(), this.random);
        if (target === undefined) throw new ParleyError('pool_unavailable', 'the pool is empty', { reason: 'empty' });
        return this.send(target, rpc, context);
      },
      this.retryOptions(signal),
    );
    return isObject(answer.body) ? answer.body : {};
  }

  private async retrieveFrom(
    target: Snode,
    account: AccountKeys,
    namespaces: readonly number[],
    options: RetrieveOptions,
    context: AttemptContext,
  ): Promise<RetrieveResult> {
    const pubkey = account.sessionId.toLowerCase();
    const timestamp = this.options.time.now();
    const requests = [];
    for (const namespace of namespaces) {
      const lastHash = (await this.options.store.loadLastHash(target.ed25519Hex, pubkey, namespace)) ?? '';
      const params = signedRetrieveParams(account, {
        namespace,
        timestamp,
        lastHash,
        // An honest node then never sends more than readMessages takes (storage-limits.ts).
        maxCount: RETRIEVE_MAX_COUNT,
        ...(options.maxSize !== undefined ? { maxSize: options.maxSize } : {}),
      });
      requests.push({ method: 'retrieve', params: { ...params, pubkey } });
    }
    const answer = await this.send(target, { method: 'batch', params: { requests } }, context);
    const results = isObject(answer.body) && Array.isArray(answer.body['results']) ? (answer.body['results'] as unknown[]) : [];
    const byNamespace: Record<number, NamespaceMessages> = {};
    namespaces.forEach((namespace, i) => {
      const result = results[i];
      byNamespace[namespace] = readMessages(isObject(result) ? result['body'] : undefined);
    });
    return { node: target.ed25519Hex, byNamespace };
  }

  /**
   * Runs `attempt` on a swarm member under the retry policy: a new member when the policy asks for
   * one, the swarm replaced after a 421, the clock corrected after a 406.
   */
  private onSwarm<T>(
    pubkey: string,
    signal: AbortSignal | undefined,
    onClockCorrected: (() => void) | undefined,
    attempt: (target: Snode, context: AttemptContext) => Promise<T>,
    start: { first?: Snode; tried?: Set<string> } = {},
  ): Promise<T> {
    const tried = start.tried ?? new Set<string>();
    let target = start.first;
    return withRetry(
      async (context) => {
        if (target === undefined || context.changeTarget) {
          const members = await this.options.swarms.members(pubkey, signal);
          target = members.find((m) => !tried.has(m.ed25519Hex)) ?? members[0];
        }
        if (target === undefined) throw new ParleyError('pool_unavailable', 'the swarm has no member', { reason: 'no_swarm_members' });
        tried.add(target.ed25519Hex);
        return attempt(target, context);
      },
      {
        ...this.retryOptions(signal),
        hooks: {
          updateSwarm: (error) => this.options.swarms.replace(pubkey, error.swarm, String(error.details['node'])),
          resyncClock: async (s) => {
            await this.resyncClock(s);
            onClockCorrected?.();
          },
        },
      },
    );
  }

  private send(target: Snode, rpc: { method: string; params: Record<string, unknown> }, context: AttemptContext) {
    return this.options.requester.sendToSnode(target, rpc, { signal: context.signal, avoidGuards: context.avoidGuards });
  }

  private retryOptions(signal: AbortSignal | undefined) {
    return {
      signal,
      random: this.random,
      ...(this.options.retryPolicy ? { policy: this.options.retryPolicy } : {}),
    };
  }
}

function checkHashList(hashes: readonly string[]): void {
  if (!Array.isArray(hashes) || hashes.length === 0) {
    throw new ParleyError('invalid_argument', 'hashes must be a non-empty array', { param: 'hashes', problem: 'length' });
  }
  hashes.forEach((hash: unknown, i) => {
    if (typeof hash !== 'string' || !MESSAGE_HASH.test(hash)) {
      throw new ParleyError('invalid_argument', `hashes[${i}] must be a 43-character message hash`, { param: `hashes[${i}]`, problem: 'encoding' });
    }
  });
}

/** The union of every member's `updated` list in an `expire` answer. */
function updatedHashes(body: unknown): string[] {
  const swarm = isObject(body) ? body['swarm'] : undefined;
  const hashes = new Set<string>();
  if (!isObject(swarm)) return [];
  for (const entry of Object.values(swarm)) {
    const updated = isObject(entry) ? entry['updated'] : undefined;
    if (Array.isArray(updated)) for (const h of updated) if (typeof h === 'string') hashes.add(h);
  }
  return [...hashes].sort();
}

/** One store's params; its timestamp is network time now, or the caller's until a clock correction. */
function storeParams(account: string, request: StoreRequest, clockCorrected: boolean, now: number): Record<string, unknown> {
  const timestamp = request.timestamp !== undefined && !clockCorrected ? request.timestamp : now;
  const params: Record<string, unknown> = {
    pubkey: account,
    namespace: request.namespace,
    data: request.dataBase64,
    ttl: request.ttl,
    timestamp,
  };
  if (request.signer) {
    params['sig_timestamp'] = now;
    params['pubkey_ed25519'] = toHex(request.signer.ed25519PublicKey);
    params['signature'] = signRequest({ method: 'store', namespace: request.namespace, timestamp: now }, request.signer.ed25519SecretKey);
  }
  return params;
}
