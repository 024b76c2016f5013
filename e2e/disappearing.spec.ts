import { test, expect, type Page } from '@playwright/test';
import { createAccountThroughUi, messageLog, messageRow, sendMessage, startConversation } from './support/app.ts';

/*
 * Disappearing messages, unsend and delete between two browser profiles on the devnet stack
 * (docs/disappearing.md). The 10-second timer is one of the dev timers the app offers on the
 * devnet only, never on mainnet.
 */
test.describe.configure({ timeout: 180_000 });

async function twoPeople(browser: import('@playwright/test').Browser) {
  const aliceContext = await browser.newContext();
  const bobContext = await browser.newContext();
  const alice = await aliceContext.newPage();
  const bob = await bobContext.newPage();
  await createAccountThroughUi(alice, 'Alice');
  const bobAccount = await createAccountThroughUi(bob, 'Bob');
  await startConversation(alice, bobAccount.sessionId);
  return { alice, bob, aliceContext, bobContext, close: async () => Promise.all([aliceContext.close(), bobContext.close()]) };
}

/** The conversation menu, by keyboard: open it, pick a labelled choice. */
async function chooseTimer(page: Page, label: string): Promise<void> {
  await page.getByRole('button', { name: 'Conversation options' }).focus();
  await page.keyboard.press('Enter');
  const choice = page.getByRole('menuitemradio', { name: label });
  await choice.focus();
  await page.keyboard.press('Enter');
}

test('10-second delete after read: Bob reads, the message vanishes on both sides', async ({ browser }) => {
  const { alice, bob, close } = await twoPeople(browser);
  try {
    await chooseTimer(alice, '10 seconds after reading');
    await expect(alice.getByText('You set messages to disappear 10 seconds after they have been read')).toBeVisible();
    await expect(alice.getByText('Messages disappear 10 seconds after reading')).toBeVisible();

    await sendMessage(alice, 'this will vanish');
    const mine = messageRow(alice, 'this will vanish');
    await expect(mine.getByText(/^Disappears in/u)).toBeVisible();

    await bob.getByRole('link', { name: /Alice/u }).click({ timeout: 60_000 });
    await expect(bob.getByText('Alice set messages to disappear 10 seconds after they have been read')).toBeVisible({ timeout: 60_000 });
    const theirs = messageRow(bob, 'this will vanish');
    await expect(theirs).toBeVisible({ timeout: 60_000 });
    // Read (on screen): the timer starts and shows.
    await expect(theirs.getByText(/^Disappears in/u)).toBeVisible({ timeout: 30_000 });

    await expect(messageRow(bob, 'this will vanish')).toHaveCount(0, { timeout: 40_000 });
    await expect(messageRow(alice, 'this will vanish')).toHaveCount(0, { timeout: 40_000 });
  } finally {
    await close();
  }
});

test("Alice unsends a message and Bob's copy becomes 'This message was deleted'", async ({ browser }) => {
  const { alice, bob, close } = await twoPeople(browser);
  try {
    await sendMessage(alice, 'I regret this');
    const mine = messageRow(alice, 'I regret this');
    await expect(mine.getByRole('img', { name: 'Sent' })).toBeVisible({ timeout: 60_000 });
    await bob.getByRole('link', { name: /Alice/u }).click({ timeout: 60_000 });
    await expect(messageRow(bob, 'I regret this')).toBeVisible();

    await mine.getByRole('button', { name: 'Message options' }).focus();
    await alice.keyboard.press('Enter');
    await alice.getByRole('menuitem', { name: 'Unsend' }).focus();
    await alice.keyboard.press('Enter');

    await expect(messageLog(bob).getByText('This message was deleted')).toBeVisible({ timeout: 60_000 });
    await expect(messageRow(bob, 'I regret this')).toHaveCount(0);
    await expect(messageLog(alice).getByText('This message was deleted')).toBeVisible();
  } finally {
    await close();
  }
});

test('a queued message deleted while offline is never sent after reconnecting', async ({ browser }) => {
  const { alice, bob, aliceContext, close } = await twoPeople(browser);
  try {
    await sendMessage(alice, 'first');
    await expect(messageRow(alice, 'first').getByRole('img', { name: 'Sent' })).toBeVisible({ timeout: 60_000 });
    await bob.getByRole('link', { name: /Alice/u }).click({ timeout: 60_000 });

    await aliceContext.setOffline(true);
    await sendMessage(alice, 'never to be sent');
    const queued = messageRow(alice, 'never to be sent');
    await expect(queued.getByRole('img', { name: /^Queued/u })).toBeVisible({ timeout: 30_000 });
    await queued.getByRole('button', { name: 'Message options' }).click();
    await alice.getByRole('menuitem', { name: 'Delete for me' }).click();
    await expect(messageRow(alice, 'never to be sent')).toHaveCount(0);

    await aliceContext.setOffline(false);
    await sendMessage(alice, 'after reconnecting');
    await expect(messageRow(alice, 'after reconnecting').getByRole('img', { name: 'Sent' })).toBeVisible({ timeout: 90_000 });
    // Sent in order: once the later message is at Bob's, the deleted one would have been too.
    await expect(messageRow(bob, 'after reconnecting')).toBeVisible({ timeout: 90_000 });
    await expect(messageRow(bob, 'never to be sent')).toHaveCount(0);
  } finally {
    await close();
  }
});
