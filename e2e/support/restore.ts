/**
 * What the restore journey needs beyond support/app.ts: a Session network of its own (devnet and the
 * relay that serves the built app, as `npm start` runs them, on ports the OS picks), restoring an
 * account through the screens, and reading the Session ID "My account" shows.
 */
import path from 'node:path';
import type { Server } from 'node:http';
import { expect, type Page } from '@playwright/test';
import { startTestDevnet, type TestDevnet } from '../../devnet/testing/test-devnet.ts';
import { devnetProfile } from '../../relay/profiles.ts';
import { createRelay } from '../../relay/relay.ts';
import { close, listen } from '../../relay/server.ts';

export interface Stack {
  /** Where the relay serves the app, e.g. http://127.0.0.1:41234 */
  readonly baseUrl: string;
  stop(): Promise<void>;
}

/** A devnet and a relay serving dist/ in front of it; `stop()` tears both down. */
export async function startStack(): Promise<Stack> {
  const devnet: TestDevnet = await startTestDevnet({ nodeCount: 8, rateLimit: false });
  let relay: Server | undefined;
  try {
    relay = createRelay({ distDir: path.resolve('dist'), profile: devnetProfile([devnet.started.seedUrl]), log: () => undefined });
    const baseUrl = (await listen(relay, 0, '127.0.0.1')).replace(/\/$/u, '');
    const server = relay;
    return {
      baseUrl,
      async stop() {
        await close(server);
        await devnet.stop();
      },
    };
  } catch (error) {
    if (relay) await close(relay);
    await devnet.stop();
    throw error;
  }
}

/** Welcome → "Restore from recovery phrase" → the phrase → Continue → display name → Continue → home. */
export async function restoreAccountThroughUi(page: Page, phrase: string, displayName: string): Promise<void> {
  await page.goto('/');
  await page.getByRole('button', { name: 'Restore from recovery phrase' }).click();
  await page.getByLabel('Recovery phrase').fill(phrase);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByLabel('Display name').fill(displayName);
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('button', { name: 'My account' })).toBeVisible({ timeout: 20_000 });
}

/** Opens "My account" and reads the Session ID it shows as text. */
export async function sessionIdOnMyAccount(page: Page): Promise<string> {
  await page.getByRole('button', { name: 'My account' }).click();
  const shown = page.getByRole('region', { name: 'Session ID' }).getByText(/^05[0-9a-f]{64}$/u);
  await expect(shown).toBeVisible();
  return (await shown.innerText()).trim();
}
