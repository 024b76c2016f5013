import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test, expect, type Page } from '@playwright/test';
import { CONTENT_SECURITY_POLICY } from '../relay/static.ts';

/*
 * The virtual list in real Chromium, under the relay's CSP: 50,000 rows of different heights,
 * only a screenful in the DOM, the bottom kept while there, the reading position kept when older
 * rows are prepended. The test page (src/ui/harness/) is built here and served from a fake origin.
 */
const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = join(root, 'test-results', 'harness');
const ORIGIN = 'http://harness.test';
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };

test.beforeAll(() => {
  execFileSync('npx', ['vite', 'build', '--config', 'e2e/harness.vite.config.ts'], { cwd: root, stdio: 'pipe' });
});

async function openHarness(page: Page, rows = 50_000): Promise<string[]> {
  const violations: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') violations.push(message.text());
  });
  page.on('pageerror', (error) => violations.push(error.message));
  await page.route(`${ORIGIN}/**`, async (route) => {
    const path = new URL(route.request().url()).pathname;
    const file = join(outDir, path === '/' ? 'index.html' : path);
    await route.fulfill({
      status: 200,
      headers: { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'content-security-policy': CONTENT_SECURITY_POLICY },
      body: await readFile(file),
    });
  });
  await page.addInitScript(
    "document.addEventListener('securitypolicyviolation', (event) => console.error('CSP violation: ' + event.violatedDirective))",
  );
  await page.goto(`${ORIGIN}/?rows=${rows}`);
  return violations;
}

const log = (page: Page) => page.getByRole('log', { name: 'Rows' });

/** The topmost row fully or partly in view, and its top relative to the list's viewport. */
async function topRow(page: Page): Promise<{ n: number; top: number }> {
  const rows = await page.locator('.item').evaluateAll((items) =>
    items.map((item) => {
      const { top, bottom } = item.getBoundingClientRect();
      return { n: Number(item.getAttribute('data-n')), rect: { top, bottom } };
    }),
  );
  const box = await log(page).evaluate((viewport) => {
    const { top, bottom } = viewport.getBoundingClientRect();
    return { top, bottom };
  });
  let best: { n: number; top: number } | null = null;
  for (const { n, rect } of rows) {
    if (rect.bottom <= box.top || rect.top >= box.bottom) continue;
    if (best === null || rect.top - box.top < best.top) best = { n, top: rect.top - box.top };
  }
  if (best === null) throw new Error('no row in view');
  return best;
}

test('50,000 rows: a screenful in the DOM, opened at the bottom, no CSP violation', async ({ page }) => {
  const problems = await openHarness(page);
  await expect(page.getByText('Row 49999, line 1', { exact: true })).toBeInViewport();
  const rendered = await page.locator('.item').count();
  expect(rendered).toBeGreaterThan(0);
  expect(rendered).toBeLessThan(80);
  await expect(page.locator('#at-bottom')).toHaveText('true');

  // Scroll through the whole list in steps, as a person flinging it would; rows follow.
  const total = await log(page).evaluate((el) => el.scrollHeight);
  for (const fraction of [0.75, 0.5, 0.25, 0.1]) {
    await log(page).evaluate((el, y) => el.scrollTo(0, y), Math.round(total * fraction));
    await expect.poll(async () => (await topRow(page)).n).toBeLessThan(50_000 * fraction + 200);
    expect(await page.locator('.item').count()).toBeLessThan(80);
  }
  await expect(page.locator('#at-bottom')).toHaveText('false');
  await log(page).evaluate((el) => el.scrollTo(0, 0));
  await expect(page.getByText('Row 0, line 1', { exact: true })).toBeInViewport();
  expect(Number(await page.locator('#near-start').textContent())).toBeGreaterThan(0);

  expect(problems).toEqual([]);
});

test('prepending older rows keeps the row being read in place', async ({ page }) => {
  const problems = await openHarness(page, 2_000);
  await log(page).evaluate((el) => el.scrollTo(0, 20_000));
  await expect(page.locator('.item').first()).toBeAttached();
  const before = await topRow(page);
  await page.getByRole('button', { name: 'Prepend 1000' }).click();
  await expect.poll(() => page.locator('.item[data-n="-1000"]').count()).toBe(0); // not near: not rendered
  const after = await topRow(page);
  expect(after.n).toBe(before.n);
  expect(Math.abs(after.top - before.top)).toBeLessThanOrEqual(1);
  expect(problems).toEqual([]);
});

test('a new row at the end is followed at the bottom, and leaves the position alone elsewhere', async ({ page }) => {
  const problems = await openHarness(page, 500);
  await page.getByRole('button', { name: 'Append 1' }).click();
  await expect(page.getByText('Row 500, line 1', { exact: true })).toBeInViewport();
  await expect(page.locator('#at-bottom')).toHaveText('true');

  await log(page).evaluate((el) => el.scrollTo(0, 3_000));
  await expect(page.locator('#at-bottom')).toHaveText('false');
  const before = await topRow(page);
  await page.getByRole('button', { name: 'Append 1' }).click();
  await expect(page.locator('.item[data-n="501"]')).toHaveCount(0);
  const after = await topRow(page);
  expect(after).toEqual(before);
  expect(problems).toEqual([]);
});
