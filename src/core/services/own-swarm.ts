/**
 * Changes to copies in our OWN swarm (the only one our key may change, network-protocol.md §3.4):
 * delete by hash (delete for me, unsend) and shorten an expiry (delete-after-read once read).
 *
 * Each change is written to the `swarmChores` store first, then tried; it stays there until the
 * swarm has taken it, so going offline, locking or closing the app never loses it (a restored
 * device must not bring a deleted message back). `run` tries what is pending: after each new
 * change, when the engine starts and when the network comes back (core.ts). The local change has
 * already happened and is what the person sees. Logs hold counts and codes only.
 *
 * One runner per CoreContext, found with `ownSwarm(ctx)`: the services that change messages share it.
 */
import { isParleyError, type ErrorCode } from '../../shared/errors.ts';
import { addSwarmChore, listSwarmChores, removeSwarmChore, type SwarmChoreRecord } from '../store/index.ts';
import type { CoreContext } from './context.ts';

/** Failures no later attempt can fix: the chore is dropped (the swarm's TTL still ends the copy). */
const HOPELESS: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['invalid_argument']);

export class OwnSwarm {
  private running: Promise<void> | undefined;
  private rerun = false;

  constructor(private readonly ctx: CoreContext) {}

  /** Deletes our swarm's copies with these hashes, now or as soon as it can. */
  async delete(hashes: readonly string[]): Promise<void> {
    if (hashes.length === 0) return;
    await addSwarmChore(this.ctx.db, { kind: 'delete', hashes }, this.ctx.clock());
    await this.run();
  }

  /** Shortens our swarm's copies to end at `expiry` (network time, ms), now or as soon as it can. */
  async shorten(hashes: readonly string[], expiry: number): Promise<void> {
    if (hashes.length === 0) return;
    await addSwarmChore(this.ctx.db, { kind: 'shorten', hashes, expiry }, this.ctx.clock());
    await this.run();
  }

  /** Tries every pending chore, oldest first; stops at the first that fails for now (offline…). Never throws. */
  run(): Promise<void> {
    if (this.running !== undefined) {
      this.rerun = true;
      return this.running;
    }
    this.running = this.runAll().finally(() => {
      this.running = undefined;
      if (this.rerun) {
        this.rerun = false;
        void this.run();
      }
    });
    return this.running;
  }

  private async runAll(): Promise<void> {
    if (this.ctx.session.current.kind !== 'unlocked') return;
    let chores: SwarmChoreRecord[];
    try {
      chores = await listSwarmChores(this.ctx.db);
    } catch {
      return; // the database is closing: the chores wait for the next start
    }
    for (const chore of chores) {
      try {
        await this.apply(chore);
        await removeSwarmChore(this.ctx.db, chore.id);
      } catch (error) {
        const code = isParleyError(error) ? error.code : 'internal';
        this.ctx.log(`own swarm: ${chore.kind} of ${chore.hashes.length} copy(ies) failed (${code})`);
        if (!HOPELESS.has(code)) return;
        await removeSwarmChore(this.ctx.db, chore.id).catch(() => undefined);
      }
    }
  }

  private async apply(chore: SwarmChoreRecord): Promise<void> {
    const account = this.ctx.session.identity();
    if (chore.kind === 'delete') {
      await this.ctx.network.storage.deleteMessages(account, chore.hashes);
      return;
    }
    // The server refuses an expiry more than 60 s in the past (§3.4): an overdue one becomes "now".
    const expiry = Math.max(chore.expiry, this.ctx.network.time.now());
    await this.ctx.network.storage.shortenExpiry(account, chore.hashes, expiry);
  }
}

const runners = new WeakMap<CoreContext, OwnSwarm>();

export function ownSwarm(ctx: CoreContext): OwnSwarm {
  let runner = runners.get(ctx);
  if (runner === undefined) {
    runner = new OwnSwarm(ctx);
    runners.set(ctx, runner);
  }
  return runner;
}

/** Shorthands for the services. */
export function deleteFromOwnSwarm(ctx: CoreContext, hashes: readonly string[]): Promise<void> {
  return ownSwarm(ctx).delete(hashes);
}

export function shortenOwnExpiry(ctx: CoreContext, hashes: readonly string[], expiry: number): Promise<void> {
  return ownSwarm(ctx).shorten(hashes, expiry);
}
