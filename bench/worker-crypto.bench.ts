/**
 * Item 3 of issue 10, crypto in the worker: in headless Chromium, in a real Web Worker running the
 * app's own wasm/ code (bench/browser/crypto-worker.ts), the cost of encrypt+pad and decrypt+unpad
 * of a message, a 3-hop onion built and its reply decrypted, the account unlock (Argon2id at the
 * cost in use); and the Comlink round trip to the app's core worker (src/ui/core-client.ts).
 * Figures are recorded (bench/report.ts), never asserted.
 */
import { chromium } from '@playwright/test';
import playwrightConfig from '../playwright.config.ts';
import { DEFAULT_LOCK_COST } from '../wasm/passphrase.ts';
import { serveBundle } from './browser/serve-bundle.ts';
import type { CryptoAnswer } from './browser/crypto-worker.ts';
import { median } from './stats.ts';
import { record } from './report.ts';

const SECTION = 'crypto in the worker';
const BUDGET_MS = 1_000;
const UNLOCK_RUNS = 3;
const COMLINK_ROUNDS = 200;

export async function run(): Promise<void> {
  const bundle = await serveBundle(new URL('./browser/crypto-page.ts', import.meta.url).pathname);
  const browser = await chromium.launch(playwrightConfig.use?.launchOptions ?? {});
  try {
    const page = await browser.newPage();
    await page.goto(bundle.url);
    await page.waitForFunction('globalThis.parleyBench !== undefined');
    const answer = (await page.evaluate(`parleyBench.crypto(${JSON.stringify({ budgetMs: BUDGET_MS, unlockRuns: UNLOCK_RUNS })})`)) as CryptoAnswer | { error: string };
    if ('error' in answer) throw new Error(`the crypto worker failed: ${answer.error}`);
    const note = `Chromium ${browser.version()}, Web Worker, median of 20 slices' means over ${BUDGET_MS / 1000} s`;
    record({ section: SECTION, name: 'encrypt+pad, 150 B content (100-char message)', value: answer.encryptPad, unit: 'ms', target: '≤ 0.3 ms', met: answer.encryptPad <= 0.3, note });
    record({ section: SECTION, name: 'decrypt+unpad, same message', value: answer.decryptUnpad, unit: 'ms', target: '≤ 0.3 ms', met: answer.decryptUnpad <= 0.3, note });
    const onion = answer.onionBuild + answer.replyDecrypt;
    record({ section: SECTION, name: '3-hop onion build (1 KiB payload) + reply decrypt', value: onion, unit: 'ms', target: '≤ 1 ms', met: onion <= 1, note: `build ${answer.onionBuild.toFixed(3)} ms + reply ${answer.replyDecrypt.toFixed(3)} ms; ${note}` });
    const unlock = median(answer.unlockRuns);
    record({ section: SECTION, name: `Argon2id unlock (ops ${DEFAULT_LOCK_COST.opsLimit}, ${DEFAULT_LOCK_COST.memLimit / 1024 / 1024} MiB, the cost in use)`, value: unlock, unit: 'ms', note: `median of ${UNLOCK_RUNS}` });

    const comlink = (await page.evaluate(`parleyBench.comlink(${COMLINK_ROUNDS})`)) as { status: number; pure: number };
    record({ section: SECTION, name: 'Comlink round trip, status() through the engine', value: comlink.status, unit: 'ms', note: `mean of ${COMLINK_ROUNDS} in a row, the app's core worker` });
    record({ section: SECTION, name: 'Comlink round trip, checkSessionId (worker only)', value: comlink.pure, unit: 'ms', note: `mean of ${COMLINK_ROUNDS} in a row` });
  } finally {
    await browser.close();
    await bundle.stop();
  }
}
