/**
 * A test double: NetStore in memory, for the network layer's tests and fixtures.
 * Values are copied in and out, as IndexedDB's structured clone would.
 */
import type { NetStore, Snode } from '../src/core/net/types.ts';

export class MemoryNetStore implements NetStore {
  private pool: Snode[] = [];
  private paths: string[][] = [];
  private readonly swarms = new Map<string, { members: string[]; fetchedAt: number }>();
  private readonly lastHashes = new Map<string, { hash: string; expiresAt: number }>();

  constructor(private readonly clock: () => number = Date.now) {}

  async loadSnodePool(): Promise<Snode[]> {
    return this.pool.map((n) => ({ ...n }));
  }

  async saveSnodePool(nodes: readonly Snode[]): Promise<void> {
    this.pool = nodes.map((n) => ({ ...n }));
  }

  async loadPaths(): Promise<string[][]> {
    return this.paths.map((p) => [...p]);
  }

  async savePaths(paths: readonly (readonly string[])[]): Promise<void> {
    this.paths = paths.map((p) => [...p]);
  }

  async loadSwarm(pubkey: string): Promise<{ members: string[]; fetchedAt: number } | undefined> {
    const swarm = this.swarms.get(pubkey);
    return swarm && { members: [...swarm.members], fetchedAt: swarm.fetchedAt };
  }

  async saveSwarm(pubkey: string, members: readonly string[], fetchedAt: number): Promise<void> {
    this.swarms.set(pubkey, { members: [...members], fetchedAt });
  }

  async loadLastHash(nodeEd25519Hex: string, pubkey: string, namespace: number): Promise<string | undefined> {
    const key = lastHashKey(nodeEd25519Hex, pubkey, namespace);
    const entry = this.lastHashes.get(key);
    // An expired message is gone from the node, so asking after it would restart from the beginning anyway.
    if (entry && entry.expiresAt <= this.clock()) {
      this.lastHashes.delete(key);
      return undefined;
    }
    return entry?.hash;
  }

  async saveLastHash(nodeEd25519Hex: string, pubkey: string, namespace: number, hash: string, expiresAt: number): Promise<void> {
    this.lastHashes.set(lastHashKey(nodeEd25519Hex, pubkey, namespace), { hash, expiresAt });
  }
}

function lastHashKey(node: string, pubkey: string, namespace: number): string {
  return `${node}|${pubkey}|${namespace}`;
}
