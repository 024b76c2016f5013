import { test, expect, type ConsoleMessage } from '@playwright/test';
import { CONTENT_SECURITY_POLICY } from '../relay/static.ts';

test('the built app loads, starts the secure engine and registers its service worker', async ({ page, context }) => {
  const problems: string[] = [];
  page.on('console', (message: ConsoleMessage) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  context.on('weberror', (webError) => problems.push(`web error: ${webError.error().message}`));

  const response = await page.goto('/');
  expect(response?.status()).toBe(200);
  expect(response?.headers()['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
  expect(response?.headers()['x-content-type-options']).toBe('nosniff');

  await expect(page.getByRole('heading', { name: 'Parley', level: 1 })).toBeVisible();

  const engine = page.getByRole('status', { name: 'Secure engine' });
  await expect(engine).toHaveText(/Secure engine ready \(libsodium \d+\.\d+\.\d+\)$/);

  const serviceWorker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
  expect(new URL(serviceWorker.url()).pathname).toBe('/sw.js');
  // The page sees it too: the registration becomes active.
  await expect.poll(() => page.evaluate('navigator.serviceWorker.ready.then((r) => Boolean(r.active))')).toBe(true);

  expect(problems).toEqual([]);
});

test('an in-app route deep link gets the app shell', async ({ page }) => {
  const response = await page.goto('/conversations/05abcdef');
  expect(response?.status()).toBe(200);
  await expect(page.getByRole('heading', { name: 'Parley', level: 1 })).toBeVisible();
});

test('a missing asset is a 404, not the app shell', async ({ request }) => {
  const response = await request.get('/assets/missing-0000.js');
  expect(response.status()).toBe(404);
});

test('once loaded, it starts offline: shell, worker and libsodium come from the precache', async ({ page, context }) => {
  await page.goto('/');
  await expect.poll(() => page.evaluate('navigator.serviceWorker.ready.then((r) => Boolean(r.active))')).toBe(true);
  // Precaching finishes during install; the worker chunk and libsodium's WASM file must be in it.
  const cached = await page.evaluate(
    'caches.keys().then((names) => Promise.all(names.map((n) => caches.open(n).then((c) => c.keys())))).then((lists) => lists.flat().map((r) => new URL(r.url).pathname))',
  );
  expect(cached).toEqual(
    expect.arrayContaining(['/index.html', expect.stringMatching(/^\/assets\/worker-.+\.js$/), expect.stringMatching(/^\/assets\/libsodium-sumo-.+\.wasm$/)]),
  );

  await context.setOffline(true);
  try {
    await page.reload();
    await expect(page.getByRole('heading', { name: 'Parley', level: 1 })).toBeVisible();
    await expect(page.getByRole('status', { name: 'Secure engine' })).toContainText('Secure engine ready');
    // A deep link works offline too (navigation fallback to the precached shell).
    await page.goto('/conversations/05abcdef');
    await expect(page.getByRole('status', { name: 'Secure engine' })).toContainText('Secure engine ready');
  } finally {
    await context.setOffline(false);
  }
});
