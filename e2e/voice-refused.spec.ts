import { test, expect } from '@playwright/test';
import { createAccountThroughUi } from './support/app.ts';

/*
 * A refused microphone (docs/attachments.md "Voice messages"): asking to record says so in words,
 * and the composer goes on working. Its own file because the browser's flags differ from
 * e2e/voice.spec.ts: a (fake) microphone exists, but no prompt is answered and nothing is granted,
 * so getUserMedia refuses as it does when a person blocks the site.
 */
test.describe.configure({ timeout: 120_000 });

test.use({ launchOptions: [async ({ launchOptions }, use) => use({ ...launchOptions, args: [...(launchOptions.args ?? []), '--use-fake-device-for-media-stream'] }), { scope: 'worker' }] });

test('asking to record says the microphone is blocked, and the composer still works', async ({ page }) => {
  await createAccountThroughUi(page, 'Refused');
  await page.getByRole('button', { name: 'Message the echo peer' }).click();
  await page.getByRole('button', { name: 'Record a voice message' }).click();
  await expect(page.getByRole('alert').filter({ hasText: /^The microphone is blocked\. Allow it for this site/u })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Record a voice message' })).toBeEnabled();
  await expect(page.getByRole('textbox', { name: 'Message' })).toBeVisible();
});
