/**
 * What the network side needs of a node's storage logic: the shape of devnet/node/storage-node.ts's
 * `StorageNode`, named here so the network can be tested with stand-ins and so the real class is
 * chosen in one place (the factory a Devnet is given, default `storage-factory.ts`).
 */
import type { NetworkView, NodeKeys, NodeRecord, RpcReply, SwarmEntry, SwarmTransport } from '../node/types.ts';

export interface StorageEngine {
  /** The whole `/storage_rpc/v1` body handling; never throws. */
  handleRpc(body: Uint8Array): Promise<RpcReply>;
  /** The peer side of a recursive request (store, delete, expire …) forwarded by a swarm member. */
  handleForwarded(method: string, params: Record<string, unknown>): Promise<SwarmEntry>;
  pruneExpired(): unknown;
  close(): unknown;
}

export interface StorageInit {
  readonly keys: NodeKeys;
  readonly record: NodeRecord;
  /** SQLite file of this node; it survives stop/start/restart. */
  readonly dbPath: string;
  readonly network: NetworkView;
  readonly transport: SwarmTransport;
}

export type StorageFactory = (init: StorageInit) => StorageEngine;
