/**
 * The stack `npm start` runs (scripts/stack.ts: devnet, relay serving dist/, echo peer) on free
 * ports and temporary data, with headless Chromium, for the benches that drive the built app.
 * dist/ is built first if it is missing.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from '@playwright/test';
import playwrightConfig from '../../playwright.config.ts';
import { startStack, type RunningStack } from '../../scripts/stack.ts';

export const root = path.resolve(import.meta.dirname, '../..');
export const distDir = path.join(root, 'dist');

export async function ensureBuilt(): Promise<void> {
  if (existsSync(path.join(distDir, 'index.html'))) return;
  console.log('dist/ has no build: building it first (vite build)');
  const { build } = await import('vite');
  await build({ root, logLevel: 'warn' });
}

export async function withStackAndBrowser(use: (stack: RunningStack, browser: Browser) => Promise<void>): Promise<void> {
  await ensureBuilt();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'parley-bench-stack-'));
  const stack = await startStack({ port: 0, devnetBasePort: 0, dataDir, distDir });
  try {
    const browser = await chromium.launch(playwrightConfig.use?.launchOptions ?? {});
    try {
      await use(stack, browser);
    } finally {
      await browser.close();
    }
  } finally {
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
