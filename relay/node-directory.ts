/**
 * The service nodes the relay may forward to: exactly those its own seed query listed. An address
 * it does not know triggers at most one refresh (rate-limited), so the relay can never be turned
 * into an open proxy, not even towards other ports of its own machine.
 */
import { DIRECTORY_REQUEST, askSeeds, parseNodeList, type SeedQueryLimits } from './seeds.ts';
import type { SeedProfile } from './seed-profiles.ts';

export interface DirectoryLimits extends SeedQueryLimits {
  /** An unknown address makes the relay ask the seeds again at most this often. */
  readonly directoryRefreshIntervalMs: number;
}

export class NodeDirectory {
  private addresses = new Set<string>();
  private lastRefresh = Number.NEGATIVE_INFINITY;
  private refreshing: Promise<void> | undefined;

  constructor(
    private readonly profile: SeedProfile,
    private readonly limits: DirectoryLimits,
    private readonly clock: () => number = Date.now,
  ) {}

  get size(): number {
    return this.addresses.size;
  }

  /** True when `ip:port` is a listed node's storage address, refreshing the list once if needed. */
  async isKnown(ip: string, port: number): Promise<boolean> {
    const address = `${ip}:${port}`;
    if (this.addresses.has(address)) return true;
    // A query under way (the one at start, say) may be about to list it: wait for that one.
    if (this.refreshing !== undefined) {
      await this.refreshing.catch(() => undefined);
      if (this.addresses.has(address)) return true;
    }
    if (this.clock() - this.lastRefresh < this.limits.directoryRefreshIntervalMs) return false;
    await this.refresh().catch(() => undefined);
    return this.addresses.has(address);
  }

  /** Asks the seeds again; concurrent callers share one query. */
  refresh(): Promise<void> {
    this.refreshing ??= (async () => {
      this.lastRefresh = this.clock();
      try {
        const answer = await askSeeds(this.profile, new TextEncoder().encode(DIRECTORY_REQUEST), this.limits);
        const nodes = parseNodeList(answer.body);
        if (nodes.length > 0) this.addresses = new Set(nodes.map((n) => `${n.ip}:${n.port}`));
      } finally {
        this.refreshing = undefined;
      }
    })();
    return this.refreshing;
  }
}
