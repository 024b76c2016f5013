/**
 * The Content-Security-Policy the relay sends with every response (relay/static.ts), seen from the
 * browser: normal use trips none of it, an injected inline script and inline handler do not run,
 * and nothing — page, core worker, service worker — asks any origin but the app's own.
 *
 * Violations are collected two ways: the `securitypolicyviolation` event in every page (an init
 * script records it) and in every worker (recordConsoleRefusals), and the lines Chromium writes to
 * a page's console. The injection tests prove each collector hears a violation, so "none" in the
 * journey means none, not deafness.
 */
import { test, expect, type BrowserContext, type Page, type Request, type Worker } from '@playwright/test';
import { createAccountThroughUi, messageRow, sendMessage } from './support/app.ts';

test.describe.configure({ timeout: 120_000 });

/** A violation as the page's event reports it. */
interface Violation {
  readonly directive: string;
  readonly blocked: string;
  readonly sample: string;
}

/** How Chromium words a CSP refusal in the console. */
const CSP_CONSOLE = /Content Security Policy|Refused to/iu;

/** Installs, before any of the app's scripts, a listener that keeps every violation in `__cspViolations`. */
async function recordViolationEvents(context: BrowserContext): Promise<void> {
  // Runs in the page; e2e code type-checks without the DOM lib, hence the narrow shapes.
  await context.addInitScript(() => {
    type ViolationEvent = { effectiveDirective: string; blockedURI: string; sample: string };
    const scope = globalThis as unknown as { document: { addEventListener(type: string, listener: (event: ViolationEvent) => void): void } };
    const seen: { directive: string; blocked: string; sample: string }[] = [];
    Object.defineProperty(globalThis, '__cspViolations', { value: seen });
    scope.document.addEventListener('securitypolicyviolation', (event) => {
      seen.push({ directive: event.effectiveDirective, blocked: event.blockedURI, sample: event.sample });
    });
  });
}

function violationEvents(page: Page): Promise<Violation[]> {
  return page.evaluate(() => [...(globalThis as unknown as { __cspViolations: Violation[] }).__cspViolations]);
}

/**
 * CSP refusals from the pages' consoles, and from every worker's. Chromium writes a page's
 * refusals to its console, but Playwright does not pass on the lines the browser itself writes
 * for a worker; so each worker (the core worker, the service worker) gets a listener of its own
 * for the event, which logs it. That listener goes in as soon as Playwright reports the worker:
 * a refusal in the worker's very first moments could come before it (the journey would still
 * fail if the worker could not load libsodium or reach the relay).
 */
function recordConsoleRefusals(context: BrowserContext): string[] {
  const lines: string[] = [];
  context.on('console', (message) => {
    if (CSP_CONSOLE.test(message.text())) lines.push(`${message.worker() !== null ? 'worker' : 'page'}: ${message.text()}`);
  });
  const listenInWorker = (worker: Worker) =>
    void worker
      .evaluate(() => {
        // Runs in the worker (types: see recordViolationEvents).
        type ViolationEvent = { effectiveDirective: string; blockedURI: string };
        const scope = globalThis as unknown as { addEventListener(type: string, listener: (event: ViolationEvent) => void): void };
        scope.addEventListener('securitypolicyviolation', (event) => {
          console.error(`Content Security Policy refused in a worker: ${event.effectiveDirective} ${event.blockedURI}`);
        });
      })
      .catch(() => undefined); // the worker may end first (a page closing)
  context.on('page', (page) => page.on('worker', listenInWorker));
  context.on('serviceworker', (worker) => {
    listenInWorker(worker);
    worker.on('console', (message) => {
      if (CSP_CONSOLE.test(message.text())) lines.push(`service worker: ${message.text()}`);
    });
  });
  return lines;
}

/**
 * Every request the context makes: pages, their dedicated workers (reported with their page) and
 * the service worker (Playwright reports its requests in Chromium, `request.serviceWorker()`).
 */
function recordRequests(context: BrowserContext): Request[] {
  const requests: Request[] = [];
  context.on('request', (request) => void requests.push(request));
  return requests;
}

/** `data:` and `blob:` URLs are made in the browser (the QR code, a worker's module): no origin is asked. */
function asksTheNetwork(url: string): boolean {
  const scheme = new URL(url).protocol;
  return scheme !== 'data:' && scheme !== 'blob:';
}

test('a whole journey trips no CSP rule and asks no origin but the app', async ({ browser, baseURL }) => {
  const origin = new URL(baseURL!).origin;
  const context = await browser.newContext();
  try {
    await recordViolationEvents(context);
    const refusals = recordConsoleRefusals(context);
    const requests = recordRequests(context);
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));

    await createAccountThroughUi(page, 'Casey');
    await page.getByRole('button', { name: 'Message the echo peer' }).click();
    await sendMessage(page, 'hello under CSP');
    await expect(messageRow(page, 'hello under CSP').getByRole('img', { name: 'Sent' })).toBeVisible({ timeout: 60_000 });
    await expect(messageRow(page, 'echo: hello under CSP')).toBeVisible({ timeout: 60_000 });

    await page.getByRole('button', { name: 'My account' }).click();
    await expect(page.getByRole('img', { name: /^QR code of your Session ID/u })).toBeVisible();
    await page.getByRole('button', { name: 'Settings' }).click();
    await expect(page.getByRole('heading', { name: 'Settings' })).toBeVisible();
    // The service worker has installed (and fetched what it precaches) by now, or does so here.
    await expect.poll(() => page.evaluate('navigator.serviceWorker.ready.then((r) => Boolean(r.active))'), { timeout: 30_000 }).toBe(true);

    expect(await violationEvents(page)).toEqual([]);
    expect(refusals).toEqual([]);
    expect(pageErrors).toEqual([]);

    // The recording did see all three kinds of requester, so "all of them" covers each.
    const urls = requests.map((request) => request.url());
    expect(urls.some((url) => new URL(url).pathname === '/'), 'the page').toBe(true);
    expect(urls.some((url) => new URL(url).pathname.startsWith('/v1/onion/')), "the core worker's onion requests").toBe(true);
    expect(requests.some((request) => request.serviceWorker() !== null), "the service worker's own requests").toBe(true);
    const elsewhere = urls.filter(asksTheNetwork).filter((url) => new URL(url).origin !== origin);
    expect(elsewhere).toEqual([]);
  } finally {
    await context.close();
  }
});

test('an injected inline script, inline handler or eval does not run', async ({ browser }) => {
  const context = await browser.newContext();
  try {
    await recordViolationEvents(context);
    const refusals = recordConsoleRefusals(context);
    const page = await context.newPage();
    await page.goto('/');
    await expect(page.getByRole('button', { name: 'Create account' })).toBeVisible();

    const evalRan = await page.evaluate(() => {
      // Runs in the page: what an injection (say, unescaped message text) would try.
      type Element = { textContent: string; innerHTML: string };
      const doc = (globalThis as unknown as { document: { createElement(tag: string): Element; body: { append(node: Element): void } } }).document;
      const script = doc.createElement('script');
      script.textContent = 'globalThis.__pwned = "inline script"';
      doc.body.append(script);
      const holder = doc.createElement('div');
      holder.innerHTML = '<img src="data:,not-an-image" onerror="globalThis.__pwned = \'inline handler\'">';
      doc.body.append(holder);
      // Later, from a task of the page's own: code evaluated by the test itself is exempt from the CSP.
      return new Promise<boolean>((resolve) =>
        setTimeout(() => {
          try {
            resolve((0, eval)('globalThis.__pwned = "eval"; true') as boolean);
          } catch {
            resolve(false);
          }
        }),
      );
    });
    expect(evalRan).toBe(false);

    // The refusals themselves are the signal that each attempt was made and stopped.
    await expect
      .poll(async () => (await violationEvents(page)).map((violation) => violation.directive).sort())
      .toEqual(['script-src', 'script-src-attr', 'script-src-elem']);
    expect(await page.evaluate(() => (globalThis as { __pwned?: unknown }).__pwned)).toBeUndefined();
    // The pages' console collector hears them too (the journey above counts on it).
    await expect.poll(() => refusals.filter((line) => line.startsWith('page: ') && /inline/u.test(line))).toHaveLength(2);
  } finally {
    await context.close();
  }
});

test("the core worker's policy refuses another origin too, and says so in the worker's console", async ({ browser }) => {
  const context = await browser.newContext();
  try {
    const refusals = recordConsoleRefusals(context);
    const page = await context.newPage();
    await page.goto('/');
    await expect(page.getByRole('button', { name: 'Create account' })).toBeVisible();
    await expect.poll(() => page.workers().length).toBeGreaterThan(0);
    const outcome = await page.workers()[0]!.evaluate(() =>
      fetch('https://example.org/').then(
        () => 'fetched',
        (error: { name: string }) => `refused: ${error.name}`,
      ),
    );
    expect(outcome).toBe('refused: TypeError');
    // The worker's own console line is the positive signal (the journey above counts on hearing it).
    await expect.poll(() => refusals.filter((line) => line.startsWith('worker: ') && line.includes('connect-src https://example.org'))).toHaveLength(1);
  } finally {
    await context.close();
  }
});
