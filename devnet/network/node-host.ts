/**
 * One devnet service node across its life: keys, record, HTTPS listener, storage, faults.
 * `stop()` closes the port (clients get "connection refused") and the SQLite file; `start()` opens
 * both again with the same keys, file and port; `restart()` is the two. A node keeps its place in
 * the network's node list while stopped, as a real node stays registered until decommissioned.
 */
import { checkInteger, checkString } from '../../wasm/check.ts';
import { ParleyError } from '../../src/shared/errors.ts';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { toBase64, toHex } from '../../wasm/bytes.ts';
import type { NetworkView, NodeRecord, SwarmEntry, SwarmTransport } from '../node/types.ts';
import { LOOPBACK } from './constants.ts';
import type { DevnetNodeKeys } from './node-keys.ts';
import { OnionRouter } from './onion-router.ts';
import type { OutboundResult } from './outbound-http.ts';
import type { RateLimiter } from './rate-limiter.ts';
import { SnodeServer, type ServingState } from './snode-server.ts';
import type { StorageEngine, StorageFactory } from './storage-engine.ts';
import type { ForwardTarget } from './swarm-transport.ts';
import { TIMEOUT_ENTRY } from './swarm-transport.ts';
import { sleep, withDeadline } from './timers.ts';
import type { TlsMaterial } from './tls.ts';
import type { ProxyPeel } from '../../wasm/onion/index.ts';

/** What every node of one devnet shares. */
export interface NodeEnvironment {
  readonly tls: TlsMaterial;
  readonly network: NetworkView;
  readonly transport: SwarmTransport;
  readonly storageFactory: StorageFactory;
  readonly findNode: (ed25519Hex: string) => NodeRecord | undefined;
  readonly relay: (next: NodeRecord, body: Uint8Array, timeoutMs: number) => Promise<OutboundResult>;
  readonly proxy: (peel: ProxyPeel, timeoutMs: number) => Promise<OutboundResult>;
  readonly proxyAllowed: (host: string) => boolean;
  readonly hopTimeoutMs: () => number;
  readonly proxyTimeoutMs: () => number;
  readonly rateLimiter: RateLimiter | undefined;
}

export interface NodeFaults {
  /** 503 mode: the reason given, or undefined when serving. */
  readonly notReadyReason: string | undefined;
  readonly garbage: boolean;
  readonly delayMs: number;
}

export const DEFAULT_NOT_READY_REASON = 'not done syncing';

export class ServiceNodeHost implements ForwardTarget {
  readonly ed25519Hex: string;
  readonly x25519Hex: string;
  private port: number;
  private storage: StorageEngine | undefined;
  private readonly server: SnodeServer;
  private faults: NodeFaults = { notReadyReason: undefined, garbage: false, delayMs: 0 };
  private currentRecord: NodeRecord | undefined;

  constructor(
    readonly index: number,
    readonly keys: DevnetNodeKeys,
    readonly swarmId: bigint,
    readonly dbPath: string,
    requestedPort: number,
    private readonly env: NodeEnvironment,
  ) {
    this.ed25519Hex = toHex(keys.ed25519PublicKey);
    this.x25519Hex = toHex(keys.x25519PublicKey);
    this.port = requestedPort;
    const onion = new OnionRouter({
      keys,
      ed25519Hex: this.ed25519Hex,
      notReadyReason: () => this.faults.notReadyReason,
      findNode: env.findNode,
      runRpc: (body) => this.runRpc(body),
      relay: env.relay,
      proxy: env.proxy,
      proxyAllowed: env.proxyAllowed,
      hopTimeoutMs: env.hopTimeoutMs,
      proxyTimeoutMs: env.proxyTimeoutMs,
    });
    this.server = new SnodeServer({
      tls: env.tls,
      // Since the Session network's hard fork a node's primary ("legacy") key is its Ed25519 key.
      pubkeyBase64: toBase64(keys.ed25519PublicKey),
      state: (): ServingState => this.faults,
      storage: () => this.storage,
      onion,
      rateLimiter: env.rateLimiter,
    });
  }

  /** Known once the node has listened for the first time. */
  get record(): NodeRecord {
    if (this.currentRecord === undefined) {
      throw new ParleyError('invalid_argument', `node ${this.index} has not listened yet`, { param: 'node', problem: 'state' });
    }
    return this.currentRecord;
  }

  get hasRecord(): boolean {
    return this.currentRecord !== undefined;
  }

  get running(): boolean {
    return this.server.listening;
  }

  get faultState(): NodeFaults {
    return this.faults;
  }

  /** Opens the port (first time: the requested one, 0 = any free one; later: the same again). */
  async listen(): Promise<void> {
    if (this.server.listening) return;
    this.port = await this.server.start(this.port);
    this.currentRecord ??= {
      ed25519Hex: this.ed25519Hex,
      x25519Hex: this.x25519Hex,
      ip: LOOPBACK,
      httpsPort: this.port,
      // Nothing listens there: the devnet has no OxenMQ/QUIC side. Real nodes use https port − 1 by default.
      omqPort: this.port - 1,
      swarmId: this.swarmId,
    };
  }

  /** Listens and opens storage; a running node is left as it is. */
  async start(): Promise<void> {
    await this.listen();
    if (this.storage === undefined) {
      mkdirSync(dirname(this.dbPath), { recursive: true });
      this.storage = this.env.storageFactory({
        keys: this.keys,
        record: this.record,
        dbPath: this.dbPath,
        network: this.env.network,
        transport: this.env.transport,
      });
    }
  }

  async stop(): Promise<void> {
    await this.server.stop();
    const storage = this.storage;
    this.storage = undefined;
    await storage?.close();
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  /** 503 mode: `/storage_rpc/v1` and `/onion_req/v2` answer "Service node is not ready: <reason>". */
  fail503(on: boolean, reason: string = DEFAULT_NOT_READY_REASON): void {
    checkBoolean(on, 'on');
    checkString(reason, 'reason');
    this.faults = { ...this.faults, notReadyReason: on ? reason : undefined };
  }

  /** Every HTTP request gets 200 with random bytes; forwarded swarm requests get an unparsable answer. */
  garbage(on: boolean): void {
    checkBoolean(on, 'on');
    this.faults = { ...this.faults, garbage: on };
  }

  /** Every answer (HTTP and swarm forwards) waits this long first; 0 ends the delay. */
  delay(ms: number): void {
    checkInteger(ms, 'ms', 0, 3_600_000);
    this.faults = { ...this.faults, delayMs: ms };
  }

  clearFaults(): void {
    this.faults = { notReadyReason: undefined, garbage: false, delayMs: 0 };
  }

  async pruneExpired(): Promise<void> {
    await this.storage?.pruneExpired();
  }

  async answerForwarded(method: string, params: Record<string, unknown>, timeoutMs: number): Promise<SwarmEntry> {
    const timedOut = (): SwarmEntry => ({ ...TIMEOUT_ENTRY });
    const work = async (): Promise<SwarmEntry> => {
      if (this.faults.delayMs > 0) await sleep(this.faults.delayMs);
      const storage = this.storage;
      if (storage === undefined || !this.running) {
        await sleep(timeoutMs);
        return timedOut();
      }
      if (this.faults.garbage) return { failed: true, bad_peer_response: true };
      const reason = this.faults.notReadyReason;
      if (reason !== undefined) return { failed: true, code: '503', reason: `Service node is not ready: ${reason}` };
      return storage.handleForwarded(method, params);
    };
    return withDeadline(work(), timeoutMs, timedOut);
  }

  private runRpc(body: Uint8Array) {
    const storage = this.storage;
    if (storage === undefined) {
      return Promise.resolve({ status: 503, contentType: 'text/plain' as const, body: 'Snode not ready' });
    }
    return storage.handleRpc(body);
  }
}

function checkBoolean(value: unknown, name: string): asserts value is boolean {
  if (typeof value !== 'boolean') {
    throw new ParleyError('invalid_argument', `${name} must be a boolean`, { param: name, problem: 'type' });
  }
}
