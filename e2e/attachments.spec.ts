import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { test, expect, type Route } from '@playwright/test';
import { createAccountThroughUi, messageRow, sendMessage, startConversation } from './support/app.ts';
import { png } from './support/png.ts';

/*
 * Attachments in real Chromium against the devnet stack (docs/attachments.md): Alice sends Bob an
 * image, an "image" that is really HTML, and a 5 MB file with a caption, through the file server
 * and onions. Bob downloads on demand: the real image shows as a preview, the HTML one stays a
 * card, and the 5 MB file is saved under its name with a matching hash.
 */
test.describe.configure({ timeout: 180_000 });

const PNG = png(40, 30);

test('Alice sends files; Bob previews the image, not the HTML one, and saves the 5 MB file intact', async ({ browser }) => {
  const aliceContext = await browser.newContext();
  const bobContext = await browser.newContext({ acceptDownloads: true });
  try {
    const alice = await aliceContext.newPage();
    const bob = await bobContext.newPage();
    await createAccountThroughUi(alice, 'Alice');
    const bobAccount = await createAccountThroughUi(bob, 'Bob');
    const big = randomBytes(5_000_000);

    await startConversation(alice, bobAccount.sessionId);
    await alice.getByRole('textbox', { name: 'Message' }).fill('files for Bob');
    await alice.locator('#composer-files').setInputFiles([
      { name: 'photo.png', mimeType: 'image/png', buffer: PNG },
      { name: 'evil.png', mimeType: 'image/png', buffer: Buffer.from('<html><script>alert(1)</script></html>') },
      { name: 'big.bin', mimeType: 'application/octet-stream', buffer: big },
    ]);
    const sent = messageRow(alice, 'files for Bob');
    await expect(sent).toBeVisible();
    // Alice's own image previews from her device at once.
    await expect(sent.getByRole('img', { name: 'photo.png' })).toBeVisible();
    await expect(sent.getByRole('img', { name: 'Sent' })).toBeVisible({ timeout: 90_000 });
    // The list shows the caption behind the files' clip.
    await expect(alice.getByRole('list', { name: 'Conversations' }).getByRole('link')).toContainText('You: 📎 files for Bob');

    await bob.getByRole('link', { name: /Alice/u }).click({ timeout: 90_000 });
    const received = messageRow(bob, 'files for Bob');
    await expect(received).toBeVisible({ timeout: 90_000 });
    // Sizes are shown before anything is downloaded, and nothing is fetched without a tap.
    await expect(received.getByText('5.0 MB · application/octet-stream')).toBeVisible();
    await expect(received.locator('[data-attachment-state="available"]')).toHaveCount(3);

    await received.getByRole('button', { name: 'Download photo.png' }).click();
    await expect(received.getByRole('img', { name: 'photo.png' })).toBeVisible({ timeout: 60_000 });
    // Its size was measured on Alice's device and sent in the pointer.
    await expect(received.getByRole('img', { name: 'photo.png' })).toHaveAttribute('width', '40');
    await expect(received.getByRole('img', { name: 'photo.png' })).toHaveAttribute('height', '30');

    await received.getByRole('button', { name: 'Download evil.png' }).click();
    await expect(received.getByRole('button', { name: 'Save evil.png' })).toBeVisible({ timeout: 60_000 });
    await expect(received.getByRole('img', { name: 'evil.png' })).toHaveCount(0);

    await received.getByRole('button', { name: 'Download big.bin' }).click();
    const save = received.getByRole('button', { name: 'Save big.bin' });
    await expect(save).toBeVisible({ timeout: 90_000 });
    const [download] = await Promise.all([bob.waitForEvent('download'), save.click()]);
    expect(download.suggestedFilename()).toBe('big.bin');
    const saved = await readFile((await download.path())!);
    expect(createHash('sha256').update(saved).digest('hex')).toBe(createHash('sha256').update(big).digest('hex'));
  } finally {
    await aliceContext.close();
    await bobContext.close();
  }
});

test('an upload shows its percentage; Stop leaves the message not sent, and Retry sends it once', async ({ browser }) => {
  const aliceContext = await browser.newContext();
  const bobContext = await browser.newContext();
  try {
    const alice = await aliceContext.newPage();
    const bob = await bobContext.newPage();
    await createAccountThroughUi(alice, 'Alice');
    const bobAccount = await createAccountThroughUi(bob, 'Bob');
    await startConversation(alice, bobAccount.sessionId);

    // Alice's uplink is throttled (DevTools' network conditions reach the core's worker too), so
    // the upload's progress goes through values a person would see: some percentage short of 100.
    const devtools = await aliceContext.newCDPSession(alice);
    await devtools.send('Network.enable');
    await devtools.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 1_000_000 });
    await alice.getByRole('textbox', { name: 'Message' }).fill('with progress');
    await alice.locator('#composer-files').setInputFiles([{ name: 'big.bin', mimeType: 'application/octet-stream', buffer: randomBytes(5_000_000) }]);
    const big = messageRow(alice, 'with progress');
    await expect(big.getByText(/^Uploading… [1-9]\d? %$/u)).toBeVisible({ timeout: 60_000 });
    await expect(big.getByRole('img', { name: 'Sent' })).toBeVisible({ timeout: 90_000 });
    await devtools.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });

    // The next upload is held on its way to the relay, so it is in flight when Stop is pressed.
    const held: Route[] = [];
    await aliceContext.route('**/v1/onion-large/**', (route) => void held.push(route));
    await alice.getByRole('textbox', { name: 'Message' }).fill('stopped then retried');
    await alice.locator('#composer-files').setInputFiles([{ name: 'small.bin', mimeType: 'application/octet-stream', buffer: randomBytes(20_000) }]);
    const stopped = messageRow(alice, 'stopped then retried');
    await expect(stopped.locator('[data-attachment-state="uploading"]')).toBeVisible({ timeout: 30_000 });
    await expect.poll(() => held.length, { timeout: 30_000 }).toBe(1);
    await stopped.getByRole('button', { name: 'Stop sending small.bin' }).click();
    await expect(stopped.getByText(/^Not sent\./u)).toBeVisible();
    await expect(stopped.getByText('Upload stopped')).toBeVisible();
    await expect(stopped).toHaveAttribute('data-status', 'failed');
    await aliceContext.unroute('**/v1/onion-large/**');
    // The browser cancelled that request itself; answering it now is refused, and that is fine.
    await held[0]!.abort().catch(() => undefined);

    await stopped.getByRole('button', { name: 'Retry' }).click();
    await expect(stopped.getByRole('img', { name: 'Sent' })).toBeVisible({ timeout: 90_000 });

    // Bob gets both, each once: a marker sent after them arrives after any duplicate would have.
    await sendMessage(alice, 'marker after the files');
    await bob.getByRole('link', { name: /Alice/u }).click({ timeout: 90_000 });
    await expect(messageRow(bob, 'marker after the files')).toBeVisible({ timeout: 90_000 });
    await expect(messageRow(bob, 'with progress')).toHaveCount(1);
    await expect(messageRow(bob, 'stopped then retried')).toHaveCount(1);
    await expect(messageRow(bob, 'stopped then retried').getByText('small.bin')).toBeVisible();
  } finally {
    await aliceContext.close();
    await bobContext.close();
  }
});

/**
 * The page's DataTransfer and ClipboardEvent, typed here because this file is checked without the
 * DOM library (a type only: the page functions below read them from the page's own globalThis).
 */
interface PageDataTransfer {
  readonly items: { add(file: File): void };
}
interface PageGlobals {
  DataTransfer: new () => PageDataTransfer;
  ClipboardEvent: new (type: string, init: { clipboardData: PageDataTransfer; bubbles: boolean; cancelable: boolean }) => Event;
}

test('a file dropped on the composer, and one pasted into it, are sent with the text as caption', async ({ page }) => {
  await createAccountThroughUi(page, 'Dropper');
  await page.getByRole('button', { name: 'Message the echo peer' }).click();
  const field = page.getByRole('textbox', { name: 'Message' });

  await field.fill('dropped');
  const drop = await page.evaluateHandle(() => {
    const data = new (globalThis as unknown as PageGlobals).DataTransfer();
    data.items.add(new File(['dropped bytes'], 'dropped.txt', { type: 'text/plain' }));
    return data;
  });
  await page.locator('form.composer').dispatchEvent('dragover', { dataTransfer: drop });
  await page.locator('form.composer').dispatchEvent('drop', { dataTransfer: drop });
  const dropped = messageRow(page, 'dropped');
  await expect(dropped).toBeVisible();
  await expect(dropped.getByText('dropped.txt')).toBeVisible();
  await expect(field).toHaveValue('');

  await field.fill('pasted');
  await field.evaluate((element) => {
    const data = new (globalThis as unknown as PageGlobals).DataTransfer();
    data.items.add(new File(['pasted bytes'], 'pasted.txt', { type: 'text/plain' }));
    element.dispatchEvent(new (globalThis as unknown as PageGlobals).ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  });
  const pasted = messageRow(page, 'pasted');
  await expect(pasted).toBeVisible();
  await expect(pasted.getByText('pasted.txt')).toBeVisible();
});
