/**
 * Shared set-up for the core services' tests (src/core/services/*.test.ts): a devnet with a relay,
 * and a CoreContext on a fresh fake-indexeddb database with a network through that relay.
 * It lives in test/ rather than src/core/services/ because it imports the devnet (Node code),
 * which src/core/tsconfig.json (WebWorker lib, no Node types) must not see.
 */
import './fake-indexeddb.ts';
import { createNetwork, type Network } from '../src/core/net/network.ts';
import { devnetProfile } from '../src/core/net/network-profile.ts';
import type { RetryPolicy } from '../src/core/net/retry.ts';
import { AccountSession } from '../src/core/services/account-session.ts';
import type { CoreContext } from '../src/core/services/context.ts';
import { CoreEvents } from '../src/core/services/events.ts';
import { createNetStore, openParleyDatabase, type ParleyDB } from '../src/core/store/index.ts';
import type { Identity } from '../wasm/identity.ts';
import { freshIndexedDB, type TestIndexedDB } from './fake-indexeddb.ts';
import { startNetFixture, type NetFixture } from './net-devnet-fixture.ts';

export interface TestNetwork {
  readonly fixture: NetFixture;
  readonly relayUrl: string;
  stop(): Promise<void>;
}

/** A devnet (no rate limit) and a relay; one per test file, stopped in afterAll. */
export async function startTestNetwork(options: { nodeCount?: number } = {}): Promise<TestNetwork> {
  const fixture = await startNetFixture({ nodeCount: options.nodeCount ?? 8, rateLimit: false });
  return { fixture, relayUrl: fixture.relayUrl, stop: () => fixture.stop() };
}

/** Fast retries for tests: failures show in seconds, not minutes. */
export const TEST_RETRY_POLICY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 50, maxDelayMs: 400, maxClockResyncs: 1, maxSwarmUpdates: 2, maxRelayWaitMs: 1_000 };

export interface TestContext {
  readonly ctx: CoreContext;
  readonly db: ParleyDB;
  readonly network: Network;
  /** Every event emitted on ctx.events, in order. */
  readonly events: Parameters<Parameters<CoreEvents['subscribe']>[0]>[0][];
  /** Every log line. */
  readonly logs: string[];
  close(): void;
}

export interface MakeContextOptions {
  /** The relay to reach the network through; without one the network is never used (unit tests). */
  readonly relayUrl?: string;
  /** Unlocked in the context's session when given. */
  readonly identity?: Identity;
  readonly clock?: () => number;
  /** The IndexedDB to open (default: a fresh one); pass the same factory and name again to reopen a database. */
  readonly indexedDB?: ReturnType<typeof freshIndexedDB>;
  readonly databaseName?: string;
  /** The network's retry policy (default TEST_RETRY_POLICY). */
  readonly retryPolicy?: RetryPolicy;
}

/** A CoreContext on a fresh database, with its events and log lines recorded. */
export function makeContext(): Promise<TestContext>;
// The last overload is what `Parameters<typeof makeContext>` sees: the options, not `| undefined`.
export function makeContext(options: MakeContextOptions): Promise<TestContext>;
export async function makeContext(options: MakeContextOptions = {}): Promise<TestContext> {
  const db = await openParleyDatabase({ indexedDB: options.indexedDB ?? freshIndexedDB(), name: options.databaseName ?? 'parley-test' });
  const logs: string[] = [];
  const log = (line: string) => logs.push(line);
  const clock = options.clock ?? Date.now;
  const network = createNetwork({
    profile: devnetProfile(options.relayUrl ?? 'http://127.0.0.1:9', { rpcTimeoutMs: 5_000, guardTestTimeoutMs: 3_000 }),
    store: createNetStore(db),
    clock,
    log,
    retryPolicy: options.retryPolicy ?? TEST_RETRY_POLICY,
  });
  const session = new AccountSession();
  if (options.identity) session.unlocked(options.identity);
  const events = new CoreEvents();
  const recorded: TestContext['events'] = [];
  events.subscribe((event) => {
    recorded.push(event);
  });
  const ctx: CoreContext = { db, network, session, events, clock, log };
  return { ctx, db, network, events: recorded, logs, close: () => db.close() };
}

