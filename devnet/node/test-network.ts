/**
 * An in-process devnet for tests: real StorageNodes on temporary SQLite files, a clock the test
 * controls, and a swarm transport that calls the peer's `handleForwarded` directly (after a JSON
 * round trip, as a wire would). Peers can be marked down to see failure entries.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toHex } from '../../wasm/bytes.ts';
import { identityFromEntropy } from '../../wasm/identity.ts';
import { StorageNode, type StorageNodeOptions } from './storage-node.ts';
import type { NetworkView, NodeKeys, NodeRecord, SwarmEntry, SwarmTransport } from './types.ts';

export interface TestNetworkOptions {
  /** One entry per swarm: its id. */
  readonly swarms: readonly bigint[];
  readonly nodesPerSwarm: number;
  /** Starting clock, ms since the epoch. */
  readonly now: number;
  readonly hardfork?: readonly [number, number];
}

export class TestNetwork {
  readonly records: NodeRecord[] = [];
  /** Nodes open their database when first used, which keeps test setup cheap. */
  private readonly opened = new Map<string, StorageNode>();
  /** Ed25519 hex of peers whose forwarded requests time out. */
  readonly down = new Set<string>();
  clock: number;
  height = 1000;
  readonly view: NetworkView;
  readonly transport: SwarmTransport;
  private readonly keys = new Map<string, NodeKeys>();
  private readonly dir: string;
  private readonly hardfork: readonly [number, number] | undefined;

  constructor(options: TestNetworkOptions) {
    this.clock = options.now;
    this.hardfork = options.hardfork;
    this.dir = mkdtempSync(join(tmpdir(), 'parley-devnet-'));
    this.view = { nodes: () => this.records, now: () => this.clock, height: () => this.height };
    this.transport = { forward: (peer, method, params) => this.forward(peer, method, params) };
    let n = 0;
    for (const swarmId of options.swarms) {
      for (let i = 0; i < options.nodesPerSwarm; i++) {
        n++;
        const id = identityFromEntropy(new Uint8Array(32).fill(200 + n));
        const keys: NodeKeys = {
          ed25519PublicKey: id.ed25519PublicKey,
          ed25519SecretKey: id.ed25519SecretKey,
          x25519PublicKey: id.x25519PublicKey,
          x25519SecretKey: id.x25519SecretKey,
        };
        const record: NodeRecord = {
          ed25519Hex: toHex(id.ed25519PublicKey),
          x25519Hex: toHex(id.x25519PublicKey),
          ip: `127.0.0.${n}`,
          httpsPort: 22100 + n,
          omqPort: 22200 + n,
          swarmId,
        };
        this.records.push(record);
        this.keys.set(record.ed25519Hex, keys);
      }
    }
  }

  node(index: number): StorageNode {
    const record = this.records[index];
    if (record === undefined) throw new Error(`no node ${index}`);
    return this.byKey(record.ed25519Hex)!;
  }

  /** The node with this Ed25519 key (hex), or `undefined` for a key the network does not list. */
  byKey(ed25519Hex: string): StorageNode | undefined {
    const existing = this.opened.get(ed25519Hex);
    if (existing !== undefined) return existing;
    const record = this.records.find((r) => r.ed25519Hex === ed25519Hex);
    if (record === undefined) return undefined;
    const node = this.open(record);
    this.opened.set(ed25519Hex, node);
    return node;
  }

  /** The nodes of one swarm, in list order. */
  members(swarmId: bigint): StorageNode[] {
    return this.records.filter((r) => r.swarmId === swarmId).map((r) => this.byKey(r.ed25519Hex)!);
  }

  keysOf(ed25519Hex: string): NodeKeys {
    return this.keys.get(ed25519Hex)!;
  }

  /** Closes a node and opens it again on the same file: a restart. */
  restart(index: number): StorageNode {
    const record = this.records[index]!;
    this.opened.get(record.ed25519Hex)?.close();
    const fresh = this.open(record);
    this.opened.set(record.ed25519Hex, fresh);
    return fresh;
  }

  dbPath(record: NodeRecord): string {
    return join(this.dir, `${record.ed25519Hex}.sqlite`);
  }

  close(): void {
    for (const node of this.opened.values()) node.close();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private open(record: NodeRecord): StorageNode {
    const options: StorageNodeOptions = {
      keys: this.keys.get(record.ed25519Hex)!,
      record,
      dbPath: this.dbPath(record),
      network: this.view,
      transport: this.transport,
      ...(this.hardfork ? { hardfork: this.hardfork } : {}),
    };
    return new StorageNode(options);
  }

  private async forward(peer: NodeRecord, method: string, params: Record<string, unknown>): Promise<SwarmEntry> {
    if (this.down.has(peer.ed25519Hex)) return { failed: true, timeout: true };
    const node = this.byKey(peer.ed25519Hex);
    if (node === undefined) return { failed: true, timeout: true };
    const wire = JSON.parse(JSON.stringify(params)) as Record<string, unknown>;
    return node.handleForwarded(method, wire);
  }
}
