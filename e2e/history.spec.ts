import { test, expect } from '@playwright/test';
import { createAccountThroughUi, messageLog, messageRow, sendMessage } from './support/app.ts';

/*
 * Paging back through a conversation in the real app: it opens with the newest 50 messages; scrolling
 * to the top loads the older ones by cursor, and the view stays where it was while they arrive above.
 * (The exact pixel is checked in e2e/virtual-list.spec.ts.)
 */
test.describe.configure({ timeout: 240_000 });

const COUNT = 30; // to the echo peer, which answers each: 60 messages, more than the first page of 50

test('older messages load when scrolling up, without moving what is on screen', async ({ page }) => {
  await createAccountThroughUi(page, 'Gus');
  await page.getByRole('button', { name: 'Message the echo peer' }).click();
  for (let i = 1; i <= COUNT; i++) await sendMessage(page, `m${i}`);
  await expect(messageRow(page, `echo: m${COUNT}`)).toBeAttached({ timeout: 180_000 });

  await page.reload();
  await expect(messageRow(page, `echo: m${COUNT}`)).toBeVisible({ timeout: 30_000 });
  // Only the newest page is loaded: the first message is not in the list yet, nor its start.
  await expect(page.getByText('This is the start of your conversation.')).toHaveCount(0);

  const log = messageLog(page);
  const start = page.getByText('This is the start of your conversation.');
  // To the very top of the newest page: the older page loads above it, and the view stays on the
  // row that was at the top — neither the conversation's start nor its first message comes into view.
  await log.evaluate((element) => element.scrollTo(0, 0));
  await expect(start).toBeAttached({ timeout: 30_000 });
  await expect(messageRow(page, 'm1')).not.toBeInViewport();
  await expect(start).not.toBeInViewport();
  expect(await log.evaluate((element) => element.scrollTop)).toBeGreaterThan(200);

  // Further up, the rest is there: the start and the first message.
  await log.evaluate((element) => element.scrollTo(0, 0));
  await expect(start).toBeInViewport();
  await expect(messageRow(page, 'm1')).toBeInViewport();
});
