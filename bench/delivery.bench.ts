/**
 * Delivery, browser to browser, through 3-hop onions on the devnet (issue 10, items 1 and 2):
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
 * 2. Idle and background: the conversations stay open and quiet (traffic per minute once the burst
 *    has decayed), then Bob and Dan are hidden (the page is told so, as e2e/notifications.spec.ts
 *    does) for HIDDEN_MINUTES: traffic per minute, then messages sent to them, each timed from
 *    Enter to the notification their page shows.
 * A day's requests and bytes follow from the per-minute rates under DAY_PROFILE.
 * Figures are printed through bench/report.ts, never asserted.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test';
import playwrightConfig from '../playwright.config.ts';
import { Devnet } from '../devnet/devnet.ts';
import { devnetSeeds } from '../relay/seed-profiles.ts';
import { createRelay } from '../relay/relay.ts';
import { close, listen } from '../relay/server.ts';
import { RelayTraffic } from '../relay/traffic.ts';

/** What one client cost on the wire (its relay's onion and seed routes, headers included). */
interface TrafficCount {
  readonly requests: number;
  readonly requestBytes: number;
  readonly answerBytes: number;
}
import { createAccount, STEP_TIMEOUT } from '../scripts/ui-steps.ts';
import type { DevnetPollOverride } from '../src/shared/relay-api.ts';
import { record } from './report.ts';

const root = path.resolve(import.meta.dirname, '..');
const distDir = path.join(root, 'dist');

const CHAT_MESSAGES = Number(process.env['DELIVERY_BENCH_MESSAGES'] ?? 50);
/** Think time between two messages of the chat, uniformly drawn in this range (ms). */
const THINK_MS: readonly [number, number] = [700, 1_800];
/** After the chat: quiet this long (the burst decays), then traffic is counted for IDLE_MS. */
const SETTLE_MS = 32_000;
const IDLE_MS = Number(process.env['DELIVERY_BENCH_IDLE_MS'] ?? 40_000);
/**
 * How long the receiving tabs stay hidden before the first message is sent to them. The issue
 * asks for 10 minutes; the whole `npm run bench` must stay under 10 minutes, so the default is
 * shorter; DELIVERY_BENCH_HIDDEN_MINUTES=10 runs the full one.
 */
const HIDDEN_MINUTES = Number(process.env['DELIVERY_BENCH_HIDDEN_MINUTES'] ?? 1);
/** Messages sent to the hidden tabs, one every BACKGROUND_GAP_MS (drawn in the range). */
const BACKGROUND_MESSAGES = Number(process.env['DELIVERY_BENCH_BACKGROUND_MESSAGES'] ?? 8);
const BACKGROUND_GAP_MS: readonly [number, number] = [3_000, 6_000];

/** Session Desktop's pace: every 5 s, 2 swarm members at once (network-protocol.md §5.1). */
const BASELINE: DevnetPollOverride = { intervalMs: 5_000, members: 2 };

/** A stated day: minutes chatting, open on screen and quiet, open in a background tab. */
const DAY_PROFILE = { chattingMinutes: 10, onScreenMinutes: 120, hiddenMinutes: 360 } as const;

/**
 * Runs in every page before the app: the time each message row first appears (by its marker),
 * the time Enter is pressed in the composer (by the marker it sends), the notifications shown,
 * and a visibility the bench can switch (headless Chromium cannot hide a tab).
 */
const INIT_SCRIPT = `
  window.__rendered = {};
  window.__sent = {};
  window.__shown = [];
  window.__hidden = false;
  Object.defineProperty(document, 'visibilityState', { get: () => (window.__hidden ? 'hidden' : 'visible') });
  Object.defineProperty(document, 'hidden', { get: () => window.__hidden });
  const marker = /\\bdlv(\\d+)\\b/;
  const scan = (node) => {
    if (!(node instanceof Element)) return;
    const rows = node.matches('[data-message-id]') ? [node] : node.querySelectorAll('[data-message-id]');
    for (const row of rows) {
      const found = marker.exec(row.textContent || '');
      if (found && !(found[1] in window.__rendered)) window.__rendered[found[1]] = Date.now();
    }
  };
  new MutationObserver((mutations) => {
    for (const mutation of mutations) for (const node of mutation.addedNodes) scan(node);
  }).observe(document, { childList: true, subtree: true });
  document.addEventListener('keydown', (event) => {
    const target = event.target;
    if (event.key !== 'Enter' || event.shiftKey || !(target instanceof HTMLTextAreaElement || target instanceof HTMLInputElement)) return;
    const found = marker.exec(target.value);
    if (found) window.__sent[found[1]] = Date.now();
  }, true);
  if ('Notification' in window) {
    const Real = window.Notification;
    window.Notification = class extends Real {
      constructor(title, options) {
        super(title, options);
        window.__shown.push(Date.now());
      }
    };
  }
`;

interface Client {
  readonly name: string;
  readonly context: BrowserContext;
  readonly page: Page;
  readonly traffic: RelayTraffic;
  sessionId: string;
}

interface Pair {
  readonly label: 'parley' | 'baseline';
  readonly a: Client;
  readonly b: Client;
}

/** A small seeded generator: the same think times in every run. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((x, y) => x - y);
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}

async function openClient(browser: Browser, name: string, appUrl: string, traffic: RelayTraffic): Promise<Client> {
  const context = await browser.newContext({ baseURL: appUrl, viewport: { width: 1000, height: 760 } });
  await context.grantPermissions(['notifications']);
  await context.addInitScript(INIT_SCRIPT);
  const page = await context.newPage();
  await createAccount(page, name);
  const sessionId = await page.getByLabel('Your Session ID', { exact: true }).inputValue();
  // Notifications on, so that a hidden tab shows one per message (the figure of item 2).
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('radio', { name: 'On, with the sender’s name' }).check();
  await page.evaluate(`location.hash = '#/'`);
  await page.getByRole('button', { name: 'New conversation' }).waitFor({ timeout: STEP_TIMEOUT });
  return { name, context, page, traffic, sessionId };
}

async function openConversation(client: Client, peer: Client): Promise<void> {
  const { page } = client;
  await page.getByRole('button', { name: 'New conversation' }).click();
  await page.getByLabel('Session ID', { exact: true }).fill(peer.sessionId);
  await page.getByRole('button', { name: 'Start conversation' }).click();
  await page.getByLabel('Message', { exact: true }).waitFor({ timeout: STEP_TIMEOUT });
}

async function send(client: Client, text: string): Promise<void> {
  const field = client.page.getByLabel('Message', { exact: true });
  await field.fill(text);
  await field.press('Enter');
}

async function pageTimes(page: Page, key: '__sent' | '__rendered'): Promise<Record<string, number>> {
  return (await page.evaluate(`window.${key}`)) as Record<string, number>;
}

async function waitRendered(page: Page, marker: number, timeoutMs: number): Promise<void> {
  // A function, not a string: the app's CSP forbids evaluating strings in the page.
  await page.waitForFunction((key) => key in (globalThis as unknown as { __rendered: Record<string, number> }).__rendered, String(marker), {
    timeout: timeoutMs,
    polling: 100,
  });
}

function snapshot(traffic: RelayTraffic): TrafficCount {
  const { onion, seed } = traffic.snapshot();
  return { requests: onion.requests + seed.requests, requestBytes: onion.bytesIn + seed.bytesIn, answerBytes: onion.bytesOut + seed.bytesOut };
}

function perMinute(before: TrafficCount, after: TrafficCount, ms: number): { requests: number; bytes: number } {
  const minutes = ms / 60_000;
  return {
    requests: (after.requests - before.requests) / minutes,
    bytes: (after.requestBytes + after.answerBytes - before.requestBytes - before.answerBytes) / minutes,
  };
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
async function chat(pairs: readonly Pair[], firstMarker: number): Promise<Map<Pair, { latencies: number[]; perMinute: Map<Client, { requests: number; bytes: number }> }>> {
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
  const out = new Map<Pair, { latencies: number[]; perMinute: Map<Client, { requests: number; bytes: number }> }>();
  for (const pair of pairs) {
    const rates = new Map<Client, { requests: number; bytes: number }>();
    for (const client of [pair.a, pair.b]) rates.set(client, perMinute(before.get(client)!, snapshot(client.traffic), elapsed));
    out.set(pair, { latencies: await latencies(pair, plan), perMinute: rates });
  }
  return out;
}

async function setHidden(page: Page, hidden: boolean): Promise<void> {
  await page.evaluate(`window.__hidden = ${hidden}; document.dispatchEvent(new Event('visibilitychange'))`);
}

/** Item 2: Alice (or Carol) sends to a hidden Bob (or Dan); Enter → notification shown. */
async function backgroundLatencies(pairs: readonly Pair[], firstMarker: number): Promise<Map<Pair, number[]>> {
  const random = seeded(7);
  const sentAt = new Map<Pair, number[]>();
  const shownBefore = new Map<Pair, number>();
  for (const pair of pairs) {
    sentAt.set(pair, []);
    shownBefore.set(pair, ((await pair.b.page.evaluate('window.__shown.length')) as number));
  }
  for (let i = 0; i < BACKGROUND_MESSAGES; i++) {
    const marker = firstMarker + i;
    await Promise.all(pairs.map((pair) => send(pair.a, `dlv${marker} ${pair.label} while hidden ${i + 1}`)));
    for (const pair of pairs) {
      const sent = await pageTimes(pair.a.page, '__sent');
      sentAt.get(pair)!.push(sent[String(marker)] ?? Number.NaN);
    }
    // The next one once this one was notified everywhere (or after 30 s), then a pause.
    await Promise.all(
      pairs.map((pair) =>
        pair.b.page
          .waitForFunction((count) => (globalThis as unknown as { __shown: number[] }).__shown.length >= count, shownBefore.get(pair)! + i + 1, {
            timeout: 30_000,
            polling: 100,
          })
          .catch(() => undefined),
      ),
    );
    await sleep(Math.round(BACKGROUND_GAP_MS[0] + random() * (BACKGROUND_GAP_MS[1] - BACKGROUND_GAP_MS[0])));
  }
  const out = new Map<Pair, number[]>();
  for (const pair of pairs) {
    const shown = ((await pair.b.page.evaluate('window.__shown')) as number[]).slice(shownBefore.get(pair)!);
    const sent = sentAt.get(pair)!;
    out.set(
      pair,
      sent.flatMap((at, i) => (shown[i] !== undefined && Number.isFinite(at) ? [shown[i] - at] : [])),
    );
  }
  return out;
}

function recordLatencies(section: string, what: string, values: readonly number[], targets: { median?: [string, (v: number) => boolean]; p95?: [string, (v: number) => boolean] }, note: string): number {
  const median = percentile(values, 50);
  const p95 = percentile(values, 95);
  const max = Math.max(...values);
  const figure = (name: string, value: number, target?: [string, (v: number) => boolean]) =>
    record({ section, name: `${what}, ${name}`, value: Math.round(value), unit: 'ms', ...(target ? { target: target[0], met: target[1](value) } : {}), note });
  figure('median', median, targets.median);
  figure('p95', p95, targets.p95);
  figure('max', max);
  return median;
}

export async function run(): Promise<void> {
  if (!existsSync(path.join(distDir, 'index.html'))) {
    console.log('dist/ has no build: building it first (vite build)');
    const { build } = await import('vite');
    await build({ root, logLevel: 'warn' });
  }
  const dataDir = mkdtempSync(path.join(tmpdir(), 'parley-delivery-bench-'));
  const devnet = new Devnet({ dataDir, basePort: 0 });
  const relays: ReturnType<typeof createRelay>[] = [];
  let browser: Browser | undefined;
  try {
    const { seedUrl } = await devnet.start();
    const relayFor = async (override?: DevnetPollOverride): Promise<{ url: string; traffic: RelayTraffic }> => {
      const traffic = new RelayTraffic();
      const relay = createRelay({
        distDir,
        profile: devnetSeeds([seedUrl]),
        log: () => undefined,
        traffic,
        ...(override ? { devnetPollOverride: override } : {}),
      });
      relays.push(relay);
      return { url: await listen(relay, 0, '127.0.0.1'), traffic };
    };
    browser = await chromium.launch(playwrightConfig.use?.launchOptions ?? {});
    const open = async (name: string, override?: DevnetPollOverride) => {
      const relay = await relayFor(override);
      return openClient(browser!, name, relay.url, relay.traffic);
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

    // 2a. Open and quiet: the burst decays, then traffic per minute.
    await sleep(SETTLE_MS);
    const idleBefore = new Map<Client, TrafficCount>();
    for (const pair of pairs) idleBefore.set(pair.b, snapshot(pair.b.traffic));
    await sleep(IDLE_MS);
    const idle = new Map<Pair, { requests: number; bytes: number }>();
    for (const pair of pairs) idle.set(pair, perMinute(idleBefore.get(pair.b)!, snapshot(pair.b.traffic), IDLE_MS));

    // 2b. Hidden: traffic per minute while nothing arrives, then messages to the hidden tab.
    for (const pair of pairs) await setHidden(pair.b.page, true);
    const hiddenStarted = Date.now();
    const hiddenBefore = new Map<Client, TrafficCount>();
    for (const pair of pairs) hiddenBefore.set(pair.b, snapshot(pair.b.traffic));
    await sleep(HIDDEN_MINUTES * 60_000);
    const hiddenMs = Date.now() - hiddenStarted;
    const hidden = new Map<Pair, { requests: number; bytes: number }>();
    for (const pair of pairs) hidden.set(pair, perMinute(hiddenBefore.get(pair.b)!, snapshot(pair.b.traffic), hiddenMs));
    const background = await backgroundLatencies(pairs, 1_000);
    const bgNote = `${BACKGROUND_MESSAGES} messages to a tab hidden ${HIDDEN_MINUTES} min before the first (the page told it is hidden), Enter → notification`;
    const parleyBackground = background.get(parley)!;
    const baselineBackground = background.get(baseline)!;
    const baselineBgMedian = percentile(baselineBackground, 50);
    recordLatencies(
      'background',
      'to a hidden tab, Parley',
      parleyBackground,
      { median: ['≤ 5,000 ms and < baseline', (v) => v <= 5_000 && v < baselineBgMedian] },
      `${parleyBackground.length}/${BACKGROUND_MESSAGES} notified; ${bgNote}`,
    );
    recordLatencies('background', 'to a hidden tab, 5 s baseline', baselineBackground, {}, `${baselineBackground.length}/${BACKGROUND_MESSAGES} notified; ${bgNote}`);

    // Traffic per minute and a day.
    const rate = (label: string, what: string, value: { requests: number; bytes: number }, note: string) => {
      record({ section: 'wire per client', name: `${label}, ${what}, requests`, value: Number(value.requests.toFixed(1)), unit: 'requests/min', note });
      record({ section: 'wire per client', name: `${label}, ${what}, bytes`, value: Math.round(value.bytes), unit: 'bytes/min', note: 'request and answer bodies at the relay' });
    };
    const day = new Map<Pair, { requests: number; bytes: number }>();
    for (const pair of pairs) {
      const label = pair === parley ? 'Parley' : '5 s baseline';
      const chatRate = {
        requests: (parleyOrBaseline(chatting.get(pair)!.perMinute, pair.a).requests + parleyOrBaseline(chatting.get(pair)!.perMinute, pair.b).requests) / 2,
        bytes: (parleyOrBaseline(chatting.get(pair)!.perMinute, pair.a).bytes + parleyOrBaseline(chatting.get(pair)!.perMinute, pair.b).bytes) / 2,
      };
      rate(label, 'chatting', chatRate, 'one client, mean of the two, sending included');
      rate(label, 'open, conversation on screen, quiet', idle.get(pair)!, `${IDLE_MS / 1_000} s, from ${SETTLE_MS / 1_000} s after the last message`);
      rate(label, 'open, hidden', hidden.get(pair)!, `${(hiddenMs / 60_000).toFixed(1)} min hidden, nothing arriving`);
      const { chattingMinutes, onScreenMinutes, hiddenMinutes } = DAY_PROFILE;
      const total = (key: 'requests' | 'bytes') =>
        chatRate[key] * chattingMinutes + idle.get(pair)![key] * onScreenMinutes + hidden.get(pair)![key] * hiddenMinutes;
      day.set(pair, { requests: total('requests'), bytes: total('bytes') });
    }
    const profileNote = `${DAY_PROFILE.chattingMinutes} min chatting, ${DAY_PROFILE.onScreenMinutes / 60} h open on screen, ${DAY_PROFILE.hiddenMinutes / 60} h in a background tab, from the rates above`;
    const parleyDay = day.get(parley)!;
    const baselineDay = day.get(baseline)!;
    record({ section: 'day', name: 'Parley, requests per day', value: Math.round(parleyDay.requests), unit: 'requests', target: '≤ ½ of the baseline', met: parleyDay.requests <= baselineDay.requests / 2, note: profileNote });
    record({ section: 'day', name: '5 s baseline, requests per day', value: Math.round(baselineDay.requests), unit: 'requests', note: profileNote });
    record({ section: 'day', name: 'Parley, MB per day', value: Number((parleyDay.bytes / 1e6).toFixed(2)), unit: 'MB', note: profileNote });
    record({ section: 'day', name: '5 s baseline, MB per day', value: Number((baselineDay.bytes / 1e6).toFixed(2)), unit: 'MB', note: profileNote });
  } finally {
    await browser?.close().catch(() => undefined);
    for (const relay of relays) await close(relay).catch(() => undefined);
    await devnet.stop().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function parleyOrBaseline(rates: Map<Client, { requests: number; bytes: number }>, client: Client): { requests: number; bytes: number } {
  return rates.get(client) ?? { requests: Number.NaN, bytes: Number.NaN };
}
