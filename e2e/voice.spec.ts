import AxeBuilder from '@axe-core/playwright';
import { test, expect, type Page } from '@playwright/test';
import { createAccountThroughUi, messageLog, startConversation } from './support/app.ts';

/*
 * Voice messages in real Chromium against the devnet stack (docs/attachments.md "Voice messages"):
 * Alice records with Chromium's fake microphone (a generated beep) and sends it to Bob through the
 * file server and onions; Bob downloads it and plays it to the end. A refused microphone is an
 * error in words, not a crash.
 */
test.describe.configure({ timeout: 180_000 });

/** Chromium's generated audio stream stands in for a microphone. */
const FAKE_MICROPHONE = '--use-fake-device-for-media-stream';
/** Answers the permission prompt with yes (the context's grant is what the app sees). */
const ACCEPT_PROMPTS = '--use-fake-ui-for-media-stream';

/** axe-core: no serious or critical WCAG 2.1 A/AA violation on the page as it is (as e2e/chat-accessibility.spec.ts). */
async function expectNoSeriousViolations(page: Page, screen: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const serious = results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => ({ screen, rule: violation.id, targets: violation.nodes.map((node) => node.target.join(' ')) }));
  expect(serious, `${screen}: ${JSON.stringify(serious, null, 2)}`).toEqual([]);
}

/** The rows of the open conversation that hold a voice message. */
function voiceRows(page: Page) {
  return messageLog(page).locator('[data-message-id]').filter({ has: page.getByText('Voice message', { exact: true }) });
}

// The config's launch flags, plus the fake microphone, for this file's browser only.
test.use({ launchOptions: [async ({ launchOptions }, use) => use({ ...launchOptions, args: [...(launchOptions.args ?? []), FAKE_MICROPHONE, ACCEPT_PROMPTS] }), { scope: 'worker' }] });

test('Alice records a voice message and sends it; Bob downloads it and plays it to the end', async ({ browser, baseURL }) => {
  const aliceContext = await browser.newContext();
  await aliceContext.grantPermissions(['microphone'], { origin: baseURL! });
  const bobContext = await browser.newContext();
  try {
    const alice = await aliceContext.newPage();
    const bob = await bobContext.newPage();
    await createAccountThroughUi(alice, 'Alice');
    const bobAccount = await createAccountThroughUi(bob, 'Bob');
    await startConversation(alice, bobAccount.sessionId);

    // The microphone button stands in Send's place while the field is empty.
    const field = alice.getByRole('textbox', { name: 'Message' });
    await field.fill('typed');
    await expect(alice.getByRole('button', { name: 'Record a voice message' })).toHaveCount(0);
    await field.fill('');

    // A recording cancelled is never sent (at the end, Alice's conversation holds one voice message).
    await alice.getByRole('button', { name: 'Record a voice message' }).click();
    await expect(alice.getByRole('timer')).toHaveText('0:01', { timeout: 15_000 });
    // (On the recording that is thrown away: the scan's own time does not lengthen the one sent.)
    await expectNoSeriousViolations(alice, 'recording bar');
    await alice.getByRole('button', { name: 'Cancel recording' }).click();
    await expect(field).toBeFocused();

    // Escape cancels too (keyboard), with focus on the recording bar's Send button.
    await alice.getByRole('button', { name: 'Record a voice message' }).click();
    await expect(alice.getByRole('button', { name: 'Send voice message' })).toBeFocused();
    await alice.keyboard.press('Escape');
    await expect(field).toBeVisible();

    await alice.getByRole('button', { name: 'Record a voice message' }).click();
    await expect(alice.getByRole('group', { name: 'Recording a voice message' })).toBeVisible();
    await expect(alice.getByRole('timer')).toHaveText('0:02', { timeout: 15_000 });
    await alice.getByRole('button', { name: 'Send voice message' }).click();

    const sent = voiceRows(alice);
    await expect(sent).toHaveCount(1);
    // Her own copy plays from her device at once; it goes out flagged and typed as recorded.
    await expect(sent.getByRole('button', { name: 'Play voice message' })).toBeEnabled();
    await expect(sent.getByText(/ · audio\/(mp4|webm|ogg)$/u)).toBeVisible();
    await expect(sent.getByRole('img', { name: 'Sent' })).toBeVisible({ timeout: 90_000 });
    // A message with no text still has a line in the list that says what it is.
    await expect(alice.getByRole('list', { name: 'Conversations' }).getByRole('link')).toContainText('You: 🎤 Voice message');
    // She can listen to it: the position moves.
    await sent.getByRole('button', { name: 'Play voice message' }).click();
    await expect(sent.getByRole('slider', { name: 'Position in voice message' })).toHaveAttribute('aria-valuetext', /^0:0[1-5] of 0:0[2-5]$/u, { timeout: 20_000 });

    const fromAlice = bob.getByRole('link', { name: /Alice/u });
    await expect(fromAlice).toContainText('🎤 Voice message', { timeout: 90_000 });
    await fromAlice.click();
    const received = voiceRows(bob);
    await expect(received).toHaveCount(1, { timeout: 90_000 });
    // Bob has never written to Alice: nothing is fetched without a tap.
    await expect(received.locator('[data-attachment-state="available"]')).toHaveCount(1);
    await received.getByRole('button', { name: /^Download voice-message-.+\.(m4a|webm|ogg)$/u }).click();

    const play = received.getByRole('button', { name: 'Play voice message' });
    await expect(play).toBeEnabled({ timeout: 60_000 });
    const position = received.getByRole('slider', { name: 'Position in voice message' });
    // The duration comes from the decoded audio: about two seconds.
    await expect(position).toHaveAttribute('aria-valuetext', /^0:00 of 0:0[2-5]$/u);
    await play.click();
    await expect(received.getByRole('button', { name: 'Pause voice message' })).toBeVisible();
    // It plays to the end: the position reaches the duration and the button offers Play again.
    await expect(play).toBeVisible({ timeout: 20_000 });
    await expect(position).toHaveAttribute('aria-valuetext', /^(0:0[2-5]) of \1$/u);
    await expect(received.getByText(/^(0:0[2-5]) \/ \1$/u)).toBeVisible();
    await expectNoSeriousViolations(bob, 'a received voice message, played');
  } finally {
    await aliceContext.close();
    await bobContext.close();
  }
});
