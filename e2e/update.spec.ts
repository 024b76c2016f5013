import { test, expect } from '@playwright/test';
import { appendFile, cp, mkdtemp, rm } from 'node:fs/promises';
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

test.beforeAll(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), 'parley-update-'));
  distCopy = path.join(workDir, 'dist');
  await cp(path.resolve('dist'), distCopy, { recursive: true });
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

  // Publish a new version: any byte change in sw.js is an update to the browser.
  await appendFile(path.join(distCopy, 'sw.js'), `\n// next version ${Date.now()}\n`);
  await page.evaluate('navigator.serviceWorker.getRegistration().then((r) => r.update())');

  const banner = page.getByRole('status', { name: 'A new version is ready' });
  await expect(banner).toBeVisible();
  // It waits: the old worker stays active until asked.
  expect(await page.evaluate('navigator.serviceWorker.getRegistration().then((r) => Boolean(r.waiting))')).toBe(true);

  const reloaded = page.waitForEvent('load');
  await banner.getByRole('button', { name: 'Reload' }).click();
  await reloaded;

  await expect(page.getByRole('status', { name: 'Secure engine' })).toContainText('Secure engine ready');
  await expect(page.getByRole('status', { name: 'A new version is ready' })).toHaveCount(0);
  await expect
    .poll(() => page.evaluate('navigator.serviceWorker.getRegistration().then((r) => Boolean(r.active) && !r.waiting)'))
    .toBe(true);
  // The reloaded page is served by the new worker.
  await expect.poll(() => page.evaluate('Boolean(navigator.serviceWorker.controller)')).toBe(true);
});
