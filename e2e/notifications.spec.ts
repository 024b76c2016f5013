import { test, expect } from '@playwright/test';
import { createAccountThroughUi, messageRow, sendMessage } from './support/app.ts';

/*
 * A new message while the app is open but hidden shows a notification, as the person chose in
 * Settings (with the sender's name here), and never with the message's text. Headless Chromium
 * shows no real notifications and cannot hide a tab, so the page is told it is hidden and the
 * Notification constructor records what it was asked to show (an init script, before the app runs).
 */
test.describe.configure({ timeout: 180_000 }); // hidden, the engine polls slowly

test('a message arriving while hidden notifies with the sender name only, after the person turned it on', async ({ page, context }) => {
  await context.grantPermissions(['notifications']);
  await page.addInitScript(`
    window.__shown = [];
    window.__hidden = false;
    Object.defineProperty(document, 'visibilityState', { get: () => (window.__hidden ? 'hidden' : 'visible') });
    const Real = window.Notification;
    window.Notification = class extends Real {
      constructor(title, options) {
        super(title, options);
        window.__shown.push({ title, body: options && options.body ? options.body : null });
      }
    };
  `);
  await createAccountThroughUi(page, 'Fay');
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('radio', { name: 'On, with the sender’s name' }).check();
  await expect(page.getByRole('radio', { name: 'On, with the sender’s name' })).toBeChecked();

  await page.getByRole('button', { name: 'Message the echo peer' }).click();
  await sendMessage(page, 'seen while visible');
  await expect(messageRow(page, 'echo: seen while visible')).toBeVisible({ timeout: 60_000 });
  expect(await page.evaluate('window.__shown.length')).toBe(0);

  await page.evaluate(`window.__hidden = true; document.dispatchEvent(new Event('visibilitychange'))`);
  await sendMessage(page, 'answer while hidden');
  await expect(messageRow(page, 'echo: answer while hidden')).toBeAttached({ timeout: 120_000 });
  await expect.poll(() => page.evaluate('window.__shown')).toEqual([{ title: 'New message from Echo', body: null }]);
});
