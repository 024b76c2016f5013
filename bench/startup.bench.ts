/**
 * Item 4 of issue 10, start-up: the built app served by the stack (scripts/stack.ts), with an
 * account and a conversation, loaded in headless Chromium
 *  - first load: no service worker and an empty HTTP cache (every file over the network);
 *  - cached load: the service worker installed, every file from its precache;
 * each until interactive, i.e. the performance mark the conversation list sets once it has been
 * read from the core worker and rendered (src/shared/performance-marks.ts), from the navigation's
 * start. Then the JavaScript sizes, raw and gzip -9, of the main bundle, the worker and the
 * service worker (dist/). Figures are recorded (bench/report.ts), never asserted.
 */
import type { CDPSession, Page } from '@playwright/test';
import { LIST_RENDERED_MARK } from '../src/shared/performance-marks.ts';
import { createAccount } from '../scripts/ui-steps.ts';
import { ensureBuilt, withStackAndBrowser } from './browser/app-stack.ts';
import { median } from './stats.ts';
import { record } from './report.ts';
import { bundleSizes } from './ui.bench.ts';

const SECTION = 'start-up';
const LOADS = 5;
const KB = 1024;

export async function run(): Promise<void> {
  await ensureBuilt();
  recordSizes();
  await withStackAndBrowser(async (stack, browser) => {
    const context = await browser.newContext({ baseURL: stack.appUrl, viewport: { width: 1280, height: 800 } });
    // Playwright's library has no default action timeout: every step here stops by itself.
    context.setDefaultTimeout(60_000);
    const page = await context.newPage();
    await createAccount(page, 'Start-up');
    // One conversation in the list, with the echo peer's answer in it.
    await page.getByRole('button', { name: 'Message the echo peer' }).click();
    const field = page.getByLabel('Message', { exact: true });
    await field.fill('hello');
    await field.press('Enter');
    await page.getByRole('log', { name: 'Messages' }).getByText('echo: hello', { exact: true }).waitFor({ timeout: 60_000 });
    await page.goto('/');
    await interactive(page);

    const cdp = await context.newCDPSession(page);
    const origin = new URL(stack.appUrl).origin;
    const cold: number[] = [];
    for (let i = 0; i < LOADS; i++) {
      await forgetCaches(cdp, origin);
      await page.goto('/');
      cold.push(await interactive(page));
    }
    const controlledCold = (await page.evaluate('navigator.serviceWorker.controller !== null')) as boolean;
    // The service worker the last load registered: installed (precache filled) and active.
    await page.evaluate('navigator.serviceWorker.ready.then(() => undefined)');
    const cached: number[] = [];
    let controlled = true;
    for (let i = 0; i < LOADS; i++) {
      await page.reload();
      cached.push(await interactive(page));
      controlled &&= (await page.evaluate('navigator.serviceWorker.controller !== null')) as boolean;
    }
    const coldMs = median(cold);
    const cachedMs = median(cached);
    record({
      section: SECTION,
      name: 'first load to interactive (no service worker, empty HTTP cache)',
      value: coldMs,
      unit: 'ms',
      target: '≤ 1,000 ms',
      met: coldMs <= 1_000,
      note: `median of ${LOADS} (${cold.map((ms) => ms.toFixed(0)).join(', ')}); ${controlledCold ? 'page was controlled: NOT cold' : 'uncontrolled'}`,
    });
    record({
      section: SECTION,
      name: 'cached load to interactive (service worker precache)',
      value: cachedMs,
      unit: 'ms',
      target: '≤ 400 ms',
      met: cachedMs <= 400,
      note: `median of ${LOADS} (${cached.map((ms) => ms.toFixed(0)).join(', ')}); ${controlled ? 'every load controlled by the service worker' : 'some loads NOT controlled'}`,
    });
    await context.close();
  });
}

/** Waits for the list's mark on the current document and answers its time since navigation start. */
async function interactive(page: Page): Promise<number> {
  // Polled in the page by a script Playwright sends (the app's CSP forbids its string predicates).
  return (await page.evaluate(`new Promise((resolve, reject) => {
    setTimeout(() => reject(new Error('the list was not rendered within 60 s')), 60000);
    const check = () => {
      const [mark] = performance.getEntriesByName(${JSON.stringify(LIST_RENDERED_MARK)});
      if (mark !== undefined) resolve(mark.startTime); else setTimeout(check, 5);
    };
    check();
  })`)) as number;
}

/** The service worker, its caches and the HTTP cache go; IndexedDB (the account) stays. */
async function forgetCaches(cdp: CDPSession, origin: string): Promise<void> {
  await cdp.send('Storage.clearDataForOrigin', { origin, storageTypes: 'service_workers,cache_storage' });
  await cdp.send('Network.clearBrowserCache');
}

function recordSizes(): void {
  const sizes = bundleSizes();
  const kb = (bytes: number): number => Math.round((bytes / KB) * 10) / 10;
  const note = (files: readonly string[]): string => files.join(', ');
  record({ section: SECTION, name: 'main bundle JS, raw (first paint)', value: kb(sizes.main.raw), unit: 'KB', note: note(sizes.main.files) });
  record({ section: SECTION, name: 'main bundle JS, gzip -9', value: kb(sizes.main.gzip), unit: 'KB', target: '≤ 60 KB', met: sizes.main.gzip <= 60 * KB });
  record({ section: SECTION, name: 'core worker JS, raw (libsodium JS, its WASM apart)', value: kb(sizes.worker.raw), unit: 'KB', note: note(sizes.worker.files) });
  record({ section: SECTION, name: 'core worker JS, gzip -9', value: kb(sizes.worker.gzip), unit: 'KB', target: '≤ 220 KB', met: sizes.worker.gzip <= 220 * KB });
  // The target is about JavaScript; the WebAssembly the worker fetches is shown beside it.
  record({ section: SECTION, name: "core worker's libsodium WASM, raw", value: kb(sizes.workerWasm.raw), unit: 'KB', note: note(sizes.workerWasm.files) });
  record({ section: SECTION, name: "core worker's libsodium WASM, gzip -9", value: kb(sizes.workerWasm.gzip), unit: 'KB' });
  record({ section: SECTION, name: 'core worker JS + WASM, gzip -9', value: kb(sizes.worker.gzip + sizes.workerWasm.gzip), unit: 'KB', note: 'both at gzip -9 (the relay itself sends them uncompressed)' });
  record({ section: SECTION, name: 'service worker sw.js, raw', value: kb(sizes.serviceWorker.raw), unit: 'KB' });
  record({ section: SECTION, name: 'service worker sw.js, gzip -9', value: kb(sizes.serviceWorker.gzip), unit: 'KB' });
}
