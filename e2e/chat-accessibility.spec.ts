/**
 * axe-core on the conversation side, light and dark: the list with a conversation, an open
 * conversation with sent and received messages, a link and a day separator, New conversation
 * showing an error, the onion-path view, a disappearing-messages timer with a message's options
 * open — no serious or critical WCAG 2.1 A/AA violation.
 * Also keyboard: the composer sends with Enter and adds a line with Shift+Enter.
 */
import AxeBuilder from '@axe-core/playwright';
import { test, expect, type Page } from '@playwright/test';
import { createAccountThroughUi, messageRow, sendMessage } from './support/app.ts';

test.describe.configure({ timeout: 120_000 });

async function expectNoSeriousViolations(page: Page, screen: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const serious = results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => ({ screen, rule: violation.id, targets: violation.nodes.map((node) => node.target.join(' ')) }));
  expect(serious, `${screen}: ${JSON.stringify(serious, null, 2)}`).toEqual([]);
}

for (const colorScheme of ['light', 'dark'] as const) {
  test(`${colorScheme} theme: conversation, list, new conversation, onion path`, async ({ page }) => {
    await page.emulateMedia({ colorScheme });
    await createAccountThroughUi(page, 'Erin');
    await page.getByRole('button', { name: 'Message the echo peer' }).click();

    const field = page.getByLabel('Message', { exact: true });
    await field.fill('first line');
    await field.press('Shift+Enter');
    await field.pressSequentially('second line, see https://example.org');
    await expect(field).toHaveValue('first line\nsecond line, see https://example.org');
    await field.press('Enter');
    await expect(field).toHaveValue('');
    const mine = messageRow(page, 'first line\nsecond line, see https://example.org');
    await expect(mine.getByRole('img', { name: 'Sent' })).toBeVisible({ timeout: 60_000 });
    await expect(messageRow(page, 'echo: first line\nsecond line, see https://example.org')).toBeVisible({ timeout: 60_000 });
    await sendMessage(page, 'another one');
    await expect(page.getByText('Today', { exact: true })).toBeVisible();
    await expectNoSeriousViolations(page, 'conversation and list');

    await page.getByRole('button', { name: 'Conversation options' }).click();
    await expect(page.getByRole('menuitem', { name: 'Copy Session ID' })).toBeFocused();
    await expectNoSeriousViolations(page, 'conversation menu');
    // Disappearing messages: the control line, the time left, the per-message options menu.
    await page.getByRole('menuitemradio', { name: '1 day after sending' }).click();
    await expect(page.getByText('You set messages to disappear 1 day after they are sent')).toBeVisible();
    await sendMessage(page, 'a disappearing one');
    await expect(messageRow(page, 'a disappearing one').getByText(/^Disappears in/u)).toBeVisible();
    const options = messageRow(page, 'another one').getByRole('button', { name: 'Message options' });
    await options.click();
    await expect(page.getByRole('menuitem', { name: 'Delete for me' })).toBeFocused();
    await expectNoSeriousViolations(page, 'disappearing messages and message options');
    await page.keyboard.press('Escape');
    await expect(options).toBeFocused();

    await page.getByRole('button', { name: 'New conversation' }).click();
    await page.getByLabel('Session ID', { exact: true }).fill('05zz');
    await expect(page.getByText('cannot be in a Session ID', { exact: false })).toBeVisible();
    await expectNoSeriousViolations(page, 'new conversation with an error');

    await page.getByRole('button', { name: /^Network: / }).click();
    await expect(page.getByRole('heading', { name: 'Onion path' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Build a new path' })).toBeVisible();
    await expectNoSeriousViolations(page, 'onion path');
  });
}
