import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test, expect, type BrowserContext, type Page } from '@playwright/test';
import { createAccountThroughUi } from './support/app.ts';

/*
 * The installed app: Chromium finds the manifest and service worker good enough to install, and
 * once the service worker controls the page the app shell starts with no network at all.
 */

interface ManifestIcon {
  readonly src: string;
  readonly sizes: string;
  readonly type?: string;
  readonly purpose?: string;
}

interface WebManifest {
  readonly name?: string;
  readonly short_name?: string;
  readonly id?: string;
  readonly start_url?: string;
  readonly scope?: string;
  readonly display?: string;
  readonly theme_color?: string;
  readonly background_color?: string;
  readonly icons?: readonly ManifestIcon[];
}

/** Width and height from a PNG's IHDR chunk (bytes 16–23), so an icon's declared size is checked against its pixels. */
function pngSize(bytes: Buffer): { width: number; height: number } {
  expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect(bytes.subarray(12, 16).toString('latin1')).toBe('IHDR');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/** Waits until a service worker is active and controls this page (a first visit is not controlled: reload once). */
async function untilControlled(page: Page): Promise<void> {
  await expect.poll(() => page.evaluate('navigator.serviceWorker.ready.then((r) => Boolean(r.active))')).toBe(true);
  if (!(await page.evaluate('Boolean(navigator.serviceWorker.controller)'))) await page.reload();
  await expect.poll(() => page.evaluate('Boolean(navigator.serviceWorker.controller)')).toBe(true);
}

/** Every request of the app's own origin that failed or was answered with an error, outside the relay's API (/v1/). */
function watchAppShell(context: BrowserContext, origin: string): string[] {
  const failures: string[] = [];
  const isShell = (url: string): boolean => {
    const parsed = new URL(url);
    return parsed.origin === origin && !parsed.pathname.startsWith('/v1/');
  };
  context.on('requestfailed', (request) => {
    const error = request.failure()?.errorText ?? 'failed';
    // ERR_ABORTED is a load the page itself dropped (a reload or a closing page cancels what is in
    // flight, e.g. the favicon); a request the network or the service worker could not answer fails
    // with another error (ERR_INTERNET_DISCONNECTED, ERR_FAILED).
    if (isShell(request.url()) && error !== 'net::ERR_ABORTED') failures.push(`${request.url()}: ${error}`);
  });
  context.on('response', (response) => {
    if (isShell(response.url()) && response.status() >= 400) failures.push(`${response.url()}: ${response.status()}`);
  });
  return failures;
}

test('the manifest is complete and Chromium reports no installability errors', async ({ playwright, baseURL }, testInfo) => {
  // Chromium never offers to install from an incognito-like profile (error "in-incognito"), and
  // Playwright's ordinary contexts are such profiles: this test uses a real, persistent one.
  const userDataDir = await mkdtemp(path.join(tmpdir(), 'parley-pwa-'));
  const context = await playwright.chromium.launchPersistentContext(userDataDir, {
    ...testInfo.project.use.launchOptions,
    baseURL,
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto('/');
    const manifestHref = await page.locator('link[rel="manifest"]').getAttribute('href');
    expect(manifestHref).toBe('/manifest.webmanifest');
    const manifestResponse = await page.request.get(manifestHref ?? '');
    expect(manifestResponse.status()).toBe(200);
    expect(manifestResponse.headers()['content-type']).toMatch(/^application\/manifest\+json/u);
    const manifest = (await manifestResponse.json()) as WebManifest;

    expect(manifest.name).toBe('Parley');
    expect(manifest.short_name).toBe('Parley');
    expect(manifest.id).toBe('/');
    expect(manifest.start_url).toBe('/');
    expect(manifest.display).toBe('standalone');
    expect(manifest.theme_color).toMatch(/^#[0-9a-f]{6}$/iu);
    expect(manifest.background_color).toMatch(/^#[0-9a-f]{6}$/iu);
    // The page's own theme-color (light scheme) is the manifest's, so the window chrome does not change on start.
    await expect(page.locator('meta[name="theme-color"][media="(prefers-color-scheme: light)"]')).toHaveAttribute(
      'content',
      manifest.theme_color ?? '',
    );

    // Icons: 192 and 512 for any purpose, 512 maskable; each served as a PNG of exactly the size it declares.
    const icons = manifest.icons ?? [];
    const find = (size: string, purpose: string) =>
      icons.find((icon) => icon.sizes === size && (icon.purpose ?? 'any').split(' ').includes(purpose));
    for (const [size, purpose] of [
      ['192x192', 'any'],
      ['512x512', 'any'],
      ['512x512', 'maskable'],
    ] as const) {
      const icon = find(size, purpose);
      expect(icon, `an icon ${size} for purpose ${purpose}`).toBeDefined();
      const response = await page.request.get(new URL(icon?.src ?? '', new URL(manifestHref ?? '', baseURL)).href);
      expect(response.status()).toBe(200);
      expect(response.headers()['content-type']).toBe('image/png');
      const { width, height } = pngSize(await response.body());
      expect(`${width}x${height}`).toBe(size);
    }

    await untilControlled(page);
    const cdp = await context.newCDPSession(page);
    const parsed = await cdp.send('Page.getAppManifest');
    expect(parsed.errors).toEqual([]);
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    expect(installabilityErrors).toEqual([]);
  } finally {
    await context.close();
    await rm(userDataDir, { recursive: true, force: true });
  }
});

test('after a first visit the app starts offline: reload and a deep link paint from the service worker', async ({ context, page, baseURL }) => {
  test.setTimeout(90_000);
  const origin = new URL(baseURL ?? '').origin;
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));

  // An account, so that the deep link below opens a real screen rather than the welcome guard.
  await createAccountThroughUi(page, 'Offline Olga');
  await untilControlled(page);

  const failures = watchAppShell(context, origin);
  await context.setOffline(true);
  try {
    const reloaded = await page.reload();
    expect(reloaded?.fromServiceWorker()).toBe(true);
    await expect(page.getByRole('button', { name: 'My account' })).toBeVisible({ timeout: 30_000 });
    await expect(page.getByRole('button', { name: 'New conversation' })).toBeVisible();

    // A fresh page of the same profile, opened straight on a deep link, as an installed app reopening would be.
    const fresh = await context.newPage();
    fresh.on('pageerror', (error) => pageErrors.push(error.message));
    const opened = await fresh.goto('/#/settings');
    expect(opened?.fromServiceWorker()).toBe(true);
    await expect(fresh.getByRole('heading', { name: 'Settings' })).toBeVisible({ timeout: 30_000 });
    expect(new URL(fresh.url()).hash).toBe('#/settings');
    // The libsodium version comes from the core's worker: the worker chunk (libsodium inside) started offline too.
    await expect(fresh.getByRole('region', { name: 'About' })).toContainText(/libsodium\s*\d+\.\d+\.\d+/u);
    await fresh.close();
  } finally {
    await context.setOffline(false);
  }
  expect(failures).toEqual([]);
  expect(pageErrors).toEqual([]);
});
