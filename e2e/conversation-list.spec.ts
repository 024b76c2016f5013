import AxeBuilder from '@axe-core/playwright';
import { test, expect } from '@playwright/test';
import { createAccount } from './support/onboarding.ts';

/*
 * The conversation list with many conversations is windowed (src/ui/components/WindowedList.svelte):
 * only a screenful of rows is in the DOM, yet every conversation is reachable by scrolling and by
 * keyboard, the list says how long it is, and axe finds nothing serious. The conversations are
 * written straight into the app's IndexedDB in its record format (src/core/store/schema.ts).
 */
const COUNT = 300;

/** Runs in the page: `count` conversations without messages, "Contact 0" the most recent. */
const SEED = `async (count) => {
  const db = await new Promise((resolve, reject) => {
    const request = indexedDB.open('parley');
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const tx = db.transaction('conversations', 'readwrite');
  const now = Date.now();
  for (let c = 0; c < count; c++) {
    const id = '05' + (c + 1).toString(16).padStart(64, '0');
    const at = now - c * 60_000;
    tx.objectStore('conversations').put({ id, displayName: 'Contact ' + c, createdAt: at, lastMessageAt: at, unreadCount: 0, lastMessage: null });
  }
  await new Promise((resolve, reject) => { tx.oncomplete = resolve; tx.onerror = () => reject(tx.error); });
  db.close();
}`;

test('a long list renders a screenful, and every conversation is reachable by keyboard', async ({ page }) => {
  test.setTimeout(90_000);
  await createAccount(page, { displayName: 'Lister' });
  await page.evaluate(`(${SEED})(${COUNT})`);
  await page.reload();

  const list = page.getByRole('list', { name: 'Conversations' });
  const first = list.getByRole('link', { name: /Contact 0\b/u });
  await expect(first).toBeVisible();
  const rendered = await list.getByRole('listitem').count();
  expect(rendered).toBeGreaterThan(3);
  expect(rendered).toBeLessThan(60);
  await expect(list.getByRole('listitem').first()).toHaveAttribute('aria-setsize', String(COUNT));

  // Arrows move row by row; End goes to the last conversation, rendering it first.
  await first.focus();
  await page.keyboard.press('ArrowDown');
  await expect(list.getByRole('link', { name: /Contact 1\b/u })).toBeFocused();
  await page.keyboard.press('End');
  const last = list.getByRole('link', { name: new RegExp(`Contact ${COUNT - 1}\\b`, 'u') });
  await expect(last).toBeFocused();
  await expect(last).toBeInViewport();
  await expect(last.locator('xpath=ancestor::li')).toHaveAttribute('aria-posinset', String(COUNT));
  await page.keyboard.press('ArrowUp');
  await expect(list.getByRole('link', { name: new RegExp(`Contact ${COUNT - 2}\\b`, 'u') })).toBeFocused();
  // Tab, too, walks the rows in order while the window follows.
  await page.keyboard.press('Home');
  await expect(first).toBeFocused();
  for (let i = 1; i <= 20; i++) await page.keyboard.press('Tab');
  await expect(list.getByRole('link', { name: /Contact 20\b/u })).toBeFocused();
  await expect(list.getByRole('link', { name: /Contact 20\b/u })).toBeInViewport();

  // Scrolling far down renders the rows there, and they open like any other.
  await page.locator('.list [role="presentation"]').evaluate((viewport) => {
    viewport.scrollTop = viewport.scrollHeight / 2;
  });
  const middle = list.getByRole('link', { name: /Contact 15\d\b/u }).first();
  await expect(middle).toBeVisible();
  expect(await list.getByRole('listitem').count()).toBeLessThan(60);

  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const serious = results.violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
  expect(serious.map((violation) => violation.id)).toEqual([]);

  await middle.click();
  await expect(page.getByLabel('Message', { exact: true })).toBeVisible();
});
