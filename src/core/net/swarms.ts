/**
 * Which service nodes hold an account's messages (network-protocol.md §1.3, §2.3). The swarm is
 * asked of a random pool node (`get_swarm`, through an onion), cached in the NetStore as the
 * members' Ed25519 keys, and asked again when fewer than 3 of them are still in the pool or after
 * `swarmMaxAgeMs`. A 421 answer names the right swarm, which replaces the cached one.
 */
import { isParleyError, ParleyError } from '../../shared/errors.ts';
import { raceAbort } from './abort.ts';
import { shortSessionId } from '../../../wasm/session-id.ts';
import type { NetworkProfile } from './network-profile.ts';
import type { OnionRequester } from './onion-request.ts';
import { pickOne, shuffled, type Random } from './random.ts';
import { withRetry, type RetryPolicy } from './retry.ts';
import { parseSwarmSnodes } from './snode-records.ts';
import type { SnodePool } from './snode-pool.ts';
import type { NetStore, Snode } from './types.ts';

/** Desktop asks again when fewer than this many cached members are still known. */
export const MIN_SWARM_MEMBERS = 3;

export interface SwarmCacheOptions {
  readonly profile: NetworkProfile;
  readonly store: NetStore;
  readonly pool: SnodePool;
  readonly requester: OnionRequester;
  readonly clock?: () => number;
  readonly random?: Random;
  readonly retryPolicy?: RetryPolicy;
  readonly log?: (line: string) => void;
}

export class SwarmCache {
  private readonly inFlight = new Map<string, Promise<Snode[]>>();
  private readonly clock: () => number;
  private readonly random: Random;
  private readonly log: (line: string) => void;

  constructor(private readonly options: SwarmCacheOptions) {
    this.clock = options.clock ?? Date.now;
    this.random = options.random ?? Math.random;
    this.log = options.log ?? (() => undefined);
  }

  /** The swarm's members that the pool knows, in random order; asks the network when needed. */
  async members(pubkey: string, signal?: AbortSignal): Promise<Snode[]> {
    if (typeof pubkey !== 'string' || !/^[0-9a-f]{66}$/.test(pubkey)) {
      throw new ParleyError('invalid_argument', 'pubkey must be 66 lower-case hex characters', { param: 'pubkey', problem: 'encoding' });
    }
    const cached = await this.options.store.loadSwarm(pubkey);
    const resolved = cached ? this.resolve(cached.members) : [];
    const fresh = cached !== undefined && this.clock() - cached.fetchedAt < this.options.profile.swarmMaxAgeMs;
    if (fresh && resolved.length >= MIN_SWARM_MEMBERS) return shuffled(resolved, this.random);
    try {
      return shuffled(await this.refresh(pubkey, signal), this.random);
    } catch (error) {
      // A stale swarm still beats none, unless the network itself is gone or the caller gave up.
      if (resolved.length === 0 || isParleyError(error, 'aborted') || isParleyError(error, 'network_offline')) throw error;
      return shuffled(resolved, this.random);
    }
  }

  /**
   * Asks a random pool node for the swarm (another one on failure). Concurrent callers share one
   * lookup, which no single caller's abort cancels (bounded attempts and timeouts end it).
   */
  refresh(pubkey: string, signal?: AbortSignal): Promise<Snode[]> {
    let pending = this.inFlight.get(pubkey);
    if (pending === undefined) {
      pending = this.fetch(pubkey).finally(() => this.inFlight.delete(pubkey));
      this.inFlight.set(pubkey, pending);
    }
    return raceAbort(pending, signal);
  }

  /** Takes the swarm a 421 named; an empty list only removes the node that answered. */
  async replace(pubkey: string, swarm: readonly Snode[], answeredBy: string): Promise<void> {
    if (swarm.length > 0) {
      await this.options.store.saveSwarm(pubkey, swarm.map((n) => n.ed25519Hex), this.clock());
      this.log(`net: swarm of ${shortSessionId(pubkey)} replaced from a 421 (${swarm.length} members)`);
      return;
    }
    const cached = await this.options.store.loadSwarm(pubkey);
    if (cached === undefined) return;
    await this.options.store.saveSwarm(pubkey, cached.members.filter((m) => m !== answeredBy), cached.fetchedAt);
  }

  private async fetch(pubkey: string): Promise<Snode[]> {
    const { pool, requester, store } = this.options;
    await pool.ensure();
    const tried = new Set<string>();
    let target: Snode | undefined;
    const answer = await withRetry(
      async ({ changeTarget, avoidGuards }) => {
        if (target === undefined || changeTarget) {
          const untried = pool.all().filter((n) => !tried.has(n.ed25519Hex));
          target = pickOne(untried.length > 0 ? untried : pool.all(), this.random);
        }
        if (target === undefined) throw new ParleyError('pool_unavailable', 'the pool is empty', { reason: 'empty' });
        tried.add(target.ed25519Hex);
        return requester.sendToSnode(target, { method: 'get_swarm', params: { pubkey } }, { avoidGuards });
      },
      { random: this.random, ...(this.options.retryPolicy ? { policy: this.options.retryPolicy } : {}) },
    );
    const snodes = parseSwarmSnodes(answer.body);
    if (snodes === undefined || snodes.length === 0) {
      throw new ParleyError('snode_unavailable', 'get_swarm named no swarm', { reason: 'no_swarm' });
    }
    const members = snodes.map((n) => n.ed25519Hex);
    await store.saveSwarm(pubkey, members, this.clock());
    const resolved = this.resolve(members);
    this.log(`net: swarm of ${shortSessionId(pubkey)}: ${members.length} members, ${resolved.length} in the pool`);
    if (resolved.length === 0) {
      throw new ParleyError('pool_unavailable', 'no member of the swarm is in the pool', { reason: 'no_swarm_members' });
    }
    return resolved;
  }

  private resolve(members: readonly string[]): Snode[] {
    return members.flatMap((ed) => {
      const node = this.options.pool.get(ed);
      return node ? [node] : [];
    });
  }
}
