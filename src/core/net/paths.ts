/**
 * Onion paths (network-protocol.md §4.1, §4.5): `guardCount` paths `[guard, relay1, relay2]` drawn
 * from the pool. A guard is tested before use (the caller's `testGuard`, a zero-hop `info`); relays
 * never are, since testing them directly would show them the user's address. Failures are counted
 * per node and per path with desktop's thresholds; what fails too often is replaced.
 */
import { ParleyError } from '../../shared/errors.ts';
import { raceAbort } from './abort.ts';
import { FailureCounter, PATH_FAILURE_THRESHOLD } from './failure-counters.ts';
import type { NetworkProfile } from './network-profile.ts';
import { pickOne, shuffled, subnetOf, type Random } from './random.ts';
import { shortNode } from './snode-records.ts';
import type { SnodePool } from './snode-pool.ts';
import type { NetStore, OnionPath, Snode } from './types.ts';

export const PATH_HOPS = 3;
/** Desktop tests guard candidates two at a time. */
const GUARDS_PER_ROUND = 2;

/** True when the node answered a zero-hop request; throws only `network_offline` / `aborted`. */
export type GuardTester = (candidate: Snode, signal?: AbortSignal) => Promise<boolean>;

export interface PathEvents {
  readonly onBuilding?: () => void;
  readonly onPaths?: (paths: readonly OnionPath[]) => void;
}

export interface PathManagerOptions {
  readonly profile: NetworkProfile;
  readonly pool: SnodePool;
  readonly store: NetStore;
  readonly testGuard: GuardTester;
  readonly random?: Random;
  readonly log?: (line: string) => void;
  readonly events?: PathEvents;
}

export class PathManager {
  private paths: OnionPath[] = [];
  private loaded: Promise<void> | undefined;
  private building: Promise<void> | undefined;
  private readonly failures = new FailureCounter(PATH_FAILURE_THRESHOLD);
  private readonly random: Random;
  private readonly log: (line: string) => void;

  constructor(private readonly options: PathManagerOptions) {
    this.random = options.random ?? Math.random;
    this.log = options.log ?? (() => undefined);
    options.pool.onDrop((removed) => this.onNodesRemoved(removed));
  }

  current(): readonly OnionPath[] {
    return this.paths;
  }

  failureCount(guardEd25519Hex: string): number {
    return this.failures.count(guardEd25519Hex);
  }

  /** Loads the stored paths and builds the missing ones (testing new guards). */
  async ensure(signal?: AbortSignal): Promise<readonly OnionPath[]> {
    await this.options.pool.ensure(signal);
    this.loaded ??= this.load();
    await this.loaded;
    if (this.paths.length < this.options.profile.guardCount) {
      // Shared by concurrent callers, so no one caller's abort cancels it (guard-test timeouts bound it).
      this.building ??= this.buildMissing().finally(() => (this.building = undefined));
      await raceAbort(this.building, signal);
    }
    if (this.paths.length === 0) throw new ParleyError('path_failed', 'no onion path could be built', { reason: 'no_path' });
    return this.paths;
  }

  /** Drops every path and builds new ones with newly tested guards (the user's "new path" action). */
  async rebuild(signal?: AbortSignal): Promise<readonly OnionPath[]> {
    await this.building?.catch(() => undefined);
    this.loaded ??= Promise.resolve();
    this.failures.clear();
    await this.update([]);
    return this.ensure(signal);
  }

  /**
   * A random path for a request to `targetEd` (never one that contains it), preferring paths whose
   * guard has not failed this request yet. When the target sits on every path, a one-off path
   * through another tested guard is made for this request.
   */
  async pathFor(targetEd: string | undefined, avoidGuards: ReadonlySet<string>, signal?: AbortSignal): Promise<OnionPath> {
    await this.ensure(signal);
    const usable = this.paths.filter((p) => !p.some((n) => n.ed25519Hex === targetEd));
    const fresh = usable.filter((p) => !avoidGuards.has(p[0].ed25519Hex));
    const chosen = pickOne(fresh, this.random) ?? pickOne(usable, this.random);
    if (chosen !== undefined) return chosen;
    const guards = this.paths.map((p) => p[0]).filter((g) => g.ed25519Hex !== targetEd);
    const guard = guards.find((g) => !avoidGuards.has(g.ed25519Hex)) ?? guards[0];
    const exclude = new Set([...this.paths.map((p) => p[0].ed25519Hex), ...(targetEd ? [targetEd] : [])]);
    const oneOff = guard && this.completePath(guard, exclude);
    if (!oneOff) throw new ParleyError('path_failed', 'no path avoids the target', { reason: 'no_path' });
    return oneOff;
  }

  /**
   * A request through `path` got no usable answer (§4.5): each relay's failure count goes up (at
   * the threshold it leaves the pool and is replaced), and so does the path's; at the threshold
   * the path is dropped and rebuilt on the next request. Counts are of failures in a row: a
   * success through the path clears them (reportSuccess). `guardDown` (the relay could not reach
   * the guard) counts the guard too.
   */
  async reportFailure(path: OnionPath, options: { guardDown?: boolean } = {}): Promise<void> {
    const { pool } = this.options;
    if (options.guardDown) await pool.recordFailure(path[0].ed25519Hex);
    for (const relay of path.slice(1)) await pool.recordFailure(relay.ed25519Hex);
    const guard = path[0].ed25519Hex;
    if (!this.paths.some((p) => p[0].ed25519Hex === guard)) return;
    if (this.failures.add(guard)) {
      this.log(`net: path through ${shortNode(guard)} failed ${PATH_FAILURE_THRESHOLD} times; dropped`);
      await this.update(this.paths.filter((p) => p[0].ed25519Hex !== guard));
    }
  }

  /** A request went through `path` and back: its count, and its relays', start again. */
  reportSuccess(path: OnionPath): void {
    this.failures.reset(path[0].ed25519Hex);
    for (const relay of path.slice(1)) this.options.pool.resetFailures(relay.ed25519Hex);
  }

  private async load(): Promise<void> {
    const { pool, store, profile } = this.options;
    const stored = await store.loadPaths();
    const paths: OnionPath[] = [];
    for (const keys of stored) {
      const nodes = keys.map((k) => pool.get(k));
      if (nodes.length !== PATH_HOPS || nodes.some((n) => n === undefined)) continue;
      const path = nodes as unknown as OnionPath;
      const used = new Set(paths.flat().map((n) => n.ed25519Hex));
      if (new Set(keys).size !== PATH_HOPS || keys.some((k) => used.has(k))) continue;
      if (paths.length < profile.guardCount) paths.push(path);
    }
    if (this.paths.length === 0) this.paths = paths;
  }

  private async buildMissing(): Promise<void> {
    const { profile, pool, testGuard } = this.options;
    this.options.events?.onBuilding?.();
    const needed = profile.guardCount - this.paths.length;
    const used = () => new Set(this.paths.flat().map((n) => n.ed25519Hex));
    const candidates = shuffled(pool.all().filter((n) => !used().has(n.ed25519Hex)), this.random);
    const guards: Snode[] = [];
    for (let round = 0; round < profile.maxGuardRounds && guards.length < needed && candidates.length > 0; round++) {
      const batch = candidates.splice(0, Math.max(GUARDS_PER_ROUND, needed - guards.length));
      const passed = await Promise.all(batch.map((candidate) => testGuard(candidate)));
      batch.forEach((candidate, i) => passed[i] && guards.length < needed && guards.push(candidate));
    }
    const built: OnionPath[] = [];
    for (const guard of guards) {
      const exclude = new Set([...used(), ...built.flat().map((n) => n.ed25519Hex), ...guards.map((g) => g.ed25519Hex)]);
      const path = this.completePath(guard, exclude);
      if (path) built.push(path);
    }
    if (built.length > 0) {
      this.log(`net: built ${built.length} path(s) via ${built.map((p) => shortNode(p[0].ed25519Hex)).join(', ')}`);
      await this.update([...this.paths, ...built]);
    } else if (this.paths.length > 0) {
      this.options.events?.onPaths?.(this.paths);
    }
    if (this.paths.length === 0 && guards.length > 0) {
      throw new ParleyError('pool_unavailable', 'the pool has too few nodes for a path', { reason: 'too_few_nodes' });
    }
  }

  /** `[guard, relay1, relay2]` with relays from the pool outside `exclude` (and their subnets, on mainnet). */
  private completePath(guard: Snode, exclude: ReadonlySet<string>): OnionPath | undefined {
    const chosen: Snode[] = [guard];
    for (const node of shuffled(this.options.pool.all(), this.random)) {
      if (chosen.length === PATH_HOPS) break;
      if (exclude.has(node.ed25519Hex) || chosen.some((c) => c.ed25519Hex === node.ed25519Hex)) continue;
      if (this.options.profile.distinctSubnets && chosen.some((c) => subnetOf(c.ip) === subnetOf(node.ip))) continue;
      chosen.push(node);
    }
    return chosen.length === PATH_HOPS ? (chosen as unknown as OnionPath) : undefined;
  }

  /** Pool nodes are gone: a path that lost its guard goes; a lost relay is replaced at random. */
  private async onNodesRemoved(removed: readonly string[]): Promise<void> {
    const gone = new Set(removed);
    if (!this.paths.some((p) => p.some((n) => gone.has(n.ed25519Hex)))) return;
    const next: OnionPath[] = [];
    for (const path of this.paths) {
      if (gone.has(path[0].ed25519Hex)) {
        this.failures.reset(path[0].ed25519Hex);
        continue;
      }
      if (!path.some((n) => gone.has(n.ed25519Hex))) {
        next.push(path);
        continue;
      }
      const used = new Set([...this.paths.flat(), ...next.flat()].map((n) => n.ed25519Hex));
      const repaired = this.repair(path, gone, used);
      if (repaired) next.push(repaired);
    }
    await this.update(next);
  }

  private repair(path: OnionPath, gone: ReadonlySet<string>, used: ReadonlySet<string>): OnionPath | undefined {
    const kept = path.filter((n) => !gone.has(n.ed25519Hex));
    for (const node of shuffled(this.options.pool.all(), this.random)) {
      if (kept.length === PATH_HOPS) break;
      if (used.has(node.ed25519Hex) || gone.has(node.ed25519Hex)) continue;
      if (this.options.profile.distinctSubnets && kept.some((c) => subnetOf(c.ip) === subnetOf(node.ip))) continue;
      kept.push(node);
    }
    if (kept.length !== PATH_HOPS) return undefined;
    this.log(`net: path through ${shortNode(path[0].ed25519Hex)} repaired`);
    return kept as unknown as OnionPath;
  }

  private async update(paths: OnionPath[]): Promise<void> {
    this.paths = paths;
    await this.options.store.savePaths(paths.map((p) => p.map((n) => n.ed25519Hex)));
    this.options.events?.onPaths?.(this.paths);
  }
}
