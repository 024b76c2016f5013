/**
 * What the two delivery benches share (bench/delivery.bench.ts: chatting and an open, quiet
 * conversation; bench/background.bench.ts: a tab hidden for 10 minutes): a devnet with one relay
 * per person (so that each relay's counter, relay/traffic.ts, is one client's traffic on the wire),
 * people driven through the built app's screens, and the page-side probes that time a message from
 * Enter pressed to its row, or to its notification.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from '@playwright/test';
import { Devnet } from '../devnet/devnet.ts';
import { devnetSeeds } from '../relay/seed-profiles.ts';
import { createRelay } from '../relay/relay.ts';
import { close, listen } from '../relay/server.ts';
import { RelayTraffic } from '../relay/traffic.ts';
import { finishCreate, phraseWords, STEP_TIMEOUT } from '../scripts/ui-steps.ts';
import type { DevnetPollOverride } from '../src/shared/relay-api.ts';
import { distDir } from './browser/app-stack.ts';
import { record } from './report.ts';

/** Session Desktop's pace: every 5 s, 2 swarm members at once (network-protocol.md §5.1). */
export const BASELINE: DevnetPollOverride = { intervalMs: 5_000, members: 2 };

/** What one client cost on the wire (its relay's onion and seed routes, headers included). */
export interface TrafficCount {
  readonly requests: number;
  readonly requestBytes: number;
  readonly answerBytes: number;
}

export interface Rate {
  readonly requests: number;
  readonly bytes: number;
}

/**
 * Runs in every page before the app: the time each message row first appears (by its marker),
 * the time Enter is pressed in the composer (by the marker it sends), and the notifications shown.
 */
export const INIT_SCRIPT = `
  window.__rendered = {};
  window.__sent = {};
  window.__shown = [];
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

export interface Client {
  readonly name: string;
  readonly page: Page;
  readonly traffic: RelayTraffic;
  readonly sessionId: string;
}

/** A devnet in process, and one relay per client in front of it. */
export class DeliveryNet {
  readonly #dataDir = mkdtempSync(path.join(tmpdir(), 'parley-delivery-bench-'));
  readonly #devnet = new Devnet({ dataDir: this.#dataDir, basePort: 0 });
  readonly #relays: ReturnType<typeof createRelay>[] = [];
  #seedUrl: string | undefined;

  async start(): Promise<void> {
    this.#seedUrl = (await this.#devnet.start()).seedUrl;
  }

  /** A relay of its own serving dist/; `override` forces its clients' poll pace (the baseline). */
  async relay(override?: DevnetPollOverride): Promise<{ url: string; traffic: RelayTraffic }> {
    if (this.#seedUrl === undefined) throw new Error('DeliveryNet.start() first');
    const traffic = new RelayTraffic();
    const relay = createRelay({
      distDir,
      profile: devnetSeeds([this.#seedUrl]),
      log: () => undefined,
      traffic,
      ...(override ? { devnetPollOverride: override } : {}),
    });
    this.#relays.push(relay);
    return { url: await listen(relay, 0, '127.0.0.1'), traffic };
  }

  async stop(): Promise<void> {
    for (const relay of this.#relays) await close(relay).catch(() => undefined);
    await this.#devnet.stop().catch(() => undefined);
    rmSync(this.#dataDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  }
}

/**
 * Creates an account in `page` (already carrying INIT_SCRIPT and the notification permission for
 * `appUrl`) and turns notifications on, so that a hidden tab shows one per message.
 */
export async function setUpClient(page: Page, name: string, appUrl: string, traffic: RelayTraffic): Promise<Client> {
  await page.goto(appUrl);
  await page.getByRole('button', { name: 'Create account' }).click();
  await finishCreate(page, await phraseWords(page), name);
  const sessionId = await page.getByLabel('Your Session ID', { exact: true }).inputValue();
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('radio', { name: 'On, with the sender’s name' }).check();
  await page.evaluate(`location.hash = '#/'`);
  await page.getByRole('button', { name: 'New conversation' }).waitFor({ timeout: STEP_TIMEOUT });
  return { name, page, traffic, sessionId };
}

/** A context of its own for one client, on its relay, with the probes and notifications allowed. */
export async function clientContext(newContext: () => Promise<BrowserContext>, appUrl: string): Promise<Page> {
  const context = await newContext();
  await context.grantPermissions(['notifications'], { origin: appUrl });
  await context.addInitScript(INIT_SCRIPT);
  return context.newPage();
}

export async function openConversation(client: Client, peer: Client): Promise<void> {
  const { page } = client;
  await page.getByRole('button', { name: 'New conversation' }).click();
  await page.getByLabel('Session ID', { exact: true }).fill(peer.sessionId);
  await page.getByRole('button', { name: 'Start conversation' }).click();
  await page.getByLabel('Message', { exact: true }).waitFor({ timeout: STEP_TIMEOUT });
}

export async function send(client: Client, text: string): Promise<void> {
  const field = client.page.getByLabel('Message', { exact: true });
  await field.fill(text);
  await field.press('Enter');
}

export async function pageTimes(page: Page, key: '__sent' | '__rendered'): Promise<Record<string, number>> {
  return (await page.evaluate(`window.${key}`)) as Record<string, number>;
}

export async function shownTimes(page: Page): Promise<number[]> {
  return (await page.evaluate('window.__shown')) as number[];
}

export async function waitRendered(page: Page, marker: number, timeoutMs: number): Promise<void> {
  // A function, not a string: the app's CSP forbids evaluating strings in the page.
  await page.waitForFunction((key) => key in (globalThis as unknown as { __rendered: Record<string, number> }).__rendered, String(marker), {
    timeout: timeoutMs,
    polling: 100,
  });
}

export function snapshot(traffic: RelayTraffic): TrafficCount {
  const { onion, seed } = traffic.snapshot();
  return { requests: onion.requests + seed.requests, requestBytes: onion.bytesIn + seed.bytesIn, answerBytes: onion.bytesOut + seed.bytesOut };
}

export function perMinute(before: TrafficCount, after: TrafficCount, ms: number): Rate {
  const minutes = ms / 60_000;
  return {
    requests: (after.requests - before.requests) / minutes,
    bytes: (after.requestBytes + after.answerBytes - before.requestBytes - before.answerBytes) / minutes,
  };
}

/** A small seeded generator: the same think times in every run. */
export function seeded(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((x, y) => x - y);
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}

/** Records median, p95 and max of `values` (ms) through bench/report.ts; returns the median. */
export function recordLatencies(
  section: string,
  what: string,
  values: readonly number[],
  targets: { median?: [string, (v: number) => boolean]; p95?: [string, (v: number) => boolean] },
  note: string,
): number {
  const median = percentile(values, 50);
  const figure = (name: string, value: number, target?: [string, (v: number) => boolean]) =>
    record({ section, name: `${what}, ${name}`, value: Math.round(value), unit: 'ms', ...(target ? { target: target[0], met: target[1](value) } : {}), note });
  figure('median', median, targets.median);
  figure('p95', percentile(values, 95), targets.p95);
  figure('max', values.length === 0 ? Number.NaN : Math.max(...values));
  return median;
}

/** Requests and bytes per minute of one client, as its relay counted them. */
export function recordRate(who: string, what: string, value: Rate, note: string): void {
  record({ section: 'wire per client', name: `${who}, ${what}, requests`, value: Number(value.requests.toFixed(1)), unit: 'requests/min', note });
  record({ section: 'wire per client', name: `${who}, ${what}, bytes`, value: Math.round(value.bytes), unit: 'bytes/min', note: 'requests and answers at the relay, HTTP headers included' });
}
