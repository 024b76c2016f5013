/**
 * Delivery while chatting, and what an open conversation costs, browser to browser through 3-hop
 * onions on the devnet (issue 10, items 1 and 2; the background tab is bench/background.bench.ts):
 *
 * Two pairs of people chat at the same time, each person in their own Chromium context on the
 * built app, each context served by its own relay (so that each relay's counter, relay/traffic.ts,
 * is one client's traffic on the wire):
 *   - "parley": Alice and Bob on Parley's own polling schedule (services/poll-schedule.ts);
 *   - "baseline": Carol and Dan forced by their relay to poll every 5 s, 2 swarm members at once,
 *     whatever they do: Session Desktop's pace (services/devnet-poll-override.ts).
 *
 * 1. Chatting: CHAT_MESSAGES messages per pair, senders alternating, each sent a short think time
 *    after the previous one (the same timeline for both pairs). A message's latency is the time from
 *    Enter pressed in the sender's page to its row added in the receiver's page (Date.now in both
 *    pages, one machine, one clock; a MutationObserver installed before the app runs).
 * 2. Open and quiet: the conversations stay open on screen with nothing arriving: traffic per
 *    minute once the burst has decayed.
 * The rates go to bench/day-profile.ts, which adds the hidden tab's and states a day.
 * Figures are printed through bench/report.ts, never asserted.
 */
import { chromium, type Browser } from '@playwright/test';
import playwrightConfig from '../playwright.config.ts';
import { ensureBuilt } from './browser/app-stack.ts';
import { noteRate } from './day-profile.ts';
import {
  BASELINE,
  clientContext,
  DeliveryNet,
  openConversation,
  pageTimes,
  perMinute,
  recordLatencies,
  recordRate,
  seeded,
  send,
  setUpClient,
  sleep,
  snapshot,
  waitRendered,
  type Client,
  type Rate,
  type TrafficCount,
} from './delivery-clients.ts';
import { record } from './report.ts';

const CHAT_MESSAGES = Number(process.env['DELIVERY_BENCH_MESSAGES'] ?? 50);
/** Think time between two messages of the chat, uniformly drawn in this range (ms). */
const THINK_MS: readonly [number, number] = [700, 1_800];
/** After the chat: quiet this long (the burst decays), then traffic is counted for IDLE_MS. */
const SETTLE_MS = 32_000;
const IDLE_MS = Number(process.env['DELIVERY_BENCH_IDLE_MS'] ?? 40_000);

interface Pair {
  readonly label: 'parley' | 'baseline';
  readonly a: Client;
  readonly b: Client;
}

/** Latencies (ms) of the messages whose markers are given, from the sender's Enter to the receiver's row. */
async function latencies(pair: Pair, markers: readonly { marker: number; from: 'a' | 'b' }[]): Promise<number[]> {
  const sent = { a: await pageTimes(pair.a.page, '__sent'), b: await pageTimes(pair.b.page, '__sent') };
  const rendered = { a: await pageTimes(pair.a.page, '__rendered'), b: await pageTimes(pair.b.page, '__rendered') };
  const out: number[] = [];
  for (const { marker, from } of markers) {
    const to = from === 'a' ? 'b' : 'a';
    const at = sent[from][String(marker)];
    const seen = rendered[to][String(marker)];
    if (at !== undefined && seen !== undefined) out.push(seen - at);
  }
  return out;
}

/** Item 1: both pairs chat on the same timeline; returns each pair's latencies and traffic per minute while chatting. */
async function chat(pairs: readonly Pair[], firstMarker: number): Promise<Map<Pair, { latencies: number[]; perMinute: Map<Client, Rate> }>> {
  const random = seeded(42);
  const plan: { marker: number; from: 'a' | 'b'; thinkMs: number }[] = [];
  for (let i = 0; i < CHAT_MESSAGES; i++) {
    plan.push({ marker: firstMarker + i, from: i % 2 === 0 ? 'a' : 'b', thinkMs: Math.round(THINK_MS[0] + random() * (THINK_MS[1] - THINK_MS[0])) });
  }
  const before = new Map<Client, TrafficCount>();
  for (const pair of pairs) for (const client of [pair.a, pair.b]) before.set(client, snapshot(client.traffic));
  const started = Date.now();
  for (const step of plan) {
    await sleep(step.thinkMs);
    await Promise.all(pairs.map((pair) => send(pair[step.from], `dlv${step.marker} ${pair.label} message ${step.marker - firstMarker + 1}`)));
  }
  // Every message in, or given up on after a minute.
  const last = plan[plan.length - 1]!;
  await Promise.all(
    pairs.map((pair) => waitRendered(last.from === 'a' ? pair.b.page : pair.a.page, last.marker, 60_000).catch(() => undefined)),
  );
  const elapsed = Date.now() - started;
  const out = new Map<Pair, { latencies: number[]; perMinute: Map<Client, Rate> }>();
  for (const pair of pairs) {
    const rates = new Map<Client, Rate>();
    for (const client of [pair.a, pair.b]) rates.set(client, perMinute(before.get(client)!, snapshot(client.traffic), elapsed));
    out.set(pair, { latencies: await latencies(pair, plan), perMinute: rates });
  }
  return out;
}

export async function run(): Promise<void> {
  await ensureBuilt();
  const net = new DeliveryNet();
  let browser: Browser | undefined;
  try {
    await net.start();
    browser = await chromium.launch(playwrightConfig.use?.launchOptions ?? {});
    const open = async (name: string, override?: typeof BASELINE): Promise<Client> => {
      const relay = await net.relay(override);
      const page = await clientContext(() => browser!.newContext({ viewport: { width: 1000, height: 760 } }), relay.url);
      return setUpClient(page, name, relay.url, relay.traffic);
    };
    const parley: Pair = { label: 'parley', a: await open('Alice'), b: await open('Bob') };
    const baseline: Pair = { label: 'baseline', a: await open('Carol', BASELINE), b: await open('Dan', BASELINE) };
    const pairs = [parley, baseline];
    for (const pair of pairs) {
      await openConversation(pair.a, pair.b);
      await openConversation(pair.b, pair.a);
    }
    // Warm-up, not measured: paths built, swarms known, one message each way.
    for (const pair of pairs) {
      await send(pair.a, `dlv1 ${pair.label} warm-up`);
      await waitRendered(pair.b.page, 1, 90_000);
      await send(pair.b, `dlv2 ${pair.label} warm-up`);
      await waitRendered(pair.a.page, 2, 90_000);
    }

    // 1. Chatting.
    const chatting = await chat(pairs, 10);
    const chatNote = `${CHAT_MESSAGES} messages alternating, think time ${THINK_MS[0]}–${THINK_MS[1]} ms, 3-hop onions on the devnet, both pairs at once`;
    const parleyChat = chatting.get(parley)!;
    const baselineChat = chatting.get(baseline)!;
    const parleyMedian = recordLatencies(
      'delivery',
      'chatting, Parley',
      parleyChat.latencies,
      { median: ['≤ 500 ms', (v) => v <= 500], p95: ['≤ 1,500 ms', (v) => v <= 1_500] },
      `${parleyChat.latencies.length}/${CHAT_MESSAGES} delivered; ${chatNote}`,
    );
    const baselineMedian = recordLatencies('delivery', 'chatting, 5 s baseline', baselineChat.latencies, {}, `${baselineChat.latencies.length}/${CHAT_MESSAGES} delivered; ${chatNote}`);
    const ratio = baselineMedian / parleyMedian;
    record({ section: 'delivery', name: 'chatting, baseline median ÷ Parley median', value: Number(ratio.toFixed(2)), unit: '×', target: '≥ 5×', met: ratio >= 5 });

    // 2. Open and quiet: the burst decays, then traffic per minute.
    await sleep(SETTLE_MS);
    const idleBefore = new Map<Client, TrafficCount>();
    for (const pair of pairs) idleBefore.set(pair.b, snapshot(pair.b.traffic));
    await sleep(IDLE_MS);
    for (const pair of pairs) {
      const who = pair === parley ? 'Parley' : '5 s baseline';
      const rates = chatting.get(pair)!.perMinute;
      const a = rates.get(pair.a)!;
      const b = rates.get(pair.b)!;
      const chatRate = { requests: (a.requests + b.requests) / 2, bytes: (a.bytes + b.bytes) / 2 };
      const quiet = perMinute(idleBefore.get(pair.b)!, snapshot(pair.b.traffic), IDLE_MS);
      recordRate(who, 'chatting', chatRate, 'one client, mean of the two, sending included');
      recordRate(who, 'open, conversation on screen, quiet', quiet, `${IDLE_MS / 1_000} s, from ${SETTLE_MS / 1_000} s after the last message`);
      noteRate(who, 'chatting', chatRate);
      noteRate(who, 'on screen', quiet);
    }
  } finally {
    await browser?.close().catch(() => undefined);
    await net.stop();
  }
}
