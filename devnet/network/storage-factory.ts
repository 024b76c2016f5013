/** The storage logic a Devnet runs by default: devnet/node's StorageNode, on the devnet's hard fork. */
import { StorageNode } from '../node/storage-node.ts';
import { DEVNET_HARDFORK, STORAGE_SERVER_VERSION } from './constants.ts';
import type { StorageFactory } from './storage-engine.ts';

export const defaultStorageFactory: StorageFactory = (init) =>
  new StorageNode({ ...init, version: STORAGE_SERVER_VERSION, hardfork: DEVNET_HARDFORK });
