/**
 * Onboarding steps for everything that drives the built app in Chromium (the end-to-end specs
 * through e2e/support/onboarding.ts, the screenshots, the UI benchmark), by accessible names as a
 * person reads the screens. Playwright's library only: no test runner here, so waits are locator
 * waits, not assertions; a step that cannot happen times out.
 */
import type { Page } from '@playwright/test';

export const STEP_TIMEOUT = 60_000;

/** The Create screen's phrase grid, word by word, as a person reads it off the screen. */
export async function phraseWords(page: Page): Promise<string[]> {
  const grid = page.getByRole('list', { name: 'Recovery phrase, 13 words' });
  await grid.getByRole('listitem').nth(12).waitFor({ timeout: STEP_TIMEOUT });
  return (await grid.getByRole('listitem').allInnerTexts()).map((text) => text.replace(/^\s*\d+\s*/u, '').trim());
}

/** From Create's phrase step: answers the check, names the account, optionally locks it, and waits for home. */
export async function finishCreate(page: Page, words: readonly string[], displayName: string, passphrase = ''): Promise<void> {
  await page.getByRole('button', { name: 'Continue' }).click();
  // "Which is word 4?" — twice, each from a few of the phrase's words; each answer is confirmed.
  const questions = page.getByRole('group', { name: /^Which is word \d+\?$/u });
  await questions.nth(1).waitFor({ timeout: STEP_TIMEOUT });
  for (const question of await questions.all()) {
    const legend = await question.locator('legend').innerText();
    const position = Number(/\d+/u.exec(legend)?.[0]);
    await question.getByRole('radio', { name: words[position - 1], exact: true }).check();
    await question.getByText('Right.').waitFor({ timeout: STEP_TIMEOUT });
  }
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByLabel('Display name').fill(displayName);
  if (passphrase !== '') await page.getByLabel('Passphrase', { exact: true }).fill(passphrase);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('button', { name: 'My account' }).waitFor({ timeout: STEP_TIMEOUT });
}

/** Welcome → Create account → … → home, with a throwaway account. */
export async function createAccount(page: Page, displayName: string, passphrase = ''): Promise<void> {
  await page.goto('/');
  await page.getByRole('button', { name: 'Create account' }).click();
  await finishCreate(page, await phraseWords(page), displayName, passphrase);
}
