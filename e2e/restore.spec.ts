import { test, expect } from '@playwright/test';
import { createAccountThroughUi, messageRow, sendMessage, startConversation } from './support/app.ts';
import { mySessionId, restoreAccount } from './support/onboarding.ts';

/*
 * The recovery phrase is the account: Alice writes it down (reads it off the grid), talks with Bob,
 * and leaves. Bob writes twice more while she is away. In a browser profile that has never seen her,
 * she types the phrase → the same Session ID, her conversation with Bob with what he sent while she
 * was away, and her own earlier words (from the sync copies in her own swarm). Against the stack
 * `npm start` runs (Playwright's webServer).
 */
test.describe.configure({ timeout: 240_000 });

test('a fresh profile restores Alice from her phrase: same Session ID, and what Bob sent while she was away', async ({ browser }) => {
  const bobContext = await browser.newContext();
  const aliceContext = await browser.newContext();
  let restoredContext: Awaited<ReturnType<typeof browser.newContext>> | undefined;
  try {
    const bob = await bobContext.newPage();
    const alice = await aliceContext.newPage();
    const aliceAccount = await createAccountThroughUi(alice, 'Alice');
    const bobAccount = await createAccountThroughUi(bob, 'Bob');

    await startConversation(alice, bobAccount.sessionId);
    await sendMessage(alice, 'Hi Bob, Alice here');
    await expect(messageRow(alice, 'Hi Bob, Alice here').getByRole('img', { name: 'Sent' })).toBeVisible({ timeout: 60_000 });
    await bob.getByRole('link', { name: /Alice/u }).click({ timeout: 60_000 });
    await expect(messageRow(bob, 'Hi Bob, Alice here')).toBeVisible();
    await sendMessage(bob, 'Hello Alice');
    await expect(messageRow(alice, 'Hello Alice')).toBeVisible({ timeout: 60_000 });

    // Alice leaves: her profile is gone with everything it stored.
    await aliceContext.close();

    const away = ['Are you there?', 'Write back when you see this'];
    for (const text of away) {
      await sendMessage(bob, text);
      await expect(messageRow(bob, text).getByRole('img', { name: 'Sent' })).toBeVisible({ timeout: 60_000 });
    }

    restoredContext = await browser.newContext();
    const restored = await restoredContext.newPage();
    // "Restore from recovery phrase" → "Recovery phrase" (checked as typed) → Continue → "Display name" → Continue.
    await restoreAccount(restored, aliceAccount.recoveryPhrase, { displayName: 'Alice again' });
    expect(await mySessionId(restored)).toBe(aliceAccount.sessionId);

    // Back home: the conversation with Bob arrives from the swarm; open it as a person would.
    await restored.goto('/#/');
    const withBob = restored.getByRole('link', { name: /Bob/u });
    await expect(withBob).toBeVisible({ timeout: 90_000 });
    await withBob.click();
    await expect(restored).toHaveURL(new RegExp(`#/c/${bobAccount.sessionId}$`, 'u'));
    for (const text of ['Hello Alice', ...away]) await expect(messageRow(restored, text)).toBeVisible({ timeout: 90_000 });
    // Her own message comes back as hers (the sync copy), shown as sent.
    const own = messageRow(restored, 'Hi Bob, Alice here');
    await expect(own).toBeVisible({ timeout: 90_000 });
    await expect(own.getByRole('img', { name: 'Sent' })).toBeVisible();
    // None shown twice: what the restore fetched and what the polls bring are de-duplicated.
    for (const text of ['Hi Bob, Alice here', 'Hello Alice', ...away]) await expect(messageRow(restored, text)).toHaveCount(1);
  } finally {
    await restoredContext?.close();
    await aliceContext.close().catch(() => undefined);
    await bobContext.close();
  }
});
