import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { test, expect, type Page } from '@playwright/test';
import { createAccountThroughUi, messageLog, messageRow, sendMessage, startConversation } from './support/app.ts';

/*
 * The offline queue: in an open conversation Alice goes offline, writes three messages (queued,
 * counted by the banner), reloads while still offline (the service worker serves the app, which
 * reopens the same conversation with the three still queued), comes back online — and Bob
 * receives all three exactly once, in order.
 */
test.describe.configure({ timeout: 180_000 });

const OFFLINE = ['offline one', 'offline two', 'offline three'];

/** The message texts in the list, in display order (the virtual list renders rows in order). */
async function texts(page: Page): Promise<string[]> {
  return messageLog(page).locator('[data-message-id] .text').allTextContents();
}

test('messages written offline survive a reload and arrive once, in order', async ({ browser }) => {
  const aliceContext = await browser.newContext();
  const bobContext = await browser.newContext();
  try {
    const alice = await aliceContext.newPage();
    const bob = await bobContext.newPage();
    await createAccountThroughUi(alice, 'Alice');
    const bobAccount = await createAccountThroughUi(bob, 'Bob');
    await expect
      .poll(() => alice.evaluate('navigator.serviceWorker.ready.then((registration) => registration.active !== null)'))
      .toBe(true);

    await startConversation(alice, bobAccount.sessionId);
    await sendMessage(alice, 'before going offline');
    await expect(messageRow(alice, 'before going offline').getByRole('img', { name: 'Sent' })).toBeVisible({ timeout: 60_000 });
    await bob.getByRole('link', { name: /Alice/u }).click({ timeout: 60_000 });
    await expect(messageRow(bob, 'before going offline')).toBeVisible();

    await aliceContext.setOffline(true);
    const banner = alice.getByText(/^Offline — /u);
    await expect(banner).toBeVisible();
    for (const text of OFFLINE) await sendMessage(alice, text);
    for (const text of OFFLINE) {
      await expect(messageRow(alice, text).getByRole('img', { name: /^Queued/u })).toBeVisible({ timeout: 30_000 });
    }
    await expect(alice.getByText("Offline — 3 messages will be sent when you're back online.")).toBeVisible({ timeout: 30_000 });

    const url = alice.url();
    await alice.reload();
    expect(alice.url()).toBe(url);
    await expect(alice.getByLabel('Message', { exact: true })).toBeVisible({ timeout: 30_000 });
    for (const text of OFFLINE) await expect(messageRow(alice, text).getByRole('img', { name: /^Queued/u })).toBeVisible();
    await expect(alice.getByText("Offline — 3 messages will be sent when you're back online.")).toBeVisible({ timeout: 30_000 });

    await aliceContext.setOffline(false);
    await expect(banner).toBeHidden({ timeout: 30_000 });
    for (const text of OFFLINE) {
      await expect(messageRow(alice, text).getByRole('img', { name: 'Sent' })).toBeVisible({ timeout: 90_000 });
    }
    for (const text of OFFLINE) await expect(messageRow(bob, text)).toBeVisible({ timeout: 90_000 });

    // A message sent after all three proves that any duplicate would already have arrived.
    await sendMessage(alice, 'after coming back');
    await expect(messageRow(bob, 'after coming back')).toBeVisible({ timeout: 90_000 });
    const seen = (await texts(bob)).filter((text) => OFFLINE.includes(text));
    expect(seen).toEqual(OFFLINE);
  } finally {
    await aliceContext.close();
    await bobContext.close();
  }
});

test('an attachment written offline is sent once after reconnecting and reloading', async ({ browser }) => {
  const aliceContext = await browser.newContext();
  const bobContext = await browser.newContext({ acceptDownloads: true });
  try {
    const alice = await aliceContext.newPage();
    const bob = await bobContext.newPage();
    await createAccountThroughUi(alice, 'Alice');
    const bobAccount = await createAccountThroughUi(bob, 'Bob');
    await expect
      .poll(() => alice.evaluate('navigator.serviceWorker.ready.then((registration) => registration.active !== null)'))
      .toBe(true);
    await startConversation(alice, bobAccount.sessionId);
    await sendMessage(alice, 'before the file');
    await expect(messageRow(alice, 'before the file').getByRole('img', { name: 'Sent' })).toBeVisible({ timeout: 60_000 });

    await aliceContext.setOffline(true);
    await expect(alice.getByText(/^Offline — /u)).toBeVisible();
    const file = randomBytes(300_000);
    await alice.getByRole('textbox', { name: 'Message' }).fill('a file written offline');
    await alice.locator('#composer-files').setInputFiles([{ name: 'offline.bin', mimeType: 'application/octet-stream', buffer: file }]);
    const written = messageRow(alice, 'a file written offline');
    await expect(written.getByRole('img', { name: /^Queued/u })).toBeVisible({ timeout: 30_000 });
    await expect(written.getByText('Waiting to upload')).toBeVisible();

    // A reload while still offline: the message, its file and its place in the queue are on disk.
    await alice.reload();
    await expect(alice.getByLabel('Message', { exact: true })).toBeVisible({ timeout: 30_000 });
    await expect(written.getByRole('img', { name: /^Queued/u })).toBeVisible();
    await expect(written.getByText('offline.bin')).toBeVisible();

    await aliceContext.setOffline(false);
    await expect(written.getByRole('img', { name: 'Sent' })).toBeVisible({ timeout: 90_000 });
    await expect(written.locator('[data-attachment-state="sent"]')).toHaveCount(1);

    // A marker sent after it arrives after any duplicate would have: Bob has exactly one, intact.
    await sendMessage(alice, 'after the file');
    await bob.getByRole('link', { name: /Alice/u }).click({ timeout: 90_000 });
    await expect(messageRow(bob, 'after the file')).toBeVisible({ timeout: 90_000 });
    const received = messageRow(bob, 'a file written offline');
    await expect(received).toHaveCount(1);
    await received.getByRole('button', { name: 'Download offline.bin' }).click();
    const save = received.getByRole('button', { name: 'Save offline.bin' });
    await expect(save).toBeVisible({ timeout: 60_000 });
    const [download] = await Promise.all([bob.waitForEvent('download'), save.click()]);
    const saved = await readFile((await download.path())!);
    expect(createHash('sha256').update(saved).digest('hex')).toBe(createHash('sha256').update(file).digest('hex'));
    expect(await texts(bob)).toEqual(['before the file', 'a file written offline', 'after the file']);
  } finally {
    await aliceContext.close();
    await bobContext.close();
  }
});
