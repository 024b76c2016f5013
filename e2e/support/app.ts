/**
 * Steps through the app the way a person does, by accessible names only (ARCHITECTURE.md
 * convention 9): create an account, read one's own Session ID, open a conversation, send.
 */
import { expect, type Page } from '@playwright/test';

export interface CreatedAccount {
  readonly sessionId: string;
  readonly recoveryPhrase: string;
}

/** Welcome → Create account → the phrase → pick the asked words → display name → home. */
export async function createAccountThroughUi(page: Page, displayName: string, passphrase = ''): Promise<CreatedAccount> {
  await page.goto('/');
  await page.getByRole('button', { name: 'Create account' }).click();
  const grid = page.getByRole('list', { name: 'Recovery phrase, 13 words' });
  await expect(grid.getByRole('listitem')).toHaveCount(13);
  const words = (await grid.getByRole('listitem').allTextContents()).map((text) => text.replace(/^\d+/u, '').trim());
  await page.getByRole('button', { name: 'Continue' }).click();

  // The confirmation asks for some words by position: pick each from the phrase just read.
  const questions = page.getByRole('group', { name: /^Which is word \d+\?$/u });
  await expect(questions.first()).toBeVisible();
  for (const question of await questions.all()) {
    const name = (await question.locator('legend').textContent()) ?? '';
    const position = Number(/\d+/u.exec(name)?.[0]);
    await question.getByRole('radio', { name: words[position - 1], exact: true }).check();
  }
  await page.getByRole('button', { name: 'Continue' }).click();

  await page.getByLabel('Display name').fill(displayName);
  if (passphrase !== '') await page.getByLabel('Passphrase').fill(passphrase);
  await page.getByRole('button', { name: 'Continue' }).click();

  await expect(page.getByRole('button', { name: 'My account' })).toBeVisible({ timeout: 20_000 });
  const sessionId = await page.getByLabel('Your Session ID', { exact: true }).inputValue();
  expect(sessionId).toMatch(/^05[0-9a-f]{64}$/u);
  return { sessionId, recoveryPhrase: words.join(' ') };
}

/** New conversation → Session ID → Start conversation; waits until its composer is there. */
export async function startConversation(page: Page, sessionId: string): Promise<void> {
  await page.getByRole('button', { name: 'New conversation' }).click();
  await page.getByLabel('Session ID', { exact: true }).fill(sessionId);
  await page.getByRole('button', { name: 'Start conversation' }).click();
  await expect(page.getByLabel('Message', { exact: true })).toBeVisible();
}

/** Types a message and presses Enter (the composer's way to send). */
export async function sendMessage(page: Page, text: string): Promise<void> {
  const field = page.getByLabel('Message', { exact: true });
  await field.fill(text);
  await field.press('Enter');
  await expect(field).toHaveValue('');
}

/** The message list of the open conversation. */
export function messageLog(page: Page) {
  return page.getByRole('log', { name: 'Messages' });
}

/** The row of the message whose text is exactly `text`. */
export function messageRow(page: Page, text: string) {
  return messageLog(page).locator('[data-message-id]').filter({ has: page.getByText(text, { exact: true }) });
}
