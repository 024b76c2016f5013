/**
 * The background-tab measurement of bench/background.bench.ts, run in a process of its own (forked
 * by it) so that the other benches, which run meanwhile in the parent, cannot stall its devnet's or
 * its timers' event loop, and it cannot stall theirs. It tells its parent, over the IPC channel,
 * when the tabs are hidden (the other benches may start) and, at the end, the figures to record.
 *
 * Four people on the built app, each on their own relay, in a Chromium of our own where a tab can
 * be really hidden (bench/hidden-tabs.ts):
 *   - Bob (Parley's schedule) and Dan (forced to a 5 s poll of 2 members: Session Desktop's pace),
 *     each with their conversation open, then put in the background: another tab is brought to the
 *     front, so Chromium itself hides them and throttles them as background tabs;
 *   - Alice and Carol, always visible, who send to them.
 * A third background tab runs timer probes (bench/timer-probe.ts): what Chromium does to a hidden
 * page's timers and to its dedicated worker's, minute by minute.
 *
 * After HIDDEN_MINUTES hidden (longer if the parent's other benches are not done yet: the messages
 * are timed on a machine they left quiet), Alice and Carol each send BACKGROUND_MESSAGES messages
 * on one timeline, a few seconds apart; each is timed from Enter in the sender's page to the
 * notification Bob's (Dan's) page shows. Bob's and Dan's traffic over the hidden minutes, as their
 * relays count it, is their cost in a background tab.
 */
import type { Page } from '@playwright/test';
import { ensureBuilt } from './browser/app-stack.ts';
import {
  BASELINE,
  clientContext,
  DeliveryNet,
  INIT_SCRIPT,
  openConversation,
  pageTimes,
  percentile,
  perMinute,
  seeded,
  send,
  setUpClient,
  shownTimes,
  sleep,
  snapshot,
  type Client,
  type Rate,
  type TrafficCount,
} from './delivery-clients.ts';
import { HiddenTabsBrowser } from './hidden-tabs.ts';
import type { Figure } from './report.ts';
import { describeGaps, firings, gapsBetween, TimerProbe, type TimerFirings } from './timer-probe.ts';

/** How long Bob and Dan are hidden before the first message to them (the issue's 10 minutes). */
const HIDDEN_MINUTES = Number(process.env['DELIVERY_BENCH_HIDDEN_MINUTES'] ?? 10);
/** Messages sent to each hidden tab, on one timeline, one every BACKGROUND_GAP_MS (drawn in the range). */
const BACKGROUND_MESSAGES = Number(process.env['DELIVERY_BENCH_BACKGROUND_MESSAGES'] ?? 6);
const BACKGROUND_GAP_MS: readonly [number, number] = [2_000, 4_000];
/** How long, after the last message, notifications are waited for (a throttled tab may take a minute). */
const NOTIFY_CAP_MS = 90_000;
/** Chromium's intensive wake-up throttling starts once a page has been hidden this long. */
const INTENSIVE_AFTER_MS = 5 * 60_000;

/** What the child tells its parent. */
export type BackgroundMessage =
  | { readonly type: 'hidden' }
  | { readonly type: 'done'; readonly figures: Figure[]; readonly hiddenRates: { readonly parley: Rate; readonly baseline: Rate } }
  | { readonly type: 'failed'; readonly error: string };

/** What the parent tells the child. */
export type ParentMessage = { readonly type: 'others done' };

interface Pair {
  readonly label: 'Parley' | '5 s baseline';
  readonly sender: Client;
  readonly receiver: Client;
}

/** Sends a message to the parent; resolves once it is on its way (before the process may exit). */
function tell(message: BackgroundMessage): Promise<void> {
  return new Promise((resolve) => {
    if (process.send === undefined) resolve();
    else process.send(message, undefined, {}, () => resolve());
  });
}

async function visibility(page: Page): Promise<string> {
  return (await page.evaluate('document.visibilityState')) as string;
}

/** The parent's other benches are done (told over IPC; at once when run without a parent). */
const othersDone = (() => {
  const state = { done: process.send === undefined, promise: Promise.resolve() };
  if (!state.done) {
    state.promise = new Promise<void>((resolve) => {
      process.on('message', (message) => {
        if ((message as ParentMessage).type !== 'others done') return;
        state.done = true;
        resolve();
      });
    });
  }
  return state;
})();

/** Stops everything this process started; set while main() runs. */
let cleanUp: (() => Promise<void>) | undefined;

// The parent gone (it failed, or was stopped): stop rather than keep a Chromium and a devnet for
// minutes. Its end of our stdout and stderr is gone too: a write there must not kill the clean-up.
process.on('disconnect', () => {
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
  void (cleanUp?.() ?? Promise.resolve()).finally(() => process.exit(1));
});

async function main(): Promise<void> {
  await ensureBuilt();
  const net = new DeliveryNet();
  const chromium = new HiddenTabsBrowser();
  const probe = new TimerProbe();
  let cleaned: Promise<void> | undefined;
  // Each step whatever the one before did: a Chromium that will not close must not leave the devnet running.
  const step = (what: string, stop: () => Promise<void>) => stop().catch((error: unknown) => console.log(`stopping ${what}: ${String(error)}`));
  cleanUp = () => (cleaned ??= (async () => {
    await step('Chromium', () => chromium.close());
    await step('the timer probe', () => probe.close());
    await step('the devnet and relays', () => net.stop());
  })());
  try {
    await net.start();
    await chromium.launch();
    const background = chromium.backgroundable;
    await background.addInitScript(INIT_SCRIPT);
    const relays = { alice: await net.relay(), bob: await net.relay(), carol: await net.relay(BASELINE), dan: await net.relay(BASELINE) };
    await background.grantPermissions(['notifications'], { origin: relays.bob.url });
    await background.grantPermissions(['notifications'], { origin: relays.dan.url });
    const visibleContext = () => chromium.browser.newContext({ viewport: { width: 1000, height: 760 } });
    const senderSetUp = Promise.all([
      clientContext(visibleContext, relays.alice.url).then((page) => setUpClient(page, 'Alice', relays.alice.url, relays.alice.traffic)),
      clientContext(visibleContext, relays.carol.url).then((page) => setUpClient(page, 'Carol', relays.carol.url, relays.carol.traffic)),
    ]);
    senderSetUp.catch(() => undefined); // awaited below; a failure meanwhile is not an unhandled rejection
    // Bob's and Dan's tabs share one window: each is set up while it is the tab in front.
    const bobPage = await background.newPage();
    const danPage = await background.newPage();
    await bobPage.bringToFront();
    const bob = await setUpClient(bobPage, 'Bob', relays.bob.url, relays.bob.traffic);
    await danPage.bringToFront();
    const dan = await setUpClient(danPage, 'Dan', relays.dan.url, relays.dan.traffic);
    const [alice, carol] = await senderSetUp;
    const pairs: Pair[] = [
      { label: 'Parley', sender: alice, receiver: bob },
      { label: '5 s baseline', sender: carol, receiver: dan },
    ];
    for (const pair of pairs) {
      await pair.receiver.page.bringToFront();
      await openConversation(pair.receiver, pair.sender);
    }
    const probePage = await background.newPage();
    await probePage.goto(await probe.url());

    await chromium.hideBackgroundableTabs();
    const hiddenAt = Date.now();
    const states = { bob: await visibility(bob.page), dan: await visibility(dan.page), probe: await visibility(probePage), alice: await visibility(alice.page), carol: await visibility(carol.page) };
    console.log(`tabs hidden: ${JSON.stringify(states)}`);
    if (states.bob !== 'hidden' || states.dan !== 'hidden' || states.probe !== 'hidden' || states.alice !== 'visible' || states.carol !== 'visible') {
      throw new Error(`the receivers' tabs are not hidden (or the senders' not visible): ${JSON.stringify(states)}`);
    }
    await tell({ type: 'hidden' });

    // The senders open their conversations and send one warm-up message (their paths built, the
    // receiver's swarm known), in the first hidden minute; not measured.
    const shownAtStart = new Map<Pair, number>();
    for (const pair of pairs) {
      await openConversation(pair.sender, pair.receiver);
      await send(pair.sender, `dlv1 warm-up for a hidden tab`);
    }
    for (const pair of pairs) {
      await waitShown(pair.receiver.page, 1, 60_000).catch(() => console.log(`${pair.label}: the warm-up message was not notified within 60 s`));
      shownAtStart.set(pair, (await shownTimes(pair.receiver.page)).length);
    }

    // Hidden, nothing arriving: the receivers' traffic minute by minute, until HIDDEN_MINUTES have
    // passed and the parent's other benches are done (on a busy machine they may take longer: the
    // tabs then stay hidden longer, and the messages are still timed on a machine left quiet).
    const minutes = new Map<Pair, TrafficCount[]>(pairs.map((pair) => [pair, [snapshot(pair.receiver.traffic)]]));
    const countedFrom = Date.now();
    const firstMessageNotBefore = hiddenAt + HIDDEN_MINUTES * 60_000;
    let nextMinute = countedFrom + 60_000;
    while (!(othersDone.done && Date.now() >= firstMessageNotBefore)) {
      const wakeAt = Date.now() < firstMessageNotBefore ? Math.min(nextMinute, firstMessageNotBefore) : nextMinute;
      const wait = sleep(Math.max(0, wakeAt - Date.now()));
      await (othersDone.done ? wait : Promise.race([wait, othersDone.promise]));
      if (Date.now() < nextMinute) continue;
      nextMinute += 60_000;
      for (const pair of pairs) minutes.get(pair)!.push(snapshot(pair.receiver.traffic));
      const perMinuteNow = pairs.map((pair) => {
        const counts = minutes.get(pair)!;
        return `${pair.label} ${counts[counts.length - 1]!.requests - counts[counts.length - 2]!.requests}`;
      });
      console.log(`hidden ${((Date.now() - hiddenAt) / 60_000).toFixed(1)} min: requests in the last minute: ${perMinuteNow.join(', ')}`);
    }
    const firstMessageAt = Date.now();
    const hiddenMinutes = (firstMessageAt - hiddenAt) / 60_000;
    console.log(`first message after ${hiddenMinutes.toFixed(1)} min hidden`);
    const hiddenRates = new Map<Pair, Rate>();
    const countedMs = firstMessageAt - countedFrom;
    for (const pair of pairs) hiddenRates.set(pair, perMinute(minutes.get(pair)![0]!, snapshot(pair.receiver.traffic), countedMs));

    // The messages, on one timeline for both pairs.
    const random = seeded(7);
    for (let i = 0; i < BACKGROUND_MESSAGES; i++) {
      if (i > 0) await sleep(Math.round(BACKGROUND_GAP_MS[0] + random() * (BACKGROUND_GAP_MS[1] - BACKGROUND_GAP_MS[0])));
      await Promise.all(pairs.map((pair) => send(pair.sender, `dlv${100 + i} while hidden ${i + 1}`)));
    }
    const lastSentAt = Date.now();
    await Promise.all(
      pairs.map((pair) =>
        waitShown(pair.receiver.page, shownAtStart.get(pair)! + BACKGROUND_MESSAGES, NOTIFY_CAP_MS).catch(() => console.log(`${pair.label}: not every message notified within ${NOTIFY_CAP_MS / 1_000} s`)),
      ),
    );
    console.log(`notifications waited for ${((Date.now() - lastSentAt) / 1_000).toFixed(1)} s after the last message`);

    const figures: Figure[] = [];
    const latencies = new Map<Pair, number[]>();
    for (const pair of pairs) {
      const sent = await pageTimes(pair.sender.page, '__sent');
      // Notifications come in the order the messages were sent (one poll returns them in order).
      const shown = (await shownTimes(pair.receiver.page)).slice(shownAtStart.get(pair)!);
      const values: number[] = [];
      for (let i = 0; i < BACKGROUND_MESSAGES; i++) {
        const at = sent[String(100 + i)];
        if (at !== undefined && shown[i] !== undefined) values.push(shown[i]! - at);
      }
      latencies.set(pair, values);
      console.log(`${pair.label}: Enter → notification, ms: ${values.join(', ')}`);
    }
    const baselineMedian = percentile(latencies.get(pairs[1]!)!, 50);
    const note = (values: readonly number[]) =>
      `${values.length}/${BACKGROUND_MESSAGES} notified; ${BACKGROUND_MESSAGES} messages ${BACKGROUND_GAP_MS[0] / 1_000}–${BACKGROUND_GAP_MS[1] / 1_000} s apart to a tab really hidden (Chromium's background tab) ${hiddenMinutes.toFixed(1)} min before the first, Enter → notification`;
    for (const pair of pairs) {
      const values = latencies.get(pair)!;
      const median = percentile(values, 50);
      const latency = (name: string, value: number, target?: { target: string; met: boolean }): Figure => ({
        section: 'background',
        name: `to a tab hidden ${HIDDEN_MINUTES} min, ${pair.label}, ${name}`,
        value: Math.round(value),
        unit: 'ms',
        ...target,
        note: note(values),
      });
      figures.push(
        latency('median', median, pair.label === 'Parley' ? { target: '≤ 5,000 ms and < baseline', met: median <= 5_000 && median < baselineMedian } : undefined),
        latency('p95', percentile(values, 95)),
        latency('max', values.length === 0 ? Number.NaN : Math.max(...values)),
      );
    }
    for (const pair of pairs) {
      const counts = minutes.get(pair)!;
      const series = counts.slice(1).map((count, i) => count.requests - counts[i]!.requests);
      figures.push({
        section: 'wire per client',
        name: `${pair.label}, open, hidden ${HIDDEN_MINUTES} min, requests`,
        value: Number(hiddenRates.get(pair)!.requests.toFixed(1)),
        unit: 'requests/min',
        note: `a background tab, nothing arriving, over ${(countedMs / 60_000).toFixed(1)} min; minute by minute: ${series.join(', ')}`,
      });
      figures.push({
        section: 'wire per client',
        name: `${pair.label}, open, hidden ${HIDDEN_MINUTES} min, bytes`,
        value: Math.round(hiddenRates.get(pair)!.bytes),
        unit: 'bytes/min',
        note: 'requests and answers at the relay, HTTP headers included',
      });
    }
    figures.push(...timerFigures(await firings(probePage), hiddenAt, firstMessageAt));
    await tell({ type: 'done', figures, hiddenRates: { parley: hiddenRates.get(pairs[0]!)!, baseline: hiddenRates.get(pairs[1]!)! } });
  } finally {
    await cleanUp();
  }
}

async function waitShown(page: Page, count: number, timeoutMs: number): Promise<void> {
  await page.waitForFunction((n) => (globalThis as unknown as { __shown: number[] }).__shown.length >= n, count, { timeout: timeoutMs, polling: 250 });
}

/** The probe tab's timers before and after Chromium's intensive throttling may start (5 min hidden). */
function timerFigures(times: TimerFirings, hiddenAt: number, until: number): Figure[] {
  const intensiveFrom = hiddenAt + INTENSIVE_AFTER_MS;
  const timers: { key: keyof TimerFirings; what: string }[] = [
    { key: 'page1s', what: 'page, setTimeout 1 s chained' },
    { key: 'page7500ms', what: 'page, setTimeout 7.5 s chained' },
    { key: 'worker1s', what: 'dedicated worker, setTimeout 1 s chained' },
    { key: 'worker7500ms', what: 'dedicated worker, setTimeout 7.5 s chained' },
  ];
  const later = until > intensiveFrom;
  return timers.map(({ key, what }) => {
    const from = later ? intensiveFrom : hiddenAt;
    const gaps = gapsBetween(times[key], from, until);
    return {
      section: 'background',
      name: `hidden tab's own timers: ${what}, median gap${later ? ' after 5 min hidden' : ''}`,
      value: Math.round(percentile(gaps, 50)),
      unit: 'ms',
      note: `first 5 min hidden: ${describeGaps(times[key], hiddenAt, Math.min(intensiveFrom, until))}${later ? `; from 5 min to ${((until - hiddenAt) / 60_000).toFixed(1)} min: ${describeGaps(times[key], intensiveFrom, until)}` : ''}`,
    };
  });
}

main().then(
  () => process.exit(0),
  async (error: unknown) => {
    await tell({ type: 'failed', error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    process.exit(1);
  },
);
