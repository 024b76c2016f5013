/**
 * axe-core on each screen of onboarding and the account, in the light and the dark theme: no
 * serious or critical violation of WCAG 2.1 A/AA (contrast included). Screens are reached the way a
 * person reaches them, so each is checked in the state people see.
 */
import AxeBuilder from '@axe-core/playwright';
import { test, expect, type Page } from '@playwright/test';
import { createAccount } from './support/onboarding.ts';

async function expectNoSeriousViolations(page: Page, screen: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const serious = results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => ({
      screen,
      rule: violation.id,
      impact: violation.impact,
      targets: violation.nodes.map((node) => node.target.join(' ')),
    }));
  expect(serious, `${screen}: ${JSON.stringify(serious, null, 2)}`).toEqual([]);
}

for (const colorScheme of ['light', 'dark'] as const) {
  test.describe(`${colorScheme} theme`, () => {
    test.use({ colorScheme });

    test('welcome, create (phrase, confirmation, name and passphrase) and restore, errors shown', async ({ page }) => {
      test.setTimeout(60_000);
      await page.goto('/');
      await expect(page.getByRole('button', { name: 'Create account' })).toBeVisible();
      await page.getByText('How it works').click();
      await expectNoSeriousViolations(page, 'welcome');

      await page.getByRole('button', { name: 'Create account' }).click();
      const grid = page.getByRole('list', { name: 'Recovery phrase, 13 words' });
      await expect(grid.getByRole('listitem')).toHaveCount(13);
      await expectNoSeriousViolations(page, 'create: phrase');

      const words = (await grid.getByRole('listitem').allInnerTexts()).map((text) => text.replace(/^\s*\d+\s*/, '').trim());
      await page.getByRole('button', { name: 'Continue' }).click();
      const questions = page.getByRole('group', { name: /^Which is word \d+\?$/ });
      await expect(questions).toHaveCount(2);
      for (const [i, question] of (await questions.all()).entries()) {
        const position = Number(/word (\d+)/.exec(await question.locator('legend').innerText())?.[1]);
        const right = words[position - 1] ?? '';
        // The first question gets a wrong pick, so the error state is checked too.
        const pick =
          i === 0
            ? question.locator('label').filter({ hasNotText: new RegExp(`^\\s*${right}\\s*$`) }).first().getByRole('radio')
            : question.getByRole('radio', { name: right, exact: true });
        await pick.check();
        await expect(question.locator('[aria-live]')).not.toBeEmpty();
      }
      await expectNoSeriousViolations(page, 'create: confirmation');

      const first = questions.first();
      const position = Number(/word (\d+)/.exec(await first.locator('legend').innerText())?.[1]);
      await first.getByRole('radio', { name: words[position - 1], exact: true }).check();
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.getByRole('button', { name: 'Continue' }).click();
      await expect(page.getByText('Type a display name.')).toBeVisible();
      await expectNoSeriousViolations(page, 'create: name and passphrase');

      await page.goto('/#/restore');
      await page.getByLabel('Recovery phrase').fill('amaze buffet caek ');
      await expect(page.getByText(/Word 3, “caek”/)).toBeVisible();
      await expectNoSeriousViolations(page, 'restore');
    });

    test('home, My account (phrase shown), settings and unlock', async ({ page }) => {
      test.setTimeout(60_000);
      await createAccount(page, { displayName: 'Dana', passphrase: 'a passphrase' });
      await expectNoSeriousViolations(page, 'home');

      await page.getByRole('button', { name: 'My account' }).click();
      await expect(page.getByRole('img', { name: /^QR code of your Session ID/ })).toBeVisible();
      await page.getByRole('button', { name: 'Show recovery phrase' }).click();
      await page.getByLabel('Passphrase', { exact: true }).fill('a passphrase');
      await page.getByRole('button', { name: 'Show it' }).click();
      await expect(page.getByRole('list', { name: 'Recovery phrase, 13 words' }).getByRole('listitem')).toHaveCount(13);
      await expectNoSeriousViolations(page, 'account');

      await page.getByRole('button', { name: 'Settings' }).click();
      await expect(page.getByRole('heading', { name: 'Settings' })).toBeVisible();
      await expect(page.getByText('Local test network (devnet)')).toBeVisible();
      await expectNoSeriousViolations(page, 'settings');

      await page.getByRole('button', { name: 'Lock now' }).click();
      await expect(page.getByRole('heading', { name: 'Unlock Parley' })).toBeVisible();
      await page.getByLabel('Passphrase', { exact: true }).fill('not it');
      await page.getByRole('button', { name: 'Unlock' }).click();
      await expect(page.getByText('That passphrase is not right. Try again.')).toBeVisible();
      await page.getByRole('button', { name: 'Forgot your passphrase?' }).click();
      await expect(page.getByRole('button', { name: 'Clear this device' })).toBeVisible();
      await expectNoSeriousViolations(page, 'unlock');

      // Four more wrong ones: the countdown and the disabled button.
      const unlock = page.getByRole('button', { name: 'Unlock', exact: true });
      for (const attempt of [2, 3, 4, 5]) {
        await expect(unlock).toBeEnabled();
        await page.getByLabel('Passphrase', { exact: true }).fill(`not it ${attempt}`);
        await unlock.click();
      }
      await expect(page.getByRole('timer')).toContainText('Too many wrong attempts. Try again in');
      await expect(unlock).toBeDisabled();
      await expectNoSeriousViolations(page, 'unlock, waiting');
    });
  });
}
