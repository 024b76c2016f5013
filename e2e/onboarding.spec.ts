/**
 * Onboarding in real Chromium against the built app behind the relay: create an account (phrase,
 * confirmation, name), restore it elsewhere, bad phrases named precisely, and a passphrase that
 * locks the account across a reload. Only accessible names are used to find things.
 */
import { test, expect } from '@playwright/test';
import { createAccount, mySessionId, restoreAccount, SESSION_ID, watchForProblems } from './support/onboarding.ts';

/** Test vector M1 (test/vectors/mnemonic.json): a valid 13-word phrase. */
const M1 = 'amaze buffet cake entrance symptoms tiger lamb maze nestle python dusted faxed faxed';

test('create an account, then restore its phrase in a fresh browser context: the same Session ID', async ({ page, browser }) => {
  const problems = watchForProblems(page);
  const phrase = await createAccount(page, { displayName: 'Alice' });
  expect(phrase.split(' ')).toHaveLength(13);
  await expect(page).toHaveURL(/#\/$/);

  const sessionId = await mySessionId(page);
  expect(sessionId).toMatch(SESSION_ID);
  await expect(page).toHaveURL(/#\/account$/);
  await expect(page.getByRole('img', { name: `QR code of your Session ID ${sessionId}` })).toBeVisible();
  await expect(page.getByLabel('Display name')).toHaveValue('Alice');

  // The URL names the place: a reload returns to My account.
  await page.reload();
  await expect(page.getByRole('heading', { name: 'My account' })).toBeVisible();
  await expect(page).toHaveURL(/#\/account$/);

  const fresh = await browser.newContext();
  try {
    const other = await fresh.newPage();
    // Capitals and extra spaces do not matter.
    await restoreAccount(other, `  ${phrase.toUpperCase().replaceAll(' ', '   ')} `, { displayName: 'Alice again' });
    expect(await mySessionId(other)).toBe(sessionId);
    expect(problems).toEqual([]);
  } finally {
    await fresh.close();
  }
});

test('a known phrase restores to its known Session ID', async ({ page }) => {
  // test/vectors/identity.json
  await restoreAccount(page, 'puffin luxury annoyed rustled memoir faxed smidgen puddle kiwi nylon utopia zinger kiwi');
  expect(await mySessionId(page)).toBe('054830367d369d94605247999a375dbd0a0f65fdec5de1535612bcb6d4de452c69');
});

test('restore names a misspelt word, a wrong word count and a checksum mismatch as you type', async ({ page }) => {
  await page.goto('/#/restore');
  const field = page.getByLabel('Recovery phrase');
  await expect(field).toBeVisible();

  await field.fill(M1.replace('cake', 'caek'));
  await expect(page.getByText('Word 3, “caek”, is not a recovery phrase word. Check its spelling.')).toBeVisible();
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  // The sentence is the field's description, so a screen reader hears it with the field.
  await expect(field).toHaveAccessibleDescription(/Word 3, “caek”, is not a recovery phrase word/);

  await field.fill(M1.split(' ').slice(0, 7).join(' '));
  await expect(page.getByText('7 of 13 words')).toBeVisible();
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByText('A recovery phrase has 13 words; this has 7.')).toBeVisible();
  await expect(field).toBeFocused();

  await field.fill(M1.replace(/faxed$/, 'amaze'));
  await expect(page.getByText('One word is wrong or out of order: the last word does not match the others.')).toBeVisible();
  await page.getByRole('button', { name: 'Continue' }).click();
  // Still on the phrase: nothing was lost, the text is as typed.
  await expect(field).toHaveValue(M1.replace(/faxed$/, 'amaze'));

  await field.fill(M1);
  await expect(page.getByText('All 13 words look right.')).toBeVisible();
  await expect(field).toHaveAttribute('aria-invalid', 'false');
});

test('a passphrase set at creation locks the account across a reload; a wrong one is refused', async ({ page }) => {
  await createAccount(page, { displayName: 'Carol', passphrase: 'correct horse battery staple' });
  const sessionId = await mySessionId(page);

  await page.reload();
  await expect(page.getByRole('heading', { name: 'Unlock Parley' })).toBeVisible();
  // Unlocking returns to where the person was.
  await expect(page).toHaveURL(/#\/unlock\?to=%2Faccount$/);

  const passphrase = page.getByLabel('Passphrase', { exact: true });
  await passphrase.fill('wrong horse');
  await page.getByRole('button', { name: 'Unlock' }).click();
  await expect(page.getByText('That passphrase is not right. Try again.')).toBeVisible();
  await expect(passphrase).toHaveAttribute('aria-invalid', 'true');

  await passphrase.fill('correct horse battery staple');
  await page.getByRole('button', { name: 'Unlock' }).click();
  await expect(page.getByRole('heading', { name: 'My account' })).toBeVisible();
  await expect(page).toHaveURL(/#\/account$/);
  await expect(page.getByRole('region', { name: 'Session ID' })).toContainText(sessionId);
});

test('after five wrong passphrases the unlock button waits, with a live countdown; a reload does not reset it', async ({ page }) => {
  await createAccount(page, { displayName: 'Dora', passphrase: 'correct horse battery staple' });
  await page.reload();
  const passphrase = page.getByLabel('Passphrase', { exact: true });
  const unlock = page.getByRole('button', { name: 'Unlock', exact: true });
  for (const attempt of [1, 2, 3, 4]) {
    await passphrase.fill(`wrong horse ${attempt}`);
    await unlock.click();
    await expect(page.getByText('That passphrase is not right. Try again.')).toBeVisible();
    await expect(unlock).toBeEnabled();
  }
  await passphrase.fill('wrong horse 5');
  await unlock.click();
  const countdown = page.getByRole('timer');
  await expect(countdown).toHaveText(/^Too many wrong attempts\. Try again in 0:[0-3]\d\.$/);
  await expect(unlock).toBeDisabled();
  // It counts down while the screen is open.
  const first = await countdown.textContent();
  await expect(countdown).not.toHaveText(first ?? '');

  // A reload keeps the wait, and the screen shows it at once, before any attempt.
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Unlock Parley' })).toBeVisible();
  await expect(page.getByRole('timer')).toHaveText(/^Too many wrong attempts\. Try again in 0:[0-2]\d\.$/);
  await expect(unlock).toBeDisabled();
});

test('a passphrase too weak to lock the account is named as it is typed, and not used', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('button', { name: 'Restore from recovery phrase' }).click();
  await page.getByLabel('Recovery phrase').fill(M1);
  await expect(page.getByText('All 13 words look right.')).toBeVisible();
  await page.getByRole('button', { name: 'Continue' }).click();
  const passphrase = page.getByLabel('Passphrase', { exact: true });
  await passphrase.fill('short');
  await expect(page.getByText('Use at least 8 characters')).toBeVisible();
  await expect(passphrase).toHaveAttribute('aria-invalid', 'true');
  await passphrase.fill('password123');
  await expect(page.getByText('This is one of the most used passwords')).toBeVisible();
  await passphrase.fill(M1.split(' ').slice(0, 3).join(' '));
  await expect(page.getByText('Do not use words of your recovery phrase')).toBeVisible();
  await page.getByRole('button', { name: 'Continue' }).click();
  // Still here: nothing was restored with it.
  await expect(passphrase).toBeVisible();
  await passphrase.fill('a passphrase of my own');
  await expect(passphrase).toHaveAttribute('aria-invalid', 'false');
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('button', { name: 'My account' })).toBeVisible();
});

test('without an account every route leads to the welcome screen', async ({ page }) => {
  await page.goto('/#/settings');
  await expect(page.getByRole('heading', { name: 'Parley', level: 1 })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Create account' })).toBeVisible();
  await expect(page).toHaveURL(/#\/welcome$/);
});

test('create works from the keyboard, and focus follows each step', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('button', { name: 'Create account' }).focus();
  await page.keyboard.press('Enter');

  const grid = page.getByRole('list', { name: 'Recovery phrase, 13 words' });
  await expect(grid.getByRole('listitem')).toHaveCount(13);
  const words = (await grid.getByRole('listitem').allInnerTexts()).map((text) => text.replace(/^\s*\d+\s*/, '').trim());
  await page.getByRole('button', { name: 'Continue' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Check that you saved it' })).toBeFocused();

  // Arrow keys move through each question's choices, as in any radio group.
  for (const question of await page.getByRole('group', { name: /^Which is word \d+\?$/ }).all()) {
    const position = Number(/word (\d+)/.exec(await question.locator('legend').innerText())?.[1]);
    const answer = question.getByRole('radio', { name: words[position - 1], exact: true });
    await question.getByRole('radio').first().focus();
    await page.keyboard.press('Space');
    for (let i = 0; i < 4 && !(await answer.isChecked()); i++) await page.keyboard.press('ArrowRight');
    await expect(answer).toBeChecked();
  }
  await page.keyboard.press('Enter');
  await expect(page.getByLabel('Display name')).toBeFocused();

  await page.keyboard.type('Kim');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('button', { name: 'My account' })).toBeVisible();
});

test('a second tab cannot take a recovery phrase: it says to use the first tab', async ({ page, context }) => {
  await page.goto('/');
  await expect(page.getByRole('status', { name: 'Secure engine' })).toContainText('Secure engine ready');
  const second = await context.newPage();
  await second.goto('/#/restore');
  await second.getByLabel('Recovery phrase').fill(M1);
  await expect(second.getByText('All 13 words look right.')).toBeVisible();
  await second.getByRole('button', { name: 'Continue' }).click();
  await second.getByRole('button', { name: 'Continue' }).click();
  await expect(second.getByText('Parley is open in another tab: use that tab, or close it and reload this one.')).toBeVisible();

  // The first tab, whose worker runs the engine, can (without a reload, which would hand the lead over).
  await page.getByRole('button', { name: 'Restore from recovery phrase' }).click();
  await page.getByLabel('Recovery phrase').fill(M1);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('button', { name: 'My account' })).toBeVisible();
  // The other tab hears of the new account and leaves its restore screen for home.
  await expect(second.getByRole('button', { name: 'My account' })).toBeVisible();
});
