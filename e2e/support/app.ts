/**
 * Steps through the app the way a person does, by accessible names only (ARCHITECTURE.md
 * convention 9): an account with its Session ID, open a conversation, send, find a message.
 */
import { expect, type Page } from '@playwright/test';
import { createAccount, SESSION_ID } from './onboarding.ts';

export interface CreatedAccount {
  readonly sessionId: string;
  readonly recoveryPhrase: string;
}

/** Creates an account (the shell's onboarding steps), then reads the Session ID the empty list offers to share. */
export async function createAccountThroughUi(page: Page, displayName: string, passphrase?: string): Promise<CreatedAccount> {
  const recoveryPhrase = await createAccount(page, { displayName, ...(passphrase !== undefined ? { passphrase } : {}) });
  const sessionId = await page.getByLabel('Your Session ID', { exact: true }).inputValue();
  expect(sessionId).toMatch(SESSION_ID);
  return { sessionId, recoveryPhrase };
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
