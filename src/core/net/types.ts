/** The network layer's vocabulary, shared by the pool, swarms, paths and onion requests. */

/** A service node as the pool knows it (from a seed or from `get_service_nodes`). */
export interface Snode {
  /** Ed25519 public key, 64 lowercase hex: the node's identity in paths, swarms and trailers. */
  readonly ed25519Hex: string;
  /** X25519 public key, 64 lowercase hex: what onion layers are encrypted for. */
  readonly x25519Hex: string;
  readonly ip: string;
  /** HTTPS storage port. */
  readonly port: number;
}

/** `[guard, relay1, relay2]`: the 3 hops before the destination. */
export type OnionPath = readonly [Snode, Snode, Snode];

/** What the network layer persists; implemented over IndexedDB in store/, in memory for net/ unit tests. */
export interface NetStore {
  loadSnodePool(): Promise<Snode[]>;
  saveSnodePool(nodes: readonly Snode[]): Promise<void>;
  /** Guards and paths by the nodes' Ed25519 keys, resolved against the pool on load. */
  loadPaths(): Promise<string[][]>;
  savePaths(paths: readonly (readonly string[])[]): Promise<void>;
  /** A pubkey's swarm: the members' Ed25519 keys and when they were learned (ms). */
  loadSwarm(pubkey: string): Promise<{ readonly members: string[]; readonly fetchedAt: number } | undefined>;
  saveSwarm(pubkey: string, members: readonly string[], fetchedAt: number): Promise<void>;
  /** The last message hash seen from one node for one pubkey and namespace (retrieve's `last_hash`). */
  loadLastHash(nodeEd25519Hex: string, pubkey: string, namespace: number): Promise<string | undefined>;
  saveLastHash(nodeEd25519Hex: string, pubkey: string, namespace: number, hash: string, expiresAt: number): Promise<void>;
}
