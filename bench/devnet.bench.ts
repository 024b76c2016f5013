/**
 * Devnet throughput on loopback: store + retrieve round trips per second, each request a real
 * 3-hop onion (HTTPS to the guard, two relays, the destination's storage logic and its swarm
 * fan-out, the reply decrypted), first one client at a time, then several concurrent clients.
 * Every phase has a time budget and an iteration cap, so it stops by itself. It prints figures and
 * never asserts on them: these machines are shared and noisy.
 */
import { signedRetrieveParams } from '../wasm/storage.ts';
import { ready } from '../wasm/sodium.ts';
import { ConformanceClient, inboxStore, newAccount } from '../devnet/conformance/client.ts';
import type { DevnetNodeInfo } from '../devnet/devnet.ts';
import { startTestDevnet } from '../devnet/testing/test-devnet.ts';

const NODES = 12;
const SWARMS = 2;
const PHASE_BUDGET_MS = 3000;
const PHASE_MAX_ROUND_TRIPS = 2000;
const CONCURRENT_CLIENTS = 8;

interface PhaseResult {
  roundTrips: number;
  errors: number;
  elapsedMs: number;
  latenciesMs: number[];
}

export async function run(): Promise<void> {
  await ready();
  const started = performance.now();
  // The real hop and forward timeouts: a loaded loopback must not turn slow answers into 504s.
  const net = await startTestDevnet({
    nodeCount: NODES,
    swarmCount: SWARMS,
    rateLimit: false,
    hopTimeoutMs: 30_000,
    forwardTimeoutMs: 5_000,
  });
  console.log(`devnet: ${NODES} nodes, ${SWARMS} swarms, started in ${(performance.now() - started).toFixed(0)} ms`);
  try {
    const client = new ConformanceClient(net);
    await infoBaseline(client);
    report('store+retrieve, 3-hop onions, 1 client', await phase(client, 1));
    report(`store+retrieve, 3-hop onions, ${CONCURRENT_CLIENTS} clients`, await phase(client, CONCURRENT_CLIENTS));
  } finally {
    await net.stop();
  }
}

/** One `info` per onion: the cost of the onion path alone, without storage work or fan-out. */
async function infoBaseline(client: ConformanceClient): Promise<void> {
  const target = client.nodes[0]!;
  const latencies: number[] = [];
  let errors = 0;
  const begin = performance.now();
  while (performance.now() - begin < 1000 && latencies.length < 500) {
    const t = performance.now();
    const answer = await client.call(target, 'info', {});
    latencies.push(performance.now() - t);
    if (answer.status !== 200) errors++;
  }
  report('info, 3-hop onion, 1 client', { roundTrips: latencies.length, errors, elapsedMs: performance.now() - begin, latenciesMs: latencies });
}

/**
 * `clients` loops, each with its own account: store a new message through a random swarm member,
 * then retrieve after the previous hash (as a poll does) through another one.
 */
async function phase(client: ConformanceClient, clients: number): Promise<PhaseResult> {
  const result: PhaseResult = { roundTrips: 0, errors: 0, elapsedMs: 0, latenciesMs: [] };
  const begin = performance.now();
  const deadline = begin + PHASE_BUDGET_MS;
  const loops = Array.from({ length: clients }, async (_, id) => {
    const account = newAccount();
    const members = await client.swarmOf(account);
    let lastHash = '';
    let n = 0;
    while (performance.now() < deadline && result.roundTrips < PHASE_MAX_ROUND_TRIPS) {
      const t = performance.now();
      const ok = await roundTrip(client, account, pick(members, n), pick(members, n + 1), `client ${id} message ${n}`, lastHash);
      result.latenciesMs.push(performance.now() - t);
      result.roundTrips++;
      n++;
      if (ok === undefined) result.errors++;
      else lastHash = ok;
    }
  });
  await Promise.all(loops);
  result.elapsedMs = performance.now() - begin;
  return result;
}

/** The stored hash when the retrieve after `lastHash` returned exactly it, otherwise undefined. */
async function roundTrip(
  client: ConformanceClient,
  account: ReturnType<typeof newAccount>,
  storeAt: DevnetNodeInfo,
  retrieveAt: DevnetNodeInfo,
  text: string,
  lastHash: string,
): Promise<string | undefined> {
  try {
    const stored = await client.call(storeAt, 'store', inboxStore(account, text, client.now()));
    if (stored.status !== 200) return undefined;
    const params = signedRetrieveParams(account, { namespace: 0, timestamp: client.now(), lastHash });
    const retrieved = await client.call(retrieveAt, 'retrieve', params);
    const hashes = retrieved.status === 200 ? (retrieved.json.messages as Array<{ hash: string }>).map((m) => m.hash) : [];
    return hashes.length === 1 && hashes[0] === stored.json.hash ? stored.json.hash : undefined;
  } catch {
    return undefined;
  }
}

function pick<T>(list: readonly T[], i: number): T {
  return list[i % list.length]!;
}

function report(name: string, r: PhaseResult): void {
  const sorted = [...r.latenciesMs].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  const perSecond = (r.roundTrips * 1000) / r.elapsedMs;
  console.log(
    `${name.padEnd(48)} ${perSecond.toFixed(1).padStart(8)} round trips/s  p50 ${at(0.5).toFixed(1)} ms  p95 ${at(0.95).toFixed(1)} ms  (n=${r.roundTrips}, errors=${r.errors})`,
  );
}
