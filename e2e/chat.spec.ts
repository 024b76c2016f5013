import { test, expect, type Page } from '@playwright/test';
import { createAccountThroughUi, messageLog, messageRow, sendMessage, startConversation } from './support/app.ts';

/*
 * Talking, in real Chromium against the devnet stack `npm start` runs: to the echo peer, and
 * between two browser profiles (contexts) that find each other by Session ID.
 */
test.describe.configure({ timeout: 120_000 });

function collectProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy|Refused to/u.test(message.text())) problems.push(message.text());
  });
  return problems;
}

test('create an account, message the echo peer, see its reply', async ({ page }) => {
  const problems = collectProblems(page);
  await createAccountThroughUi(page, 'Alice');
  await expect(page.getByText('No conversations yet')).toBeVisible();

  await page.getByRole('button', { name: 'Message the echo peer' }).click();
  await expect(page).toHaveURL(/#\/c\/05[0-9a-f]{64}$/u);
  await sendMessage(page, 'hello echo');

  const mine = messageRow(page, 'hello echo');
  await expect(mine).toBeVisible();
  await expect(mine.getByRole('img', { name: 'Sent' })).toBeVisible({ timeout: 60_000 });
  await expect(messageRow(page, 'echo: hello echo')).toBeVisible({ timeout: 60_000 });

  // The list shows the conversation with its last message.
  await expect(page.getByRole('link', { name: /echo: hello echo/u })).toBeAttached();
  expect(problems).toEqual([]);
});

test('Alice and Bob find each other by Session ID and talk both ways; statuses move to sent', async ({ browser }) => {
  const aliceContext = await browser.newContext();
  const bobContext = await browser.newContext();
  try {
    const alice = await aliceContext.newPage();
    const bob = await bobContext.newPage();
    const problems = [...collectProblems(alice), ...collectProblems(bob)];
    const aliceAccount = await createAccountThroughUi(alice, 'Alice');
    const bobAccount = await createAccountThroughUi(bob, 'Bob');

    await startConversation(alice, bobAccount.sessionId);
    await sendMessage(alice, 'Hi Bob, it is Alice');
    const sent = messageRow(alice, 'Hi Bob, it is Alice');
    // First on this device (queued) or on its way (sending), then in Bob's swarm (sent).
    await expect(sent.locator('[data-status]').first()).toHaveAttribute('data-status', /^(queued|sending|sent)$/u);
    await expect(sent.getByRole('img', { name: 'Sent' })).toBeVisible({ timeout: 60_000 });

    // Bob sees a new conversation from Alice, by her name, with an unread count.
    const fromAlice = bob.getByRole('link', { name: /Alice/u });
    await expect(fromAlice).toBeVisible({ timeout: 60_000 });
    await expect(fromAlice.getByText('1 unread message')).toBeAttached();
    await fromAlice.click();
    await expect(messageRow(bob, 'Hi Bob, it is Alice')).toBeVisible();
    await expect(bob).toHaveURL(new RegExp(`#/c/${aliceAccount.sessionId}$`, 'u'));
    // Seen: the unread count goes.
    await expect(bob.getByRole('link', { name: /Alice/u }).getByText(/unread/u)).toHaveCount(0);

    await sendMessage(bob, 'Hello Alice!\nTwo lines.');
    await expect(messageRow(bob, 'Hello Alice!\nTwo lines.').getByRole('img', { name: 'Sent' })).toBeVisible({ timeout: 60_000 });
    await expect(messageRow(alice, 'Hello Alice!\nTwo lines.')).toBeVisible({ timeout: 60_000 });

    // Untrusted text stays text: nothing runs, no element is made from it.
    let dialogs = 0;
    bob.on('dialog', (dialog) => {
      dialogs++;
      void dialog.dismiss();
    });
    const hostile = '<img src=x onerror=alert(1)> and javascript:alert(2) and https://example.org/x';
    await sendMessage(alice, hostile);
    const received = messageRow(bob, hostile);
    await expect(received).toBeVisible({ timeout: 60_000 });
    await expect(messageLog(bob).locator('img')).toHaveCount(0);
    const links = received.getByRole('link');
    await expect(links).toHaveCount(1);
    await expect(links).toHaveAttribute('href', 'https://example.org/x');
    await expect(links).toHaveAttribute('target', '_blank');
    await expect(links).toHaveAttribute('rel', 'noopener noreferrer');
    // A later message proves the page went on rendering after the hostile one: no dialog came first.
    await sendMessage(alice, 'after the hostile one');
    await expect(messageRow(bob, 'after the hostile one')).toBeVisible({ timeout: 60_000 });
    expect(dialogs).toBe(0);
    expect(problems).toEqual([]);
  } finally {
    await aliceContext.close();
    await bobContext.close();
  }
});

test('a malformed Session ID is refused with the reason', async ({ page }) => {
  await createAccountThroughUi(page, 'Carol');
  await page.getByRole('button', { name: 'New conversation' }).click();
  const field = page.getByLabel('Session ID', { exact: true });
  const start = page.getByRole('button', { name: 'Start conversation' });
  const valid = '05' + 'ab'.repeat(32);

  await field.fill(valid.slice(0, 40));
  await start.click();
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByText('A Session ID has 66 characters; this has 40.', { exact: false })).toBeVisible();

  await field.fill('06' + valid.slice(2));
  await expect(page.getByText('A Session ID starts with 05.')).toBeVisible();

  await field.fill(valid.slice(0, 64) + 'zz');
  await expect(page.getByText('Character 65, “z”, cannot be in a Session ID', { exact: false })).toBeVisible();

  await start.click();
  await expect(page).toHaveURL(/#\/new$/u); // refused: still here
  await field.fill(valid);
  await expect(field).toHaveAttribute('aria-invalid', 'false');
});
