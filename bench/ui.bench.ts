/**
 * The app in headless Chromium, built (dist/, built first if missing):
 *  1. the sizes of what the main thread and the workers download (printed; startup.bench.ts
 *     records the ones the issue holds to targets);
 *  2. item 5 of issue 10, storage scale: one conversation of 50,000 messages and 999 others of one
 *     message each (1,000 conversations), seeded straight into the app's IndexedDB in its own
 *     record format (src/core/store/schema.ts); then, in fresh page loads (the median of
 *     UI_BENCH_LIST_LOADS, 7): the list of 1,000 rendered (from the list's first read to its rows
 *     in the DOM, and to the next frame painted: the app's performance marks),
 *     the long conversation opened with its latest page on screen, the way to its oldest message
 *     (the log scrolled to the top one frame after another, each older page loaded on the way),
 *     and the JS heap used. Frame times from requestAnimationFrame, long tasks from
 *     PerformanceObserver, and the DOM's size are printed.
 * Figures are recorded (bench/report.ts) or printed, never asserted: this machine is shared and noisy.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Page } from '@playwright/test';
import playwrightConfig from '../playwright.config.ts';
import { devnetSeeds } from '../relay/seed-profiles.ts';
import { createRelay } from '../relay/relay.ts';
import { close, listen } from '../relay/server.ts';
import { createAccount } from '../scripts/ui-steps.ts';
import { PREVIEW_EXCERPT_LENGTH } from '../src/core/store/conversation-summary.ts';
import { LIST_LOADING_MARK, LIST_PAINTED_MARK, LIST_READ_MARK, LIST_RENDERED_MARK } from '../src/shared/performance-marks.ts';
import { record } from './report.ts';

const root = path.resolve(import.meta.dirname, '..');
const distDir = path.join(root, 'dist');
const assetsDir = path.join(distDir, 'assets');

/** UI_BENCH_MESSAGES overrides it, to see how costs grow with the conversation's length. */
const MESSAGES = Number(process.env['UI_BENCH_MESSAGES'] ?? 50_000);
/** Conversations in all: the long one and this many less one with a single message. */
const CONVERSATIONS = 1_000;
/** Pixels scrolled up per frame on the way to the top: more than any page, so each frame asks for the next older one. */
const SCROLL_STEP_PX = 1_000_000;
/** Pixels per frame of a person reading along (about 7,000 px a second at 60 frames a second). */
const READING_STEP_PX = 120;
/** Gives up scrolling after this long and says how far it got. */
const SCROLL_BUDGET_MS = 90_000;
const SECTION = 'storage scale';
/** Page loads the list is timed over (the median is recorded): one load on a shared machine is noise. */
const LIST_LOADS = Number(process.env['UI_BENCH_LIST_LOADS'] ?? 7);

const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;

/** The files a chunk imports statically (`import … from "./x.js"`, `import "./x.js"`), not `import("./x.js")`. */
function staticImports(file: string): string[] {
  const source = readFileSync(path.join(assetsDir, file), 'utf8');
  const found = new Set<string>();
  for (const match of source.matchAll(/(?<![\w$.])import\s*(?:[\w$*{},\s]+?\s*from\s*)?["']\.\/([\w.-]+\.js)["']/gu)) found.add(match[1] ?? '');
  found.delete('');
  return [...found];
}

function closure(entries: readonly string[]): Set<string> {
  const seen = new Set<string>();
  const queue = [...entries];
  while (queue.length > 0) {
    const file = queue.pop() ?? '';
    if (seen.has(file)) continue;
    seen.add(file);
    queue.push(...staticImports(file));
  }
  return seen;
}

/** Raw and gzip -9 bytes of a set of files. */
export interface FileSetSize {
  readonly files: readonly string[];
  readonly raw: number;
  readonly gzip: number;
}

export interface BundleSizes {
  /** The main thread's JavaScript at first paint: the entry and its static imports and modulepreloads. */
  readonly main: FileSetSize;
  readonly mainCss: FileSetSize;
  /** The core's worker and its static imports (libsodium's JavaScript: its wrappers and loader). */
  readonly worker: FileSetSize;
  /** libsodium's WebAssembly, a file of its own that the worker fetches (scripts/libsodium-wasm-plugin.ts). */
  readonly workerWasm: FileSetSize;
  readonly serviceWorker: FileSetSize;
  /** Chunks and stylesheets loaded on demand. */
  readonly lazy: readonly FileSetSize[];
}

function sizeOf(dir: string, files: Iterable<string>): FileSetSize {
  const names = [...files];
  let raw = 0;
  let gzip = 0;
  for (const file of names) {
    const bytes = readFileSync(path.join(dir, file));
    raw += bytes.length;
    gzip += gzipSync(bytes, { level: 9 }).length;
  }
  return { files: names, raw, gzip };
}

/** What each part of the built app weighs (dist/). */
export function bundleSizes(): BundleSizes {
  const html = readFileSync(path.join(distDir, 'index.html'), 'utf8');
  const assetsIn = (pattern: RegExp): string[] => [...html.matchAll(pattern)].map((match) => match[1] ?? '');
  const entries = assetsIn(/<script[^>]*\bsrc="\/assets\/([^"]+\.js)"/gu);
  const preloads = assetsIn(/<link[^>]*rel="modulepreload"[^>]*href="\/assets\/([^"]+\.js)"/gu);
  const eagerCss = new Set(assetsIn(/<link[^>]*rel="stylesheet"[^>]*href="\/assets\/([^"]+\.css)"/gu));
  const mainJs = closure([...entries, ...preloads]);

  const files = readdirSync(assetsDir);
  // The core's worker is started with `new Worker(new URL('…worker-<hash>.js', import.meta.url))`.
  const workerEntries = files.filter((file) => /^worker-[\w-]+\.js$/u.test(file));
  const workerJs = closure(workerEntries);
  const lazy = files.filter(
    (file) => (file.endsWith('.js') && !mainJs.has(file) && !workerJs.has(file)) || (file.endsWith('.css') && !eagerCss.has(file)),
  );
  return {
    main: sizeOf(assetsDir, mainJs),
    mainCss: sizeOf(assetsDir, eagerCss),
    worker: sizeOf(assetsDir, workerJs),
    workerWasm: sizeOf(assetsDir, files.filter((file) => file.endsWith('.wasm'))),
    serviceWorker: sizeOf(distDir, ['sw.js']),
    lazy: lazy.map((file) => sizeOf(assetsDir, [file])),
  };
}

/** The sizes the issue holds to targets are recorded by startup.bench.ts; this prints the rest. */
export function printBundleSizes(): void {
  const sizes = bundleSizes();
  const row = (label: string, set: FileSetSize): void => {
    console.log(`${label.padEnd(34)} ${kb(set.gzip).padStart(10)} gzip ${kb(set.raw).padStart(10)} raw   ${set.files.join(', ')}`);
  };
  console.log('bundle (gzip -9 of dist/assets):');
  row('main thread JS (first paint)', sizes.main);
  row('main thread CSS (first paint)', sizes.mainCss);
  console.log(`${'main thread total'.padEnd(34)} ${kb(sizes.main.gzip + sizes.mainCss.gzip).padStart(10)} gzip`);
  for (const set of sizes.lazy) row(`  lazy ${set.files[0]?.replace(/-[\w-]{8}\.(js|css)$/u, ' $1')}`, set);
  row('core worker JS (libsodium JS inside)', sizes.worker);
  row('core worker WASM (libsodium)', sizes.workerWasm);
  row('service worker sw.js', sizes.serviceWorker);
}

/** Runs in the page: writes one conversation of `count` messages and `conversations - 1` short ones, in the app's record format. */
const SEED = `async ({ peer, count, conversations, excerptLength }) => {
  const db = await new Promise((resolve, reject) => {
    const request = indexedDB.open('parley');
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const done = (tx) => new Promise((resolve, reject) => { tx.oncomplete = resolve; tx.onerror = () => reject(tx.error); tx.onabort = () => reject(tx.error); });
  const account = await new Promise((resolve, reject) => {
    const request = db.transaction('account').objectStore('account').get('self');
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const me = account.sessionId;
  // One message a minute, ending now: about five weeks, so day separators come every 1,440 rows.
  const start = Date.now() - count * 60_000;
  const words = 'the quick brown fox jumps over a lazy dog while we talk about lunch and the weather tomorrow'.split(' ');
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const CHUNK = 5_000;
  for (let from = 0; from < count; from += CHUNK) {
    const tx = db.transaction('messages', 'readwrite');
    const store = tx.objectStore('messages');
    for (let i = from; i < Math.min(count, from + CHUNK); i++) {
      const outgoing = random() < 0.5;
      // Mostly short lines, some long paragraphs, a few with line breaks: rows of different heights.
      const length = random() < 0.8 ? 3 + Math.floor(random() * 10) : 30 + Math.floor(random() * 60);
      let body = '#' + i + ':';
      for (let w = 0; w < length; w++) body += (random() < 0.03 ? '\\n' : ' ') + words[Math.floor(random() * words.length)];
      const sentAt = start + i * 60_000;
      const common = { conversationId: peer, sentAt, receivedAt: sentAt, body, swarmHashes: [], expiresAt: null };
      store.put(outgoing
        ? { ...common, direction: 'outgoing', senderSessionId: me, status: 'sent', failureCode: null }
        : { ...common, direction: 'incoming', senderSessionId: peer });
    }
    await done(tx);
  }
  // Each conversation record carries the summary of its newest message (conversation-summary.ts), as the app writes it.
  const summary = (m) => ({ messageId: m.id, kind: m.kind ?? 'text', direction: m.direction, excerpt: m.body.slice(0, excerptLength), sentAt: m.sentAt, status: m.direction === 'outgoing' ? m.status : null });
  const tx = db.transaction(['conversations', 'messages'], 'readwrite');
  const newest = await new Promise((resolve, reject) => {
    const request = tx.objectStore('messages').index('by-conversation-sentAt').openCursor(IDBKeyRange.bound([peer, 0], [peer, Number.MAX_SAFE_INTEGER]), 'prev');
    request.onsuccess = () => resolve(request.result.value);
    request.onerror = () => reject(request.error);
  });
  tx.objectStore('conversations').put({ id: peer, displayName: 'Benchmark peer', createdAt: start, lastMessageAt: start + (count - 1) * 60_000, unreadCount: 0, lastMessage: summary(newest) });
  // The others: one incoming message each, older than the long conversation's newest.
  for (let c = 1; c < conversations; c++) {
    const id = '05' + c.toString(16).padStart(64, '0');
    const sentAt = start + (count - 1) * 60_000 - c * 1_000;
    const message = { conversationId: id, sentAt, receivedAt: sentAt, body: 'hello from contact ' + c, swarmHashes: [], expiresAt: null, direction: 'incoming', senderSessionId: id };
    const added = tx.objectStore('messages').put(message);
    added.onsuccess = () => {
      tx.objectStore('conversations').put({
        id, displayName: 'Contact ' + c, createdAt: sentAt, lastMessageAt: sentAt, unreadCount: c % 7 === 0 ? 1 : 0,
        lastMessage: summary({ ...message, id: added.result }),
      });
    };
  }
  await done(tx);
  db.close();
}`;

/**
 * Runs in the page: scrolls the message log one step per frame (up: until the message whose text
 * starts with `until` is in view at the top; down: for `maxFrames` frames or to the bottom).
 */
const SCROLL = `async ({ step, budgetMs, until, up, maxFrames }) => {
  const log = document.querySelector('[role="log"]');
  const started = performance.now();
  const longTasks = [];
  const observer = new PerformanceObserver((list) => { for (const entry of list.getEntries()) longTasks.push([entry.startTime - started, entry.duration]); });
  observer.observe({ type: 'longtask' });
  const frames = [];
  let maxNodes = 0;
  const reachedEnd = up
    ? () => log.scrollTop === 0 && [...log.querySelectorAll('[data-message-id]')].some((row) => row.textContent.includes(until))
    : () => frames.length >= maxFrames || log.scrollTop + log.clientHeight >= log.scrollHeight - 1;
  const result = await new Promise((resolve) => {
    let last = null;
    const frame = (now) => {
      if (last !== null) frames.push(now - last);
      last = now;
      if (frames.length % 30 === 0) maxNodes = Math.max(maxNodes, document.getElementsByTagName('*').length);
      if (reachedEnd()) return resolve({ reached: true });
      if (now - started > budgetMs) return resolve({ reached: false });
      log.scrollTop = up ? Math.max(0, log.scrollTop - step) : log.scrollTop + step;
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  });
  await new Promise((resolve) => setTimeout(resolve, 100));
  observer.disconnect();
  const topRow = log.querySelector('[data-message-id]');
  return {
    ...result,
    elapsedMs: performance.now() - started,
    frames,
    longTasks,
    maxNodes,
    topText: topRow ? topRow.textContent.trim().slice(0, 12) : '',
  };
}`;

/** Runs in the page once it loads: the list's performance marks (src/shared/performance-marks.ts), ms since navigation. */
const LIST_TIMES = `new Promise((resolve, reject) => {
  setTimeout(() => reject(new Error('the list was not rendered within 60 s')), 60000);
  const check = () => {
    const [loading] = performance.getEntriesByName(${JSON.stringify(LIST_LOADING_MARK)});
    const [read] = performance.getEntriesByName(${JSON.stringify(LIST_READ_MARK)});
    const [rendered] = performance.getEntriesByName(${JSON.stringify(LIST_RENDERED_MARK)});
    const [painted] = performance.getEntriesByName(${JSON.stringify(LIST_PAINTED_MARK)});
    if (loading !== undefined && read !== undefined && rendered !== undefined && painted !== undefined) {
      resolve({
        loadingMs: loading.startTime,
        readMs: read.startTime,
        renderedMs: rendered.startTime,
        paintedMs: painted.startTime,
        rows: document.querySelectorAll('.list a[href^="#/c/"]').length,
      });
    } else setTimeout(check, 5);
  };
  check();
})`;

interface ListTimes {
  loadingMs: number;
  readMs: number;
  renderedMs: number;
  paintedMs: number;
  rows: number;
}

/** Runs in the page: goes to the conversation and answers the ms until its newest message is in the DOM. */
const OPEN = `({ peer, newest }) => new Promise((resolve, reject) => {
  setTimeout(() => reject(new Error('the conversation did not open within 60 s')), 60000);
  const start = performance.now();
  const shown = () => [...document.querySelectorAll('[role="log"] [data-message-id]')].some((row) => row.textContent.includes(newest));
  const observer = new MutationObserver(() => {
    if (!shown()) return;
    observer.disconnect();
    resolve(performance.now() - start);
  });
  observer.observe(document.body, { childList: true, subtree: true, characterData: true });
  location.hash = '#/c/' + peer;
})`;

interface ScrollResult {
  reached: boolean;
  elapsedMs: number;
  frames: number[];
  /** [start since the scroll began, duration], ms. */
  longTasks: [number, number][];
  maxNodes: number;
  topText: string;
}

const LOADS_TEXT = (count: number): string => `${count} page load${count === 1 ? '' : 's'}`;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : ((sorted[middle - 1]! + sorted[middle]!) / 2);
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function scrollBenchmark(): Promise<void> {
  // No Session network behind this relay: the account and the messages are all local.
  const relay: Server = createRelay({ distDir, profile: devnetSeeds(['https://127.0.0.1:9/']), log: () => undefined });
  const baseURL = await listen(relay, 0, '127.0.0.1');
  const browser = await chromium.launch(playwrightConfig.use?.launchOptions ?? {});
  try {
    const context = await browser.newContext({ baseURL, viewport: { width: 1280, height: 800 } });
    // Playwright's library has no default action timeout; the scroll has its own cap, under this one.
    context.setDefaultTimeout(SCROLL_BUDGET_MS + 30_000);
    const page = await context.newPage();
    await createAccount(page, 'Bench');

    const peer = `05${'be'.repeat(31)}ef`;
    const seedStart = performance.now();
    await page.evaluate(`(${SEED})(${JSON.stringify({ peer, count: MESSAGES, conversations: CONVERSATIONS, excerptLength: PREVIEW_EXCERPT_LENGTH })})`);
    console.log(`seeded ${MESSAGES} messages and ${CONVERSATIONS} conversations into IndexedDB in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);

    // Fresh page loads, so the app knows only what it reads from its store; the last one stays for what follows.
    const loads: ListTimes[] = [];
    for (let i = 0; i < LIST_LOADS; i++) {
      await page.reload();
      loads.push((await page.evaluate(LIST_TIMES)) as ListTimes);
    }
    const med = (pick: (times: ListTimes) => number): number => median(loads.map(pick));
    const listMs = med((t) => t.renderedMs - t.loadingMs);
    console.log(`list loads (loading → rendered, ms): ${loads.map((t) => (t.renderedMs - t.loadingMs).toFixed(0)).join(', ')}`);
    record({
      section: SECTION,
      name: `list ${CONVERSATIONS.toLocaleString('en-US')} conversations: read from the core and rendered`,
      value: listMs,
      unit: 'ms',
      target: '≤ 100 ms',
      met: listMs <= 100,
      note:
        `median of ${LOADS_TEXT(loads.length)}: read from the core ${med((t) => t.readMs - t.loadingMs).toFixed(0)} ms, ` +
        `rendered ${med((t) => t.renderedMs - t.readMs).toFixed(0)} ms, next frame painted ${med((t) => t.paintedMs - t.loadingMs).toFixed(0)} ms; ` +
        `${loads.at(-1)?.rows ?? 0} rows in the DOM; interactive ${med((t) => t.renderedMs).toFixed(0)} ms after navigation`,
    });

    const openMs = (await page.evaluate(`(${OPEN})(${JSON.stringify({ peer, newest: `#${MESSAGES - 1}:` })})`)) as number;
    const dom = async (): Promise<{ all: number; rows: number }> =>
      (await page.evaluate(
        `({ all: document.getElementsByTagName('*').length, rows: document.querySelectorAll('[role="log"] [data-message-id]').length })`,
      )) as { all: number; rows: number };
    const opened = await dom();
    record({
      section: SECTION,
      name: `open a ${MESSAGES.toLocaleString('en-US')}-message conversation, latest page on screen`,
      value: openMs,
      unit: 'ms',
      target: '≤ 150 ms',
      met: openMs <= 150,
      note: `route change → newest row in the DOM; ${opened.rows} rows, ${opened.all} elements`,
    });

    const scroll = async (options: { up: boolean; step: number; maxFrames?: number }): Promise<ScrollResult> =>
      (await page.evaluate(
        `(${SCROLL})(${JSON.stringify({ budgetMs: SCROLL_BUDGET_MS, until: '#0:', maxFrames: 0, ...options })})`,
      )) as ScrollResult;

    // Up: the log at its top every frame, so it asks the core for the next older page (100 messages) each time.
    const result = await scroll({ up: true, step: SCROLL_STEP_PX });
    record({
      section: SECTION,
      name: 'scroll to the top of the long conversation (every older page loaded)',
      value: result.elapsedMs / 1000,
      unit: 's',
      note: result.reached ? `reached "#0:", ${result.frames.length} frames` : `NOT reached: stopped at the ${SCROLL_BUDGET_MS / 1000} s cap at "${result.topText}"`,
    });
    await report(result, dom);
    const heap = (await page.evaluate('performance.memory ? performance.memory.usedJSHeapSize : null')) as number | null;
    if (heap !== null) {
      record({ section: SECTION, name: 'JS heap used, page (main thread), all pages loaded', value: Math.round(heap / 1024 / 1024), unit: 'MB', note: 'performance.memory' });
    }
    const workerHeap = await workerHeapUsed(page);
    if (workerHeap !== null) {
      record({ section: SECTION, name: 'JS heap used, core worker', value: Math.round(workerHeap / 1024 / 1024), unit: 'MB', note: 'Runtime.getHeapUsage' });
    }

    // Down again over rows already loaded: the virtual list alone, nothing to fetch.
    const again = await scroll({ up: false, step: READING_STEP_PX, maxFrames: 300 });
    console.log(`scroll oldest → newer over loaded rows, ${READING_STEP_PX} px per frame, ${again.frames.length} frames (${(again.elapsedMs / 1000).toFixed(1)} s):`);
    await report(again, dom);
    await context.close();
  } finally {
    await browser.close();
    await close(relay);
  }
}

/** The core worker's JS heap, through the DevTools protocol (workers have no performance.memory); null if not reachable. */
async function workerHeapUsed(page: Page): Promise<number | null> {
  const cdp = await page.context().browser()?.newBrowserCDPSession();
  if (cdp === undefined) return null;
  try {
    const { targetInfos } = (await cdp.send('Target.getTargets')) as { targetInfos: { targetId: string; type: string; url: string }[] };
    const worker = targetInfos.find((target) => target.type === 'worker' && /worker-[\w-]+\.js/u.test(target.url));
    if (worker === undefined) return null;
    const { sessionId } = (await cdp.send('Target.attachToTarget', { targetId: worker.targetId, flatten: false })) as { sessionId: string };
    const answer = new Promise<number | null>((resolve) => {
      cdp.on('Target.receivedMessageFromTarget', (event: { sessionId: string; message: string }) => {
        if (event.sessionId !== sessionId) return;
        const message = JSON.parse(event.message) as { id?: number; result?: { usedSize?: number } };
        if (message.id === 1) resolve(message.result?.usedSize ?? null);
      });
      setTimeout(() => resolve(null), 5_000);
    });
    await cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id: 1, method: 'Runtime.getHeapUsage' }) });
    return await answer;
  } catch {
    return null;
  } finally {
    await cdp.detach().catch(() => undefined);
  }
}

async function report(result: ScrollResult, dom: () => Promise<{ all: number; rows: number }>): Promise<void> {
  const sorted = [...result.frames].sort((a, b) => a - b);
  const after = await dom();
  console.log(
    `  frames ${sorted.length}: median ${percentile(sorted, 50).toFixed(1)} ms, p95 ${percentile(sorted, 95).toFixed(1)} ms, p99 ${percentile(sorted, 99).toFixed(1)} ms, worst ${(sorted.at(-1) ?? Number.NaN).toFixed(1)} ms; over 50 ms: ${sorted.filter((ms) => ms > 50).length}`,
  );
  const durations = result.longTasks.map(([, ms]) => ms);
  const longTotal = durations.reduce((total, ms) => total + ms, 0);
  console.log(`  long tasks (> 50 ms): ${durations.length}, ${longTotal.toFixed(0)} ms in all, longest ${Math.max(0, ...durations).toFixed(0)} ms`);
  // Whether they grow as more rows are loaded: long-task time in each third of the scroll.
  const thirds = [0, 1, 2].map((third) =>
    result.longTasks
      .filter(([start]) => Math.min(2, Math.floor((start / result.elapsedMs) * 3)) === third)
      .reduce((total, [, ms]) => total + ms, 0),
  );
  console.log(`  long-task time by third of the scroll: ${thirds.map((ms) => `${ms.toFixed(0)} ms`).join(' / ')}`);
  console.log(`  DOM during the scroll: at most ${result.maxNodes} elements; after it: ${after.all} elements, ${after.rows} message rows rendered`);
}

export async function run(): Promise<void> {
  if (!existsSync(path.join(distDir, 'index.html'))) {
    console.log('dist/ has no build: building it first (vite build)');
    const { build } = await import('vite');
    await build({ root, logLevel: 'warn' });
  }
  printBundleSizes();
  await scrollBenchmark();
}
