import { test, expect } from '@playwright/test';
import { createAccountThroughUi } from './support/app.ts';

/*
 * New conversation: a Session ID read from a QR code image (the decoder is loaded only then, not
 * with the app), and one pasted from the clipboard.
 */
test.describe.configure({ timeout: 120_000 });

test('scan a QR code from an image, paste from the clipboard', async ({ browser }) => {
  const aliceContext = await browser.newContext();
  const bobContext = await browser.newContext({ permissions: ['clipboard-read', 'clipboard-write'] });
  try {
    const alice = await aliceContext.newPage();
    const bob = await bobContext.newPage();
    const aliceAccount = await createAccountThroughUi(alice, 'Alice');
    const qr = alice.getByRole('img', { name: 'Your Session ID as a QR code, to scan from another device' });
    await expect(qr).toBeVisible();
    const image = await qr.screenshot();

    const scripts: string[] = [];
    bob.on('request', (request) => {
      if (request.resourceType() === 'script') scripts.push(new URL(request.url()).pathname);
    });
    await createAccountThroughUi(bob, 'Bob');
    await bob.getByRole('button', { name: 'New conversation' }).click();
    const field = bob.getByLabel('Session ID', { exact: true });
    await expect(field).toBeVisible();
    expect(scripts.filter((path) => /jsQR/iu.test(path))).toEqual([]);

    await bob.getByLabel('Scan a QR code from an image').setInputFiles({ name: 'alice-qr.png', mimeType: 'image/png', buffer: image });
    await expect(field).toHaveValue(aliceAccount.sessionId);
    await expect(bob.getByText('Looks right.')).toBeVisible();
    expect(scripts.filter((path) => /jsQR/iu.test(path))).toHaveLength(1);

    await field.fill('');
    await bob.evaluate(`navigator.clipboard.writeText(${JSON.stringify(`  ${aliceAccount.sessionId}\n`)})`);
    await bob.getByRole('button', { name: 'Paste' }).click();
    await expect(field).toHaveValue(aliceAccount.sessionId);

    await bob.getByRole('button', { name: 'Start conversation' }).click();
    await expect(bob).toHaveURL(new RegExp(`#/c/${aliceAccount.sessionId}$`, 'u'));
    await expect(bob.getByLabel('Message', { exact: true })).toBeVisible();
  } finally {
    await aliceContext.close();
    await bobContext.close();
  }
});
