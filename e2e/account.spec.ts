/**
 * My account and Settings in real Chromium: the phrase shown again is the one made at creation,
 * the display name changes, a passphrase set later locks and unlocks the account, and "Clear
 * data" (this device) returns to the welcome screen. Back/forward follow the URL.
 */
import { test, expect } from '@playwright/test';
import { createAccount, mySessionId, restoreAccount, watchForProblems } from './support/onboarding.ts';

test('My account: the phrase behind a confirmation, the display name; Settings: passphrase, lock, clear data', async ({ page }) => {
  // A long journey: every passphrase step runs Argon2id in the worker.
  test.setTimeout(90_000);
  const problems = watchForProblems(page);
  const phrase = await createAccount(page, { displayName: 'Erin' });
  await mySessionId(page);

  // The recovery phrase, on request only, is the one made at creation.
  await page.getByRole('button', { name: 'Show recovery phrase' }).click();
  await expect(page.getByText('Anyone who sees these words can take over your account.', { exact: false })).toBeVisible();
  await page.getByRole('button', { name: 'Show it' }).click();
  const grid = page.getByRole('list', { name: 'Recovery phrase, 13 words' });
  await expect(grid.getByRole('listitem')).toHaveCount(13);
  const shown = (await grid.getByRole('listitem').allInnerTexts()).map((text) => text.replace(/^\s*\d+\s*/, '').trim());
  expect(shown.join(' ')).toBe(phrase);
  await page.getByRole('button', { name: 'Hide recovery phrase' }).click();
  await expect(grid).toHaveCount(0);

  // The display name.
  const name = page.getByLabel('Display name');
  await name.fill('Erin Q.');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Saved', { exact: true })).toBeVisible();
  await page.reload();
  await expect(page.getByLabel('Display name')).toHaveValue('Erin Q.');

  // Back and forward follow the URL.
  await page.getByRole('button', { name: 'Settings' }).click();
  await expect(page).toHaveURL(/#\/settings$/);
  await page.goBack();
  await expect(page.getByRole('heading', { name: 'My account' })).toBeVisible();
  await page.goForward();
  await expect(page.getByRole('heading', { name: 'Settings' })).toBeVisible();

  // The installed app opens its start URL, '/': it reopens where the person was.
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Settings' })).toBeVisible();
  await expect(page).toHaveURL(/#\/settings$/);

  // A passphrase set later; lock now; the unlock screen returns to Settings.
  await expect(page.getByText('No passphrase: anyone using this browser profile can open Parley.')).toBeVisible();
  await expect(page.getByLabel('Lock after')).toBeDisabled();
  // Too weak: named under the field as it is typed, and not set.
  await page.getByLabel('New passphrase').fill('aaaaaaaaaa');
  await expect(page.getByText('Use more than one character, repeated.')).toBeVisible();
  await page.getByRole('button', { name: 'Set passphrase' }).click();
  await expect(page.getByText('No passphrase: anyone using this browser profile can open Parley.')).toBeVisible();
  await page.getByLabel('New passphrase').fill('tall tree');
  await expect(page.getByText('Use more than one character, repeated.')).toBeHidden();
  await page.getByRole('button', { name: 'Set passphrase' }).click();
  await expect(page.getByText('Passphrase set.')).toBeVisible();
  await expect(page.getByLabel('Lock after')).toBeEnabled();
  await page.getByLabel('Lock after').selectOption({ label: '15 minutes' });
  await page.reload();
  await page.getByLabel('Passphrase', { exact: true }).fill('tall tree');
  await page.getByRole('button', { name: 'Unlock' }).click();
  await expect(page.getByRole('heading', { name: 'Settings' })).toBeVisible();
  await expect(page.getByLabel('Lock after')).toHaveValue('15');

  await page.getByRole('button', { name: 'Lock now' }).click();
  await expect(page.getByRole('heading', { name: 'Unlock Parley' })).toBeVisible();
  await page.getByLabel('Passphrase', { exact: true }).fill('tall tree');
  await page.getByRole('button', { name: 'Unlock' }).click();
  await expect(page.getByRole('heading', { name: 'Settings' })).toBeVisible();

  // A wrong current passphrase changes nothing.
  await page.getByLabel('Current passphrase').fill('short tree');
  await page.getByRole('button', { name: 'Remove passphrase' }).click();
  await expect(page.getByText('That passphrase is not right. Try again.')).toBeVisible();
  await page.getByLabel('Current passphrase').fill('tall tree');
  await page.getByRole('button', { name: 'Remove passphrase' }).click();
  await expect(page.getByText('Passphrase removed.')).toBeVisible();

  // Clear data, this device only, after a confirmation: back to the welcome screen.
  await page.getByRole('button', { name: 'Clear data' }).click();
  const dialog = page.getByRole('dialog', { name: 'Clear all data?' });
  await expect(dialog).toBeVisible();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  await page.getByRole('button', { name: 'Clear data' }).click();
  await dialog.getByRole('button', { name: 'Clear everything' }).click();
  await expect(page.getByRole('button', { name: 'Create account' })).toBeVisible();
  await expect(page).toHaveURL(/#\/welcome$/);
  await page.reload();
  await expect(page.getByRole('button', { name: 'Create account' })).toBeVisible();
  expect(problems).toEqual([]);
});

test('one pane below 900 px: the list at home, a screen with Back elsewhere', async ({ page }) => {
  await page.setViewportSize({ width: 400, height: 800 });
  await createAccount(page, { displayName: 'Finn' });
  await page.getByRole('button', { name: 'My account' }).click();
  await expect(page.getByRole('heading', { name: 'My account' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'New conversation' })).toBeHidden();
  await page.getByRole('button', { name: 'Back' }).click();
  await expect(page).toHaveURL(/#\/$/);
  await expect(page.getByRole('button', { name: 'New conversation' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'My account' })).toHaveCount(0);

  // Reopened straight on a screen (no history of ours): Back still goes home.
  await page.goto('/#/settings');
  await expect(page.getByRole('heading', { name: 'Settings' })).toBeVisible();
  await page.getByRole('button', { name: 'Back' }).click();
  await expect(page.getByRole('button', { name: 'My account' })).toBeVisible();

  await page.setViewportSize({ width: 1200, height: 800 });
  await page.getByRole('button', { name: 'Settings' }).click();
  await expect(page.getByRole('heading', { name: 'Settings' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'New conversation' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Back' })).toBeHidden();
});

test('a forgotten passphrase: clear this device from the unlock screen, then restore from the phrase', async ({ page }) => {
  const phrase = await createAccount(page, { displayName: 'Gail', passphrase: 'forgotten one' });
  const sessionId = await mySessionId(page);
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Unlock Parley' })).toBeVisible();

  await page.getByRole('button', { name: 'Forgot your passphrase?' }).click();
  await expect(page.getByText('Without it, this device cannot open your account.', { exact: false })).toBeVisible();
  await page.getByRole('button', { name: 'Clear this device' }).click();
  await expect(page.getByRole('button', { name: 'Restore from recovery phrase' })).toBeVisible();

  await restoreAccount(page, phrase, { passphrase: 'remembered one' });
  expect(await mySessionId(page)).toBe(sessionId);
});

test('offline, a reload and a bare launch reopen the same screen from the service worker', async ({ page, context }) => {
  await createAccount(page, { displayName: 'Hugo' });
  await mySessionId(page);
  await expect.poll(() => page.evaluate('navigator.serviceWorker.ready.then((r) => Boolean(r.active))')).toBe(true);

  await context.setOffline(true);
  try {
    await page.reload();
    await expect(page.getByRole('heading', { name: 'My account' })).toBeVisible();
    await expect(page.getByRole('region', { name: 'Session ID' })).toContainText(/05[0-9a-f]{64}/);
    // The installed app's start URL: still the last screen.
    await page.goto('/');
    await expect(page.getByRole('heading', { name: 'My account' })).toBeVisible();
    await expect(page).toHaveURL(/#\/account$/);
  } finally {
    await context.setOffline(false);
  }
});

test('Settings: downloading pictures and voice messages by themselves can be turned off, and stays off', async ({ page }) => {
  await createAccount(page, { displayName: 'Hana' });
  await page.getByRole('button', { name: 'Settings' }).click();
  const automatic = page.getByRole('checkbox', { name: 'Download them by themselves from people you have written to' });
  await expect(automatic).toBeChecked();
  await automatic.uncheck();
  await page.reload();
  await expect(automatic).not.toBeChecked();
  await automatic.check();
  await page.reload();
  await expect(automatic).toBeChecked();
});
