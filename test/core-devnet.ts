/**
 * Cores as the app runs them, for the long devnet suites (src/core/faults.devnet.test.ts,
 * src/core/junk-flood.devnet.test.ts): a Core on its own fake IndexedDB through a relay, with its
 * events and log lines recorded, and helpers to find devnet nodes by what the core shows of them.
 */
import { freshIndexedDB, type TestIndexedDB } from './fake-indexeddb.ts';
import { TEST_RETRY_POLICY } from './services-fixture.ts';
import { waitUntil } from './wait.ts';
import type { DevnetNodeInfo } from '../devnet/devnet.ts';
import type { TestDevnet } from '../devnet/testing/test-devnet.ts';
import { MIN_LOCK_COST } from '../wasm/passphrase.ts';
import { nearestSwarm } from '../wasm/swarm.ts';
import type { CoreEvent, MessageView } from '../src/core/api.ts';
import { Core, type CoreOptions } from '../src/core/core.ts';
import { devnetProfile } from '../src/core/net/network-profile.ts';
import type { FileServerProfile } from '../src/shared/file-server-api.ts';

export interface TestCore extends Core {
  readonly events: CoreEvent[];
  /** Every log line of the core (network, outbox, poller), in order. */
  readonly logs: string[];
  readonly indexedDB: TestIndexedDB;
}

export interface TestCoreOptions {
  readonly relayUrl: string;
  readonly indexedDB?: TestIndexedDB;
  readonly clock?: () => number;
  readonly outbox?: CoreOptions['outbox'];
  /** The file server attachments go to (the devnet's, `devnet.fileServer`). */
  readonly fileServer?: FileServerProfile;
}

/** Short timeouts and quick polling, as core.devnet.test.ts uses them. */
export async function openTestCore(options: TestCoreOptions): Promise<TestCore> {
  const indexedDB = options.indexedDB ?? freshIndexedDB();
  const logs: string[] = [];
  const core = await Core.open({
    profile: devnetProfile(options.relayUrl, { rpcTimeoutMs: 5_000, guardTestTimeoutMs: 3_000, ...(options.fileServer ? { fileServer: options.fileServer } : {}) }),
    indexedDB,
    databaseName: 'parley',
    retryPolicy: TEST_RETRY_POLICY,
    lockCost: MIN_LOCK_COST,
    log: (line) => void logs.push(line),
    ...(options.clock ? { clock: options.clock } : {}),
    poller: { intervals: { chattingMs: 300, conversationOpenMs: 300, visibleMs: 300, hiddenMs: 300, maxBackoffMs: 1_000 } },
    outbox: options.outbox ?? { schedule: { retryBaseMs: 100, retryMaxMs: 1_000, probeBaseMs: 200, probeMaxMs: 1_000 } },
  });
  const events: CoreEvent[] = [];
  await core.subscribe((event) => void events.push(event));
  return Object.assign(core, { events, logs, indexedDB });
}

/** Every message of a conversation, oldest first. */
export function allMessages(core: Core, conversationId: string): Promise<MessageView[]> {
  return core.listMessages(conversationId, { limit: 10_000 });
}

/** The devnet nodes of a Session ID's swarm, by the devnet's own swarm table. */
export function swarmMembers(net: TestDevnet, sessionId: string): DevnetNodeInfo[] {
  const records = net.devnet.records();
  const swarm = nearestSwarm([...new Set(records.map((r) => r.swarmId))], sessionId);
  const members = new Set(records.filter((r) => r.swarmId === swarm).map((r) => r.ed25519Hex));
  return net.started.nodes.filter((n) => members.has(n.ed25519Hex));
}

/** The devnet node behind a short key as the network view shows it ("abcd…wxyz"). */
export function nodeOfShortKey(net: TestDevnet, shortKey: string): DevnetNodeInfo {
  const [head, tail] = shortKey.split('…');
  const matches = net.started.nodes.filter((n) => n.ed25519Hex.startsWith(head!) && n.ed25519Hex.endsWith(tail!));
  if (matches.length !== 1) throw new Error(`short key ${shortKey} names ${matches.length} devnet nodes`);
  return matches[0]!;
}

/** The current path of a core (guard first), as devnet nodes, once it has one (it may be rebuilding one). */
export async function currentPath(core: Core, net: TestDevnet): Promise<DevnetNodeInfo[]> {
  let state = await core.getNetworkState();
  await waitUntil('the core to have a path', async () => (state = await core.getNetworkState()).kind === 'connected', { timeoutMs: 30_000 });
  if (state.kind !== 'connected') throw new Error(`the core is ${state.kind}, not connected`);
  return state.path.map((hop) => nodeOfShortKey(net, hop.shortKey));
}
