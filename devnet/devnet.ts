/**
 * A local Session network in one process: a seed node and `nodeCount` service nodes in
 * `swarmCount` swarms, each node an HTTPS server on 127.0.0.1 with its own SQLite file, plus
 * fault injection and (optionally) a loopback control port for tests in other processes.
 *
 *   const devnet = new Devnet({ dataDir, nodeCount: 12 });
 *   const { seedUrl, nodes } = await devnet.start();
 *   await devnet.node(3).stop();   devnet.node(4).fail503(true);   devnet.node(5).delay(3000);
 *   await devnet.stop();
 *
 * Data folder: keys.json (node seeds, 0600), tls/ (one self-signed certificate shared by all
 * servers), nodes/<i>/storage.db, files/ (the file server's uploads; its key is in keys.json). Ports: basePort 0 (default) lets the OS pick free ports;
 * otherwise the seed listens on basePort and node i on basePort + 1 + i.
 *
 * The file server (devnet/file-server/) runs beside the nodes on 127.0.0.1 and is reached only
 * through onion requests whose last node proxies to it; `fileServer` names it for the network profile.
 */
import { Agent } from 'node:https';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fromHex } from '../wasm/bytes.ts';
import { checkBytes, checkInteger } from '../wasm/check.ts';
import { ParleyError } from '../src/shared/errors.ts';
import type { ProxyPeel } from '../wasm/onion/index.ts';
import { ready } from '../wasm/sodium.ts';
import type { NetworkView, NodeRecord } from './node/types.ts';
import {
  DEFAULT_FORWARD_TIMEOUT_MS,
  DEFAULT_HOP_TIMEOUT_MS,
  DEFAULT_PROXY_TIMEOUT_MS,
  DEVNET_RELAY_HEADER,
  MAX_REQUEST_BODY_BYTES,
  SNODE_SERVER_HEADER,
} from './network/constants.ts';
import { ControlServer, newControlToken } from './network/control-server.ts';
import { NetworkClock } from './network/network-clock.ts';
import { keysFromSeed, resolveNodeSeeds } from './network/node-keys.ts';
import { ServiceNodeHost, type NodeFaults } from './network/node-host.ts';
import { postOnce, type OutboundResult } from './network/outbound-http.ts';
import { RateLimiter } from './network/rate-limiter.ts';
import { SeedServer } from './network/seed-server.ts';
import type { StorageFactory } from './network/storage-engine.ts';
import { InProcessSwarmTransport } from './network/swarm-transport.ts';
import { evenSwarmIds, swarmOfNode } from './network/swarm-ids.ts';
import { loadOrCreateTls } from './network/tls.ts';
import { defaultStorageFactory } from './network/storage-factory.ts';
import type { FileServerProfile } from '../src/shared/file-server-api.ts';
import { FileServer } from './file-server/file-server.ts';
import { resolveFileServerKeys } from './file-server/file-server-keys.ts';
import { FileStore } from './file-server/file-store.ts';

export interface DevnetOptions {
  readonly dataDir: string;
  readonly nodeCount?: number;
  readonly swarmCount?: number;
  /** Wipe keys, certificate and every node's messages before starting. */
  readonly reset?: boolean;
  /** Derive node keys from this seed (bytes or hex): node i's Ed25519 seed = BLAKE2b-256(seed ‖ u32le(i)). */
  readonly deterministicSeed?: Uint8Array | string;
  /** Explicit 32-byte Ed25519 seeds for the first nodes (e.g. the ONION-3HOP vector's 32 × i). */
  readonly nodeSeeds?: readonly Uint8Array[];
  /** 0 (default): free ports chosen by the OS. Otherwise seed = basePort, node i = basePort + 1 + i. */
  readonly basePort?: number;
  /** Control HTTP port on 127.0.0.1 (0 = any free port); absent: no control server. */
  readonly controlPort?: number;
  /**
   * The bearer token the control port requires (at least 16 printable ASCII characters). Absent
   * (the normal case): a fresh random one per start, readable as `controlToken`.
   */
  readonly controlToken?: string;
  readonly hopTimeoutMs?: number;
  readonly forwardTimeoutMs?: number;
  readonly proxyTimeoutMs?: number;
  /** How often expired messages are pruned (default 10 s). */
  readonly pruneIntervalMs?: number;
  /** Per-IP token bucket on /storage_rpc/v1 (default on, as on real nodes; every devnet client is 127.0.0.1). */
  readonly rateLimit?: boolean;
  /** Hosts an onion's last hop may proxy to (default loopback only: a devnet never reaches the internet). */
  readonly proxyAllowedHosts?: readonly string[];
  /** The file server's HTTP port on 127.0.0.1 (default: basePort - 2, or any free port when basePort is 0). */
  readonly fileServerPort?: number;
  /** The storage logic of each node (default: devnet/node's StorageNode). */
  readonly storageFactory?: StorageFactory;
}

export interface DevnetNodeInfo {
  readonly index: number;
  readonly ed25519Hex: string;
  readonly x25519Hex: string;
  readonly ip: string;
  readonly httpsPort: number;
  readonly omqPort: number;
  /** Swarm id as lowercase hex, as `get_swarm` writes it. */
  readonly swarm: string;
  /** Swarm id in decimal (a u64 does not fit a JSON double). */
  readonly swarmId: string;
  readonly running: boolean;
  readonly faults: NodeFaults;
}

export interface DevnetStarted {
  readonly seedUrl: string;
  readonly nodes: readonly DevnetNodeInfo[];
  readonly controlUrl: string | undefined;
  /** What the control port wants in `Authorization: Bearer <token>`; undefined without a control port. */
  readonly controlToken: string | undefined;
  /** The file server as a network profile names it (url, Ed25519 and X25519 keys). */
  readonly fileServer: FileServerProfile;
}

export class Devnet {
  private readonly options: DevnetOptions;
  private readonly clock = new NetworkClock();
  private hosts: ServiceNodeHost[] = [];
  private byEd25519 = new Map<string, ServiceNodeHost>();
  private seed: SeedServer | undefined;
  private control: ControlServer | undefined;
  private files: FileServer | undefined;
  private fileStore: FileStore | undefined;
  private relayAgent: Agent | undefined;
  private pruneTimer: NodeJS.Timeout | undefined;
  private started = false;
  hopTimeoutMs: number;
  forwardTimeoutMs: number;
  proxyTimeoutMs: number;

  /** What storage logic sees of the network. */
  readonly network: NetworkView = {
    nodes: () => this.records(),
    now: () => this.clock.now(),
    height: () => this.clock.height(),
  };

  constructor(options: DevnetOptions) {
    this.options = checkOptions(options);
    this.hopTimeoutMs = options.hopTimeoutMs ?? DEFAULT_HOP_TIMEOUT_MS;
    this.forwardTimeoutMs = options.forwardTimeoutMs ?? DEFAULT_FORWARD_TIMEOUT_MS;
    this.proxyTimeoutMs = options.proxyTimeoutMs ?? DEFAULT_PROXY_TIMEOUT_MS;
  }

  async start(): Promise<DevnetStarted> {
    if (this.started) throw new ParleyError('invalid_argument', 'this devnet is already started', { param: 'devnet', problem: 'state' });
    this.started = true;
    try {
      return await this.startAll();
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  private async startAll(): Promise<DevnetStarted> {
    await ready();
    const { dataDir } = this.options;
    if (this.options.reset) resetDataDir(dataDir);
    mkdirSync(dataDir, { recursive: true });
    const nodeCount = this.options.nodeCount ?? 12;
    const seeds = resolveNodeSeeds({
      count: nodeCount,
      keysFile: join(dataDir, 'keys.json'),
      devnetSeed: toSeedBytes(this.options.deterministicSeed),
      explicitSeeds: this.options.nodeSeeds,
    });
    const tls = await loadOrCreateTls(join(dataDir, 'tls'));
    const swarmIds = evenSwarmIds(this.options.swarmCount ?? 2);
    const basePort = this.options.basePort ?? 0;
    const allowedHosts = new Set((this.options.proxyAllowedHosts ?? ['127.0.0.1', 'localhost']).map((h) => h.toLowerCase()));
    this.relayAgent = new Agent({ keepAlive: true, rejectUnauthorized: false });
    const relayAgent = this.relayAgent;
    const transport = new InProcessSwarmTransport(
      (ed25519Hex) => this.byEd25519.get(ed25519Hex),
      () => this.forwardTimeoutMs,
    );
    const env = {
      tls,
      network: this.network,
      transport,
      storageFactory: this.options.storageFactory ?? defaultStorageFactory,
      findNode: (ed25519Hex: string) => {
        const host = this.byEd25519.get(ed25519Hex);
        return host?.hasRecord ? host.record : undefined;
      },
      relay: (next: NodeRecord, body: Uint8Array, timeoutMs: number): Promise<OutboundResult> =>
        postOnce({
          protocol: 'https',
          host: next.ip,
          port: next.httpsPort,
          path: '/onion_req/v2',
          body,
          headers: { 'Content-Type': 'application/octet-stream', [DEVNET_RELAY_HEADER]: '1' },
          timeoutMs,
          agent: relayAgent,
          verifyTls: false,
          maxResponseBytes: MAX_REQUEST_BODY_BYTES,
        }),
      proxy: (peel: ProxyPeel, timeoutMs: number): Promise<OutboundResult> =>
        postOnce({
          protocol: peel.protocol,
          host: peel.host,
          port: peel.port,
          path: peel.target,
          body: peel.layerPlaintext,
          headers: { 'User-Agent': SNODE_SERVER_HEADER, 'Content-Type': 'application/octet-stream' },
          timeoutMs,
          agent: false,
          verifyTls: true,
          maxResponseBytes: MAX_REQUEST_BODY_BYTES,
        }),
      proxyAllowed: (host: string) => allowedHosts.has(host.toLowerCase()),
      hopTimeoutMs: () => this.hopTimeoutMs,
      proxyTimeoutMs: () => this.proxyTimeoutMs,
      rateLimiter: this.options.rateLimit === false ? undefined : new RateLimiter(),
    };

    this.hosts = seeds.map(
      (seed, i) =>
        new ServiceNodeHost(
          i,
          keysFromSeed(seed),
          swarmOfNode(i, swarmIds),
          join(dataDir, 'nodes', String(i), 'storage.db'),
          basePort === 0 ? 0 : basePort + 1 + i,
          env,
        ),
    );
    this.byEd25519 = new Map(this.hosts.map((host) => [host.ed25519Hex, host]));
    // Every port first, so each node's storage sees the whole network from its first moment.
    for (const host of this.hosts) await host.listen();
    for (const host of this.hosts) await host.start();

    this.fileStore = new FileStore(join(dataDir, 'files'), () => this.clock.now());
    this.files = new FileServer(resolveFileServerKeys(join(dataDir, 'keys.json')), this.fileStore);
    await this.files.start(this.options.fileServerPort ?? (basePort === 0 ? 0 : basePort - 2));

    this.seed = new SeedServer(tls, { nodes: () => this.records(), height: () => this.clock.height(), now: () => this.clock.now() });
    await this.seed.start(basePort);
    if (this.options.controlPort !== undefined) {
      this.control = new ControlServer(this, this.options.controlToken ?? newControlToken());
      await this.control.start(this.options.controlPort);
    }
    const pruneEvery = this.options.pruneIntervalMs ?? 10_000;
    this.pruneTimer = setInterval(() => void this.pruneExpired(), pruneEvery);
    this.pruneTimer.unref();
    return {
      seedUrl: this.seedUrl,
      nodes: this.table(),
      controlUrl: this.control?.url,
      controlToken: this.control?.token,
      fileServer: this.fileServer,
    };
  }

  /** Closes every server, connection, timer and database; safe to call more than once. */
  async stop(): Promise<void> {
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    this.pruneTimer = undefined;
    await this.control?.stop();
    this.control = undefined;
    await this.seed?.stop();
    this.seed = undefined;
    await this.files?.stop();
    this.files = undefined;
    await Promise.all(this.hosts.map((host) => host.stop()));
    this.relayAgent?.destroy();
    this.relayAgent = undefined;
  }

  get seedUrl(): string {
    if (!this.seed) throw new ParleyError('invalid_argument', 'the devnet is not running', { param: 'devnet', problem: 'state' });
    return this.seed.url;
  }

  get controlUrl(): string | undefined {
    return this.control?.url;
  }

  /** The control port's bearer token (random per start unless `controlToken` was given). */
  get controlToken(): string | undefined {
    return this.control?.token;
  }

  /** The file server as a network profile names it. */
  get fileServer(): FileServerProfile {
    if (!this.files) throw new ParleyError('invalid_argument', 'the devnet is not running', { param: 'devnet', problem: 'state' });
    return { url: this.files.url, ed25519PublicKeyHex: this.files.ed25519PublicKeyHex, x25519PublicKeyHex: this.files.x25519PublicKeyHex };
  }

  /** The file server's port, for tests that stop and restart the devnet on the same one. */
  get fileServerPort(): number | undefined {
    return this.files?.port;
  }

  get nodes(): readonly ServiceNodeHost[] {
    return this.hosts;
  }

  /** A node by index or Ed25519 hex; its stop/start/restart/fail503/garbage/delay inject faults. */
  node(which: number | string): ServiceNodeHost {
    const host = typeof which === 'number' ? this.hosts[which] : this.byEd25519.get(which.toLowerCase());
    if (host === undefined) {
      throw new ParleyError('invalid_argument', `no devnet node ${String(which)}`, { param: 'which', problem: 'unknown' });
    }
    return host;
  }

  /** Every registered node, running or not. */
  records(): NodeRecord[] {
    return this.hosts.filter((host) => host.hasRecord).map((host) => host.record);
  }

  table(): DevnetNodeInfo[] {
    return this.hosts.filter((host) => host.hasRecord).map((host) => describeNode(host));
  }

  get clockOffsetMs(): number {
    return this.clock.clockOffsetMs;
  }

  /** Shifts the devnet's clock (what nodes use for timestamps, TTLs and expiry) by `ms`. */
  setClockOffset(ms: number): void {
    this.clock.setClockOffset(ms);
  }

  async pruneExpired(): Promise<void> {
    this.fileStore?.prune();
    for (const host of this.hosts) {
      try {
        await host.pruneExpired();
      } catch {
        // A node stopping mid-prune is not an error.
      }
    }
  }
}

export function describeNode(host: ServiceNodeHost): DevnetNodeInfo {
  const record = host.record;
  return {
    index: host.index,
    ed25519Hex: record.ed25519Hex,
    x25519Hex: record.x25519Hex,
    ip: record.ip,
    httpsPort: record.httpsPort,
    omqPort: record.omqPort,
    swarm: record.swarmId.toString(16),
    swarmId: record.swarmId.toString(10),
    running: host.running,
    faults: host.faultState,
  };
}

function checkOptions(options: DevnetOptions): DevnetOptions {
  if (typeof options !== 'object' || options === null) {
    throw new ParleyError('invalid_argument', 'options must be an object', { param: 'options', problem: 'type' });
  }
  if (typeof options.dataDir !== 'string' || options.dataDir.length === 0) {
    throw new ParleyError('invalid_argument', 'dataDir must be a non-empty path', { param: 'dataDir', problem: 'type' });
  }
  if (options.nodeCount !== undefined) checkInteger(options.nodeCount, 'nodeCount', 1, 1000);
  if (options.swarmCount !== undefined) checkInteger(options.swarmCount, 'swarmCount', 1, 1000);
  if (options.basePort !== undefined) checkInteger(options.basePort, 'basePort', 0, 65535 - 1 - (options.nodeCount ?? 12));
  if (options.controlPort !== undefined) checkInteger(options.controlPort, 'controlPort', 0, 65535);
  if (options.fileServerPort !== undefined) checkInteger(options.fileServerPort, 'fileServerPort', 0, 65535);
  for (const name of ['hopTimeoutMs', 'forwardTimeoutMs', 'proxyTimeoutMs', 'pruneIntervalMs'] as const) {
    if (options[name] !== undefined) checkInteger(options[name], name, 1, 3_600_000);
  }
  return options;
}

function toSeedBytes(seed: Uint8Array | string | undefined): Uint8Array | undefined {
  if (seed === undefined) return undefined;
  const bytes = typeof seed === 'string' ? fromHex(seed, 'deterministicSeed') : seed;
  checkBytes(bytes, 'deterministicSeed');
  if (bytes.length === 0) throw new ParleyError('invalid_argument', 'deterministicSeed is empty', { param: 'deterministicSeed', problem: 'length' });
  return bytes;
}

/** Removes only what a devnet writes there, never anything else in the folder. */
function resetDataDir(dataDir: string): void {
  for (const entry of ['keys.json', 'tls', 'nodes', 'files']) rmSync(join(dataDir, entry), { recursive: true, force: true });
}
