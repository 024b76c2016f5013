/**
 * The messaging core end to end on a loopback devnet, through the relay, with the app's own
 * defaults (poll intervals, retry policy, outbox schedule): two Cores under Node with an in-memory
 * IndexedDB, as the echo peer runs one.
 *
 *   1. delivery latency, sendMessage → the recipient's message_added, with the recipient chatting
 *      (2 s polls) and then idle on the conversation list (15 s polls): what the adaptive interval costs;
 *   2. outbox throughput: 50 messages queued at once until all are 'sent';
 *   3. receive throughput: a fresh device restores an account whose swarm holds those 50 messages;
 *   4. the process heap before and after, and per stored message.
 *
 * Every phase has a time cap and prints what it got by then. The devnet nodes run in this process
 * too, so the heap figures include their storage. It prints figures and never asserts on them:
 * these machines are shared and noisy.
 */
// idb looks up IDBRequest, IDBKeyRange … as globals; fake-indexeddb/auto installs them under Node.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { randomBytes } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { CoreEvent } from '../src/core/api.ts';
import { Core } from '../src/core/core.ts';
import { DEFAULT_POLL_INTERVALS } from '../src/core/services/poll-schedule.ts';
import { devnetProfile } from '../src/core/net/network-profile.ts';
import { startNetFixture, type NetFixture } from '../test/net-devnet-fixture.ts';
import { identityFromEntropy } from '../wasm/identity.ts';
import { encodeMnemonic } from '../wasm/mnemonic.ts';
import { ready } from '../wasm/sodium.ts';

const NODES = 12;
const SWARMS = 2;
const CHATTING_MESSAGES = 20;
const IDLE_MESSAGES = 5;
const BATCH_MESSAGES = 50;
/** Chatting sends wait for each delivery plus a pause of up to one poll interval: about 50 s. */
const CHATTING_CAP_MS = 90_000;
const PHASE_CAP_MS = 60_000;
const WARMUP_CAP_MS = 30_000;

/** A Core and what it has emitted, with the time each event arrived. */
interface BenchCore {
  readonly core: Core;
  readonly sessionId: string;
  /** Body of each incoming message → when its message_added arrived. */
  readonly arrivals: Map<string, number>;
  /** Outgoing message id → when it became 'sent'. */
  readonly sent: Map<number, number>;
  readonly failed: Set<number>;
  /** Log lines that say something failed (they carry codes and counts, never content). */
  readonly counters: { failures: number };
}

export async function run(): Promise<void> {
  await ready();
  const gc = garbageCollector();
  const begin = performance.now();
  // The real hop, forward and proxy timeouts: a busy loopback must not turn slow answers into 504s.
  const fixture = await startNetFixture({
    nodeCount: NODES,
    swarmCount: SWARMS,
    rateLimit: false,
    hopTimeoutMs: 30_000,
    forwardTimeoutMs: 5_000,
    proxyTimeoutMs: 25_000,
  });
  console.log(`devnet: ${NODES} nodes, ${SWARMS} swarms, and a relay, started in ${(performance.now() - begin).toFixed(0)} ms`);
  const cores: BenchCore[] = [];
  try {
    const heapBefore = heapUsed(gc);
    const alice = await openCore(fixture, cores, 'alice');
    const bob = await openCore(fixture, cores, 'bob');
    await alice.core.openConversation(bob.sessionId);
    await bob.core.openConversation(alice.sessionId);
    // Bob looks at the conversation with Alice: 5 s polls until a message goes either way, then 2 s.
    await bob.core.setVisible(true);
    await bob.core.setActiveConversation(alice.sessionId);
    const warmup = await sendAndWait(alice, bob, 'warm-up', performance.now() + WARMUP_CAP_MS);
    console.log(`first message (paths built on the way; recipient on 5 s polls)   ${warmup === undefined ? 'not delivered in 30 s' : `${warmup.toFixed(0)} ms`}`);
    // Two working devices (paths built, swarms known) holding one message each: their fixed cost.
    const perDevice = (heapUsed(gc) - heapBefore) / 2;

    await deliveryLatency(alice, bob);

    // The batch goes to a third account no device has open yet, so that phase 3 restores it.
    const carolEntropy = new Uint8Array(randomBytes(16));
    const carolPhrase = encodeMnemonic(carolEntropy);
    const carolId = identityFromEntropy(carolEntropy).sessionId;
    await outboxThroughput(alice, carolId);
    await receiveThroughput(fixture, cores, carolPhrase);
    const heapAfter = heapUsed(gc);

    const stored = await storedMessages(cores);
    console.log(
      `heap used (${gc ? 'after a full GC' : 'no GC available, includes garbage'}): before the cores ${mb(heapBefore)}, ` +
        `at the end ${mb(heapAfter)} (+${mb(heapAfter - heapBefore)}) with ${cores.length} devices holding ${stored} messages`,
    );
    // Rough: what the devices grew by beyond a working device's fixed cost (the devnet's copies are in SQLite, off the heap).
    const perMessage = (heapAfter - heapBefore - cores.length * perDevice) / Math.max(1, stored - 2);
    console.log(`  a working device with one message ≈ ${mb(perDevice)}; beyond that ≈ ${(perMessage / 1024).toFixed(1)} KiB per stored message`);
    const failures = cores.map((c) => `${c.counters.failures}`).join('/');
    console.log(`log lines reporting a failure (poll, send, path) per device: ${failures}`);
  } finally {
    for (const { core } of cores) await core.close().catch(() => undefined);
    await fixture.stop();
  }
}

async function openCore(fixture: NetFixture, cores: BenchCore[], name: string, recoveryPhrase?: string): Promise<BenchCore> {
  const counters = { failures: 0 };
  const core = await Core.open({
    profile: devnetProfile(fixture.relayUrl),
    indexedDB: new IDBFactory(),
    databaseName: `bench-${name}`,
    log: (line) => {
      if (/fail/i.test(line)) counters.failures++;
    },
  });
  const arrivals = new Map<string, number>();
  const sent = new Map<number, number>();
  const failed = new Set<number>();
  await core.subscribe((event: CoreEvent) => {
    const now = performance.now();
    if (event.type === 'message_added' && event.message.direction === 'incoming') arrivals.set(event.message.body, now);
    if (event.type === 'message_status' && event.status === 'sent') sent.set(event.messageId, now);
    if (event.type === 'message_status' && event.status === 'failed') failed.add(event.messageId);
  });
  try {
    const account =
      recoveryPhrase === undefined
        ? await core.createAccount({ recoveryPhrase: await core.newRecoveryPhrase(), displayName: name })
        : await core.restoreAccount({ recoveryPhrase });
    const bench: BenchCore = { core, sessionId: account.sessionId, arrivals, sent, failed, counters };
    cores.push(bench);
    return bench;
  } catch (error) {
    await core.close();
    throw error;
  }
}

/** Phase 1: one message at a time, chatting and then idle; each latency from sendMessage to the recipient's event. */
async function deliveryLatency(alice: BenchCore, bob: BenchCore): Promise<void> {
  // A pause of up to one poll interval before each send puts it at a random point of Bob's poll
  // cycle, as a reply typed by a person would be; sending right after each delivery would always
  // land just after a poll and measure the worst case only.
  const chatting: number[] = [];
  const sentAfter: number[] = [];
  const deadline = performance.now() + CHATTING_CAP_MS;
  for (let i = 0; i < CHATTING_MESSAGES && performance.now() < deadline; i++) {
    await sleep(Math.random() * DEFAULT_POLL_INTERVALS.chattingMs);
    const result = await sendAndWait(alice, bob, `chatting ${i}`, deadline, sentAfter);
    if (result === undefined) break;
    chatting.push(result);
  }
  report(`delivery, recipient chatting (${DEFAULT_POLL_INTERVALS.chattingMs / 1000} s polls)`, chatting, CHATTING_MESSAGES);
  report('  of which sendMessage → sender\'s "sent"', sentAfter, CHATTING_MESSAGES);

  // Bob goes back to the conversation list: 15 s polls. Waiting for each delivery before the next
  // send would take minutes, so the messages go out spread evenly over one poll interval and each
  // is timed on its own.
  await bob.core.setActiveConversation(null);
  const spacing = DEFAULT_POLL_INTERVALS.visibleMs / IDLE_MESSAGES;
  const idleDeadline = performance.now() + PHASE_CAP_MS;
  const waits: Promise<number | undefined>[] = [];
  for (let i = 0; i < IDLE_MESSAGES; i++) {
    waits.push(sendAndWait(alice, bob, `idle ${i}`, idleDeadline));
    await sleep(spacing);
  }
  const idle = (await Promise.all(waits)).filter((ms): ms is number => ms !== undefined);
  report(`delivery, recipient idle (${DEFAULT_POLL_INTERVALS.visibleMs / 1000} s polls)`, idle, IDLE_MESSAGES);
}

/**
 * Sends one message and waits for the recipient's message_added (by its unique body): the
 * latency in ms, or undefined at the deadline. `sentAfter` collects the sender's 'sent' times.
 */
async function sendAndWait(from: BenchCore, to: BenchCore, label: string, deadline: number, sentAfter?: number[]): Promise<number | undefined> {
  const body = `bench ${label} ${randomBytes(4).toString('hex')}`;
  const start = performance.now();
  const message = await from.core.sendMessage(to.sessionId, body);
  const arrived = await waitUntil(() => to.arrivals.has(body), deadline);
  if (sentAfter !== undefined) {
    // 'sent' (both copies stored) usually comes before the delivery, but not always.
    const sentOk = await waitUntil(() => from.sent.has(message.id), Math.min(deadline, performance.now() + 5_000));
    if (sentOk) sentAfter.push(from.sent.get(message.id)! - start);
  }
  return arrived ? to.arrivals.get(body)! - start : undefined;
}

/** Phase 2: 50 messages queued at once; the time until every one is 'sent'. */
async function outboxThroughput(alice: BenchCore, recipient: string): Promise<void> {
  await alice.core.openConversation(recipient);
  const start = performance.now();
  const queued = await Promise.all(
    Array.from({ length: BATCH_MESSAGES }, (_, i) => alice.core.sendMessage(recipient, `bench batch ${i} ${randomBytes(4).toString('hex')}`)),
  );
  const queuedMs = performance.now() - start;
  const ids = queued.map((m) => m.id);
  const allDone = () => ids.every((id) => alice.sent.has(id) || alice.failed.has(id));
  await waitUntil(allDone, start + PHASE_CAP_MS);
  const sentTimes = ids.flatMap((id) => (alice.sent.has(id) ? [alice.sent.get(id)! - start] : []));
  const failed = ids.filter((id) => alice.failed.has(id)).length;
  const lastMs = sentTimes.length > 0 ? Math.max(...sentTimes) : performance.now() - start;
  console.log(
    `${'outbox, 50 queued at once until sent'.padEnd(48)} ${rate(sentTimes.length, lastMs)} messages/s  ` +
      `queued (on disk) in ${queuedMs.toFixed(0)} ms, last sent after ${lastMs.toFixed(0)} ms  ` +
      `(sent=${sentTimes.length}/${BATCH_MESSAGES}, failed=${failed}${allDone() ? '' : ', stopped at the 60 s cap'})`,
  );
}

/** Phase 3: a new device restores the batch's recipient; the time until all 50 are stored. */
async function receiveThroughput(fixture: NetFixture, cores: BenchCore[], phrase: string): Promise<void> {
  const start = performance.now();
  const carol = await openCore(fixture, cores, 'carol', phrase);
  const restoredMs = performance.now() - start;
  const fromSender = () => [...carol.arrivals.keys()].filter((body) => body.startsWith('bench batch ')).length;
  await waitUntil(() => fromSender() >= BATCH_MESSAGES, start + PHASE_CAP_MS);
  const times = [...carol.arrivals.values()].map((t) => t - start).sort((a, b) => a - b);
  const stored = fromSender();
  const lastMs = times.length > 0 ? times[times.length - 1]! : performance.now() - start;
  const firstMs = times[0];
  const received = (await carol.core.status()).received;
  console.log(
    `${'receive, 50 in the swarm, fresh device restores'.padEnd(48)} ${rate(stored, lastMs)} messages/s  ` +
      `open+restore ${restoredMs.toFixed(0)} ms, first stored after ${firstMs === undefined ? '-' : firstMs.toFixed(0)} ms, ` +
      `last after ${lastMs.toFixed(0)} ms  (stored=${stored}/${BATCH_MESSAGES}, duplicates=${received.duplicates}` +
      `${stored >= BATCH_MESSAGES ? '' : ', stopped at the 60 s cap'})`,
  );
}

/** Every message each device holds, over all its conversations. */
async function storedMessages(cores: BenchCore[]): Promise<number> {
  let total = 0;
  for (const { core } of cores) {
    for (const conversation of await core.listConversations()) {
      total += (await core.listMessages(conversation.id, { limit: 1_000 })).length;
    }
  }
  return total;
}

async function waitUntil(condition: () => boolean, deadline: number): Promise<boolean> {
  while (!condition()) {
    if (performance.now() >= deadline) return false;
    await sleep(10);
  }
  return true;
}

function report(name: string, latencies: number[], planned: number): void {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  const missing = planned - latencies.length;
  console.log(
    `${name.padEnd(48)} p50 ${at(0.5).toFixed(0)} ms  p95 ${at(0.95).toFixed(0)} ms  max ${(sorted[sorted.length - 1] ?? NaN).toFixed(0)} ms  ` +
      `(n=${latencies.length}${missing > 0 ? `, ${missing} not measured before the cap` : ''})`,
  );
}

/** V8's full collection, so heap figures are live objects rather than whatever garbage is pending. */
function garbageCollector(): (() => void) | undefined {
  try {
    setFlagsFromString('--expose_gc');
    const gc = runInNewContext('gc') as unknown;
    return typeof gc === 'function' ? (gc as () => void) : undefined;
  } catch {
    return undefined;
  }
}

function heapUsed(gc: (() => void) | undefined): number {
  gc?.();
  return process.memoryUsage().heapUsed;
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function rate(count: number, ms: number): string {
  return (ms > 0 ? (count * 1000) / ms : NaN).toFixed(1).padStart(8);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
