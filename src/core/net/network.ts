/**
 * The network layer put together for one profile: relay transport, network time, pool, paths,
 * onion requests, swarms and the storage client. The services get `storage` and `state`; the
 * rest is exposed for tests and diagnostics. No timers run in here: the pool refresh that desktop
 * does every hour happens on the first request after it is due.
 */
import { isParleyError } from '../../shared/errors.ts';
import { FileServerClient } from './file-server-client.ts';
import { guardTester } from './guard-tester.ts';
import type { NetworkProfile } from './network-profile.ts';
import { NetworkState } from './network-state.ts';
import { NetworkTime } from './network-time.ts';
import { OnionRequester } from './onion-request.ts';
import { PathManager } from './paths.ts';
import type { Random } from './random.ts';
import type { RetryPolicy } from './retry.ts';
import { parseServiceNodeStates, isObject } from './snode-records.ts';
import { SnodePool } from './snode-pool.ts';
import { StorageClient } from './storage-client.ts';
import { SwarmCache } from './swarms.ts';
import { RelayTransport, type FetchLike } from './transport.ts';
import type { NetStore, Snode } from './types.ts';

export interface NetworkOptions {
  readonly profile: NetworkProfile;
  readonly store: NetStore;
  readonly fetch?: FetchLike;
  /** The device clock (ms); network time corrects it. */
  readonly clock?: () => number;
  readonly random?: Random;
  readonly retryPolicy?: RetryPolicy;
  /** One line per event; never keys, bodies or full Session IDs. */
  readonly log?: (line: string) => void;
}

export interface Network {
  readonly profile: NetworkProfile;
  readonly storage: StorageClient;
  readonly state: NetworkState;
  readonly time: NetworkTime;
  readonly pool: SnodePool;
  readonly paths: PathManager;
  readonly swarms: SwarmCache;
  readonly requester: OnionRequester;
  /** Attachments' file server through onions (uploads and downloads of encrypted blobs). */
  readonly files: FileServerClient;
  /** Pool and paths in place, and the pool refreshed if it is due; called before every storage request. */
  ready(signal?: AbortSignal): Promise<void>;
  /** Refreshes the pool from 3 nodes now (or from the seed when they disagree). */
  refreshPool(signal?: AbortSignal): Promise<'nodes' | 'seed'>;
}

export function createNetwork(options: NetworkOptions): Network {
  const { profile, store, log } = options;
  const clock = options.clock ?? Date.now;
  const random = options.random ?? Math.random;
  const common = { random, ...(log ? { log } : {}) };
  // The state needs `storage` for its probe and the transport needs the state: tied up below.
  let storage: StorageClient | undefined;
  const state = new NetworkState((signal) => storage!.info(signal ? { signal } : {}));
  const transport = new RelayTransport(profile, options.fetch, {
    onReachable: () => state.reportReachable(),
    onUnreachable: () => state.reportOffline(),
  });
  const time = new NetworkTime(clock);
  const pool = new SnodePool({ profile, store, transport, ...common });
  const paths = new PathManager({
    profile,
    pool,
    store,
    testGuard: guardTester(transport, profile, time),
    events: { onBuilding: () => state.reportBuilding(), onPaths: (p) => state.reportPaths(p) },
    ...common,
  });
  const requester = new OnionRequester({
    profile,
    transport,
    pool,
    paths,
    time,
    onDelivered: (path, target) => state.reportDelivered(path, target.ed25519Hex),
    ...(log ? { log } : {}),
  });
  const retry = options.retryPolicy ? { retryPolicy: options.retryPolicy } : {};
  const swarms = new SwarmCache({ profile, store, pool, requester, clock, ...common, ...retry });

  const askNodeList = async (node: Snode, signal?: AbortSignal): Promise<Snode[]> => {
    const params = {
      endpoint: 'get_service_nodes',
      params: { active_only: true, fields: { public_ip: true, storage_port: true, pubkey_x25519: true, pubkey_ed25519: true } },
    };
    const answer = await requester.sendToSnode(node, { method: 'oxend_request', params }, signal ? { signal } : {});
    return parseServiceNodeStates(isObject(answer.body) ? answer.body['result'] : undefined);
  };

  let nextRefreshAt = clock() + profile.firstPoolRefreshAfterMs;
  const refreshPool = async (signal?: AbortSignal) => {
    nextRefreshAt = clock() + profile.poolRefreshIntervalMs;
    return pool.refresh(askNodeList, signal);
  };
  const ready = async (signal?: AbortSignal) => {
    await paths.ensure(signal);
    if (clock() < nextRefreshAt) return;
    try {
      await refreshPool(signal);
    } catch (error) {
      // A refresh that fails leaves the old pool in place; only the caller's abort or going offline counts.
      if (isParleyError(error, 'aborted') || isParleyError(error, 'network_offline')) throw error;
    }
  };

  storage = new StorageClient({ store, pool, swarms, requester, time, prepare: ready, ...common, ...retry });
  // A devnet started offline has no file server in its profile yet: asked of its relay when needed.
  const discover = profile.name === 'devnet' && profile.fileServer === undefined ? (signal?: AbortSignal) => transport.askFileServer(signal) : undefined;
  const files = new FileServerClient({ profile, transport, paths, discover, ...(log ? { log } : {}) });
  return { profile, storage, state, time, pool, paths, swarms, requester, files, ready, refreshPool };
}
