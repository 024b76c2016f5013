/**
 * The snode pool (network-protocol.md §1.1–1.2): every service node the client may use for paths
 * and as a target. Kept in the NetStore; bootstrapped from the seed (through the relay) when too
 * small; refreshed from three random pool nodes through onions, taken only when they agree; nodes
 * that fail are dropped and the ones interested (paths, swarms) are told.
 */
import { isParleyError, ParleyError } from '../../shared/errors.ts';
import { abortedError, raceAbort, throwIfAborted } from './abort.ts';
import { FailureCounter, SNODE_FAILURE_THRESHOLD } from './failure-counters.ts';
import type { NetworkProfile } from './network-profile.ts';
import { shuffled, type Random } from './random.ts';
import { shortNode } from './snode-records.ts';
import type { RelayTransport } from './transport.ts';
import type { NetStore, Snode } from './types.ts';

/** Asks one pool node, through an onion, for its `get_service_nodes` list. */
export type NodeListAsker = (node: Snode, signal?: AbortSignal) => Promise<Snode[]>;
/** Told which nodes left the pool (dropped, or absent from a new list). */
export type DropListener = (removed: readonly string[]) => void | Promise<void>;

export interface SnodePoolOptions {
  readonly profile: NetworkProfile;
  readonly store: NetStore;
  readonly transport: Pick<RelayTransport, 'fetchSeedNodes'>;
  readonly random?: Random;
  readonly log?: (line: string) => void;
}

/** Desktop asks 3 nodes and intersects their answers. */
const REFRESH_SOURCES = 3;
const REFRESH_ROUNDS = 3;

export class SnodePool {
  private nodes: Snode[] = [];
  private byEd = new Map<string, Snode>();
  private loading: Promise<void> | undefined;
  private bootstrapping: Promise<void> | undefined;
  private readonly failures = new FailureCounter(SNODE_FAILURE_THRESHOLD);
  private readonly dropListeners = new Set<DropListener>();
  private readonly random: Random;
  private readonly log: (line: string) => void;

  constructor(private readonly options: SnodePoolOptions) {
    this.random = options.random ?? Math.random;
    this.log = options.log ?? (() => undefined);
  }

  all(): readonly Snode[] {
    return this.nodes;
  }

  get(ed25519Hex: string): Snode | undefined {
    return this.byEd.get(ed25519Hex);
  }

  /** The pool, loaded from the store and bootstrapped from the seed if it is too small. */
  async ensure(signal?: AbortSignal): Promise<readonly Snode[]> {
    this.loading ??= this.options.store.loadSnodePool().then((stored) => {
      if (this.nodes.length === 0) this.set(stored.filter(isSnode));
    });
    await this.loading;
    throwIfAborted(signal);
    if (this.nodes.length < this.options.profile.minPoolSize) await this.bootstrapFromSeed(signal);
    return this.nodes;
  }

  /**
   * Replaces the pool with the seed's list. Concurrent callers share one fetch, which no single
   * caller's abort cancels (the seed timeout bounds it); each caller stops waiting on its own abort.
   */
  async bootstrapFromSeed(signal?: AbortSignal): Promise<void> {
    this.bootstrapping ??= (async () => {
      try {
        const nodes = await this.options.transport.fetchSeedNodes();
        await this.replace(nodes);
        this.log(`net: pool bootstrapped from the seed (${nodes.length} nodes)`);
      } finally {
        this.bootstrapping = undefined;
      }
    })();
    await raceAbort(this.bootstrapping, signal);
  }

  /**
   * Asks 3 random pool nodes for their node lists and takes the intersection (on Ed25519 keys) when
   * at least `poolAgreementMin` nodes are in it; after a few disagreeing rounds the seed decides.
   */
  async refresh(ask: NodeListAsker, signal?: AbortSignal): Promise<'nodes' | 'seed'> {
    await this.ensure(signal);
    for (let round = 0; round < REFRESH_ROUNDS && this.nodes.length >= REFRESH_SOURCES; round++) {
      const sources = shuffled(this.nodes, this.random).slice(0, REFRESH_SOURCES);
      const answers = await Promise.allSettled(sources.map((node) => ask(node, signal)));
      if (signal?.aborted) throw abortedError();
      const offline = answers.find((a) => a.status === 'rejected' && isParleyError(a.reason, 'network_offline'));
      if (offline?.status === 'rejected') throw offline.reason;
      const lists = answers.flatMap((a) => (a.status === 'fulfilled' ? [a.value] : []));
      if (lists.length < REFRESH_SOURCES) continue;
      const agreed = intersect(lists);
      if (agreed.length >= this.options.profile.poolAgreementMin) {
        await this.replace(agreed);
        this.log(`net: pool refreshed from ${REFRESH_SOURCES} nodes (${agreed.length} agreed)`);
        return 'nodes';
      }
      this.log(`net: pool refresh round ${round + 1}: only ${agreed.length} nodes agreed`);
    }
    await this.bootstrapFromSeed(signal);
    return 'seed';
  }

  /** Counts a failure of a node; at the threshold (3 in a row) it is dropped. True when it was dropped. */
  async recordFailure(ed25519Hex: string): Promise<boolean> {
    if (!this.byEd.has(ed25519Hex)) return false;
    if (!this.failures.add(ed25519Hex)) return false;
    await this.drop(ed25519Hex);
    return true;
  }

  /** The node answered: its count is of consecutive failures, so it starts again. */
  resetFailures(ed25519Hex: string): void {
    this.failures.reset(ed25519Hex);
  }

  failureCount(ed25519Hex: string): number {
    return this.failures.count(ed25519Hex);
  }

  /** Removes a node (it failed too often, or a node said it does not exist) and tells the listeners. */
  async drop(ed25519Hex: string): Promise<void> {
    if (!this.byEd.has(ed25519Hex)) return;
    this.set(this.nodes.filter((n) => n.ed25519Hex !== ed25519Hex));
    this.failures.reset(ed25519Hex);
    this.log(`net: node ${shortNode(ed25519Hex)} dropped from the pool (${this.nodes.length} left)`);
    await this.options.store.saveSnodePool(this.nodes);
    await this.notify([ed25519Hex]);
  }

  onDrop(listener: DropListener): () => void {
    this.dropListeners.add(listener);
    return () => this.dropListeners.delete(listener);
  }

  private async replace(nodes: readonly Snode[]): Promise<void> {
    if (nodes.length === 0) throw new ParleyError('pool_unavailable', 'an empty node list', { reason: 'empty' });
    const removed = this.nodes.filter((n) => !nodes.some((m) => m.ed25519Hex === n.ed25519Hex)).map((n) => n.ed25519Hex);
    this.set([...nodes]);
    this.failures.clear();
    await this.options.store.saveSnodePool(this.nodes);
    if (removed.length > 0) await this.notify(removed);
  }

  private set(nodes: Snode[]): void {
    this.nodes = nodes;
    this.byEd = new Map(nodes.map((n) => [n.ed25519Hex, n]));
  }

  private async notify(removed: readonly string[]): Promise<void> {
    for (const listener of this.dropListeners) await listener(removed);
  }
}

/** The nodes every list has, on Ed25519 key, with the first list's record. */
export function intersect(lists: readonly (readonly Snode[])[]): Snode[] {
  const [first, ...rest] = lists;
  if (first === undefined) return [];
  const others = rest.map((list) => new Set(list.map((n) => n.ed25519Hex)));
  return first.filter((node) => others.every((set) => set.has(node.ed25519Hex)));
}

function isSnode(value: unknown): value is Snode {
  if (typeof value !== 'object' || value === null) return false;
  const n = value as Record<string, unknown>;
  return (
    typeof n['ed25519Hex'] === 'string' &&
    typeof n['x25519Hex'] === 'string' &&
    typeof n['ip'] === 'string' &&
    typeof n['port'] === 'number'
  );
}
