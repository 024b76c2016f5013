/**
 * Onboarding through the screens, the way a person does it, by accessible names only
 * (ARCHITECTURE.md convention 9). Shared by the specs that need an account.
 */
import { expect, type Page } from '@playwright/test';

export const SESSION_ID = /^05[0-9a-f]{64}$/;

/** Creates an account from the welcome screen; returns its recovery phrase as shown. */
export async function createAccount(page: Page, options: { displayName: string; passphrase?: string }): Promise<string> {
  await page.goto('/');
  await page.getByRole('button', { name: 'Create account' }).click();

  const grid = page.getByRole('list', { name: 'Recovery phrase, 13 words' });
  await expect(grid.getByRole('listitem')).toHaveCount(13);
  const words = (await grid.getByRole('listitem').allInnerTexts()).map((text) => text.replace(/^\s*\d+\s*/, '').trim());
  await page.getByRole('button', { name: 'Continue' }).click();

  // "Which is word 4?" — twice, each from a few of the phrase's words.
  const questions = page.getByRole('group', { name: /^Which is word \d+\?$/ });
  await expect(questions).toHaveCount(2);
  for (const question of await questions.all()) {
    const legend = await question.locator('legend').innerText();
    const position = Number(/word (\d+)/.exec(legend)?.[1]);
    await question.getByRole('radio', { name: words[position - 1], exact: true }).check();
    await expect(question.getByText('Right.')).toBeVisible();
  }
  await page.getByRole('button', { name: 'Continue' }).click();

  await page.getByLabel('Display name').fill(options.displayName);
  if (options.passphrase !== undefined) await page.getByLabel('Passphrase', { exact: true }).fill(options.passphrase);
  await page.getByRole('button', { name: 'Continue' }).click();

  await expect(page.getByRole('button', { name: 'My account' })).toBeVisible();
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
