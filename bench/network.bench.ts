/**
 * Items 6 and 7 of issue 10, on the stack `npm start` runs (scripts/stack.ts: devnet, relay, echo
 * peer), everything through 3-hop onions:
 *
 *  6. throughput: Alice (a browser context) goes offline with a conversation with Bob (a second
 *     context, the conversation open) on screen, writes 100 messages through the composer, and
 *     comes back online; timed from the reconnect until all 100 are 'sent' (the recipient's and
 *     the sync copy stored in the swarms) and until Bob's core has all 100 and the newest is on
 *     his screen. The times come from the core's own events, heard on the tabs' channel
 *     (src/shared/tab-channel.ts) by a listener the bench adds to each page. The relay's counter
 *     gives the onion requests until all are stored (both browsers, polls included).
 *  7. wire overhead: a Core in Node, alone on its own relay in front of the same devnet, sends
 *     100-character messages one at a time to the echo peer; the relay's counter (relay/traffic.ts)
 *     gives the requests and bytes, both ways, from each send until both its copies are stored.
 *
 * Figures are recorded (bench/report.ts), never asserted; every wait has a cap.
 */
// idb looks up IDBRequest, IDBKeyRange … as globals; fake-indexeddb/auto installs them under Node.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import type { BrowserContext, Page } from '@playwright/test';
import type { CoreEvent } from '../src/core/api.ts';
import { Core } from '../src/core/core.ts';
import { devnetProfile } from '../src/core/net/network-profile.ts';
import { TAB_CHANNEL_NAME } from '../src/shared/tab-channel.ts';
import { createRelay } from '../relay/relay.ts';
import { devnetSeeds } from '../relay/seed-profiles.ts';
import { close, listen } from '../relay/server.ts';
import { RelayTraffic } from '../relay/traffic.ts';
import type { RunningStack } from '../scripts/stack.ts';
import { createAccount } from '../scripts/ui-steps.ts';
import { ready } from '../wasm/sodium.ts';
import { withStackAndBrowser } from './browser/app-stack.ts';
import { record } from './report.ts';

const QUEUED = 100;
const THROUGHPUT_CAP_MS = 60_000;
const WIRE_MESSAGES = 5;
const WIRE_CAP_MS = 30_000;
const STEP_TIMEOUT = 60_000;

export async function run(): Promise<void> {
  await ready();
  await withStackAndBrowser(async (stack, browser) => {
    const alice = await browser.newContext({ baseURL: stack.appUrl, viewport: { width: 1280, height: 800 } });
    const bob = await browser.newContext({ baseURL: stack.appUrl, viewport: { width: 1280, height: 800 } });
    // Playwright's library has no default action timeout: every step here stops by itself.
    for (const context of [alice, bob]) context.setDefaultTimeout(STEP_TIMEOUT);
    try {
      await throughput(stack, alice, bob);
    } finally {
      await alice.close();
      await bob.close();
    }
    await wireOverhead(stack);
  });
}

/** Runs in a page: remembers, with Date.now(), each event the leading core posts on the tabs' channel. */
const LISTEN = `(() => {
  const heard = { sent: {}, added: {} };
  const channel = new BroadcastChannel(${JSON.stringify(TAB_CHANNEL_NAME)});
  channel.onmessage = ({ data }) => {
    if (data === null || typeof data !== 'object' || data.kind !== 'event') return;
    const event = data.event;
    if (event.type === 'message_status' && event.status === 'sent') heard.sent[event.messageId] = Date.now();
    if (event.type === 'message_added') heard.added[event.message.body] = Date.now();
  };
  globalThis.parleyBenchHeard = heard;
})()`;

async function sessionIdOf(page: Page): Promise<string> {
  return page.getByLabel('Your Session ID', { exact: true }).inputValue();
}

async function throughput(stack: RunningStack, aliceContext: BrowserContext, bobContext: BrowserContext): Promise<void> {
  const alice = await aliceContext.newPage();
  const bob = await bobContext.newPage();
  await createAccount(alice, 'Alice');
  await createAccount(bob, 'Bob');
  const bobId = await sessionIdOf(bob);
  // The service worker serves the app while offline; wait until it is active.
  await alice.evaluate('navigator.serviceWorker.ready.then(() => undefined)');

  await alice.getByRole('button', { name: 'New conversation' }).click();
  await alice.getByLabel('Session ID', { exact: true }).fill(bobId);
  await alice.getByRole('button', { name: 'Start conversation' }).click();
  const field = alice.getByLabel('Message', { exact: true });
  await field.fill('before going offline');
  await field.press('Enter');
  // Bob opens the conversation once the first message has brought it to his list.
  await bob.getByRole('link', { name: /Alice/u }).click({ timeout: STEP_TIMEOUT });
  await bob.getByRole('log', { name: 'Messages' }).getByText('before going offline').waitFor({ timeout: STEP_TIMEOUT });
  await alice.evaluate(LISTEN);
  await bob.evaluate(LISTEN);

  await aliceContext.setOffline(true);
  await alice.getByText(/^Offline — /u).waitFor({ timeout: STEP_TIMEOUT });
  const bodies = Array.from({ length: QUEUED }, (_, i) => `queued ${String(i).padStart(3, '0')} ${'x'.repeat(80)}`);
  const writeStart = performance.now();
  for (const body of bodies) {
    await field.fill(body);
    await field.press('Enter');
  }
  await alice.getByText(`Offline — ${QUEUED} messages will be sent when you're back online.`).waitFor({ timeout: STEP_TIMEOUT });
  console.log(`wrote ${QUEUED} messages offline through the composer in ${((performance.now() - writeStart) / 1000).toFixed(1)} s`);

  const reconnect = Date.now();
  const trafficBefore = stack.traffic.snapshot();
  let trafficStored: ReturnType<RelayTraffic['snapshot']> | undefined;
  await aliceContext.setOffline(false);
  const newest = bodies.at(-1)!;
  const capped = reconnect + THROUGHPUT_CAP_MS;
  let storedAt: number | undefined;
  let renderedAt: number | undefined;
  let sentCount = 0;
  let receivedCount = 0;
  while (Date.now() < capped && (storedAt === undefined || renderedAt === undefined)) {
    const sent = (await alice.evaluate('Object.values(parleyBenchHeard.sent)')) as number[];
    sentCount = sent.length;
    if (storedAt === undefined && sentCount >= QUEUED) {
      storedAt = Math.max(...sent);
      trafficStored = stack.traffic.snapshot();
    }
    const added = (await bob.evaluate('parleyBenchHeard.added')) as Record<string, number>;
    receivedCount = bodies.filter((body) => added[body] !== undefined).length;
    if (renderedAt === undefined && receivedCount >= QUEUED) {
      const onScreen = await bob.getByRole('log', { name: 'Messages' }).getByText(newest, { exact: true }).count();
      if (onScreen > 0) renderedAt = Date.now();
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const storedS = storedAt === undefined ? Number.NaN : (storedAt - reconnect) / 1000;
  record({
    section: 'throughput',
    name: `${QUEUED} messages written offline: all stored in the swarm after reconnect`,
    value: storedS,
    unit: 's',
    target: '≤ 5 s',
    met: storedS <= 5,
    note: storedAt === undefined ? `only ${sentCount}/${QUEUED} 'sent' by the ${THROUGHPUT_CAP_MS / 1000} s cap` : `the last of ${QUEUED} 'sent' events (the recipient's copy stored; the sync copy follows)`,
  });
  if (trafficStored !== undefined) {
    const onion = RelayTraffic.difference(trafficStored, trafficBefore).onion;
    record({
      section: 'throughput',
      name: `same ${QUEUED}: onion requests through the relay until all stored`,
      value: onion.requests,
      unit: 'requests',
      note: `both browsers, their polls included (the bench looks every 50 ms); ${Math.round((onion.bytesIn + onion.bytesOut) / 1024)} KB both ways`,
    });
  }
  const renderedS = renderedAt === undefined ? Number.NaN : (renderedAt - reconnect) / 1000;
  record({
    section: 'throughput',
    name: `same ${QUEUED}: all received by the recipient, the newest on his screen`,
    value: renderedS,
    unit: 's',
    note: renderedAt === undefined ? `only ${receivedCount}/${QUEUED} received by the ${THROUGHPUT_CAP_MS / 1000} s cap` : 'second browser context, the conversation open (±50 ms polling by the bench)',
  });
}

async function wireOverhead(stack: RunningStack): Promise<void> {
  const relay = createRelay({ distDir: 'dist-that-does-not-exist', profile: devnetSeeds([stack.seedUrl]), log: () => undefined });
  const relayUrl = await listen(relay, 0, '127.0.0.1');
  const sent = new Map<number, number>();
  const core = await Core.open({ profile: devnetProfile(relayUrl), indexedDB: new IDBFactory(), databaseName: 'bench-wire', log: () => undefined });
  try {
    await core.subscribe((event: CoreEvent) => {
      if (event.type === 'message_status' && event.status === 'sent') sent.set(event.messageId, Date.now());
    });
    await core.createAccount({ recoveryPhrase: await core.newRecoveryPhrase(), displayName: 'Wire' });
    // In the background and on no conversation: its own polls as rare as the app makes them.
    await core.setVisible(false);
    await core.setActiveConversation(null);
    // 'sent' means the recipient's copy is stored; the sync copy goes after it: done when the outbox is empty too.
    const waitSent = async (id: number): Promise<boolean> => {
      const deadline = Date.now() + WIRE_CAP_MS;
      const done = async (): Promise<boolean> => sent.has(id) && (await core.getOutboxSummary()).pending === 0;
      while (!(await done()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
      return done();
    };
    // The first send builds the path and learns the swarms: not what a message costs.
    if (!(await waitSent((await core.sendMessage(stack.echoPeerSessionId, 'warm-up')).id))) throw new Error('the warm-up message was not sent');

    const text = 'a'.repeat(100);
    let total = { requests: 0, bytesIn: 0, bytesOut: 0 };
    let measured = 0;
    for (let i = 0; i < WIRE_MESSAGES; i++) {
      const before = relay.traffic.snapshot();
      const message = await core.sendMessage(stack.echoPeerSessionId, text);
      if (!(await waitSent(message.id))) break;
      const spent = RelayTraffic.difference(relay.traffic.snapshot(), before);
      total = {
        requests: total.requests + spent.onion.requests + spent.seed.requests,
        bytesIn: total.bytesIn + spent.onion.bytesIn + spent.seed.bytesIn,
        bytesOut: total.bytesOut + spent.onion.bytesOut + spent.seed.bytesOut,
      };
      measured++;
    }
    const per = (value: number): number => Math.round(value / Math.max(1, measured));
    const note = `mean of ${measured} sends, each until 'sent' and the outbox empty (sync copy stored); ${(total.requests / Math.max(1, measured)).toFixed(1)} requests per message (recipient's and sync copies, any poll in between)`;
    record({ section: 'wire overhead', name: 'one 100-character message: bytes to the relay (requests)', value: per(total.bytesIn), unit: 'bytes', note });
    record({ section: 'wire overhead', name: 'one 100-character message: bytes from the relay (answers)', value: per(total.bytesOut), unit: 'bytes' });
    record({ section: 'wire overhead', name: 'one 100-character message: both ways', value: per(total.bytesIn + total.bytesOut), unit: 'bytes' });
  } finally {
    await core.close();
    await close(relay);
  }
}
