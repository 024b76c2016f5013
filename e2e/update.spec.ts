import { test, expect, type Page } from '@playwright/test';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { devnetSeeds } from '../relay/seed-profiles.ts';
import { createRelay } from '../relay/relay.ts';
import { close, listen } from '../relay/server.ts';

// This test publishes a new version while the page is open, so it serves its own copy of dist/
// on its own port (its own origin, so its service worker is its own too).
let workDir: string;
let distCopy: string;
let server: Server;
let baseUrl: string;
let builtWorker: string;

/**
 * Publishes `sw.js` as built plus a marker: asked for its version, the worker names `version`. Any
 * byte change in sw.js is an update to the browser, and the marker tells the two workers apart.
 */
async function publishWorker(version: string): Promise<void> {
  const marker = `
self.addEventListener('message', (event) => {
  if (event.data && event.data.parleyE2e === 'version') event.source.postMessage({ parleyE2eVersion: ${JSON.stringify(version)} });
});
`;
  await writeFile(path.join(distCopy, 'sw.js'), builtWorker + marker);
}

/** The version the worker controlling the page names; null when no controller answers. */
function controllerVersion(page: Page): Promise<string | null> {
  return page.evaluate(
    () =>
      new Promise<string | null>((resolve) => {
        // Runs in the page; e2e code type-checks without the DOM lib, hence the narrow shape.
        type Container = {
          controller: { postMessage(message: unknown): void } | null;
          addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
          removeEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
        };
        const container = (globalThis as unknown as { navigator: { serviceWorker: Container } }).navigator.serviceWorker;
        if (container.controller === null) return resolve(null);
        const timer = setTimeout(() => resolve(null), 2_000);
        const onMessage = (event: { data: unknown }) => {
          const version = (event.data as { parleyE2eVersion?: unknown } | null)?.parleyE2eVersion;
          if (typeof version !== 'string') return;
          clearTimeout(timer);
          container.removeEventListener('message', onMessage);
          resolve(version);
        };
        container.addEventListener('message', onMessage);
        container.controller.postMessage({ parleyE2e: 'version' });
      }),
  );
}

test.beforeAll(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), 'parley-update-'));
  distCopy = path.join(workDir, 'dist');
  await cp(path.resolve('dist'), distCopy, { recursive: true });
  builtWorker = await readFile(path.join(distCopy, 'sw.js'), 'utf8');
  await publishWorker('first');
  // A relay like the real one (it tells the app its network); no devnet runs behind it.
  server = createRelay({ distDir: distCopy, profile: devnetSeeds(['https://127.0.0.1:9/']), log: () => undefined });
  baseUrl = await listen(server, 0, '127.0.0.1');
});

test.afterAll(async () => {
  await close(server);
  await rm(workDir, { recursive: true, force: true });
});

test('a new version waits until the person taps Reload, then takes over', async ({ page }) => {
  await page.goto(baseUrl);
  await expect(page.getByRole('status', { name: 'Secure engine' })).toContainText('Secure engine ready');
  await expect.poll(() => page.evaluate('navigator.serviceWorker.ready.then((r) => Boolean(r.active))')).toBe(true);
  // A later visit is served by that worker; only then does a new version have a page to wait for
  // (with no page under control, the browser lets a new worker take over at once).
  await page.reload();
  await expect.poll(() => page.evaluate('Boolean(navigator.serviceWorker.controller)')).toBe(true);
  await expect(page.getByRole('status', { name: 'Secure engine' })).toContainText('Secure engine ready');
  expect(await page.evaluate('navigator.serviceWorker.controller.scriptURL')).toBe(new URL('/sw.js', baseUrl).href);
  expect(await controllerVersion(page)).toBe('first');

  // Publish a new version.
  await publishWorker('second');
  await page.evaluate('navigator.serviceWorker.getRegistration().then((r) => r.update())');

  const banner = page.getByRole('status', { name: 'A new version is ready' });
  await expect(banner).toBeVisible();
  // It waits: the old worker stays active until asked.
  expect(await page.evaluate('navigator.serviceWorker.getRegistration().then((r) => Boolean(r.waiting))')).toBe(true);
  expect(await controllerVersion(page)).toBe('first');

  const reloaded = page.waitForEvent('load');
  await banner.getByRole('button', { name: 'Reload' }).click();
  await reloaded;

  await expect(page.getByRole('status', { name: 'Secure engine' })).toContainText('Secure engine ready');
  await expect(page.getByRole('status', { name: 'A new version is ready' })).toHaveCount(0);
  await expect
    .poll(() => page.evaluate('navigator.serviceWorker.getRegistration().then((r) => Boolean(r.active) && !r.waiting)'))
    .toBe(true);
  // The reloaded page is served by the new worker: the one that names the new version.
  await expect.poll(() => controllerVersion(page)).toBe('second');
});
