/**
 * Onboarding through the screens, the way a person does it, by accessible names only
 * (ARCHITECTURE.md convention 9). Shared by the specs that need an account; creating one takes the
 * same steps as the screenshots and the UI bench (scripts/ui-steps.ts).
 */
import { expect, type Page } from '@playwright/test';
import { finishCreate, phraseWords } from '../../scripts/ui-steps.ts';

export const SESSION_ID = /^05[0-9a-f]{64}$/;

/** Creates an account from the welcome screen; returns its recovery phrase as shown. */
export async function createAccount(page: Page, options: { displayName: string; passphrase?: string }): Promise<string> {
  await page.goto('/');
  await page.getByRole('button', { name: 'Create account' }).click();
  const words = await phraseWords(page);
  await finishCreate(page, words, options.displayName, options.passphrase ?? '');
  return words.join(' ');
}

/** The Session ID My account shows. */
export async function mySessionId(page: Page): Promise<string> {
  await page.getByRole('button', { name: 'My account' }).click();
  const sessionId = page.getByRole('region', { name: 'Session ID' }).getByText(SESSION_ID);
  await expect(sessionId).toBeVisible();
  return (await sessionId.innerText()).trim();
}

/** Restores an account from its phrase, from the welcome screen. */
export async function restoreAccount(page: Page, phrase: string, options: { displayName?: string; passphrase?: string } = {}): Promise<void> {
  await page.goto('/');
  await page.getByRole('button', { name: 'Restore from recovery phrase' }).click();
  await page.getByLabel('Recovery phrase').fill(phrase);
  await expect(page.getByText('All 13 words look right.')).toBeVisible();
  await page.getByRole('button', { name: 'Continue' }).click();
  if (options.displayName !== undefined) await page.getByLabel('Display name').fill(options.displayName);
  if (options.passphrase !== undefined) await page.getByLabel('Passphrase', { exact: true }).fill(options.passphrase);
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('button', { name: 'My account' })).toBeVisible();
}

/**
 * Collects what must never happen on a screen: uncaught page errors, and anything the relay's
 * Content-Security-Policy refused (an inline style or script, a third-party request).
 */
export function watchForProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) problems.push(`csp: ${message.text()}`);
  });
  return problems;
}
