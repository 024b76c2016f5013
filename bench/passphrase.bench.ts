/**
 * Cost of the account lock, Argon2id + XChaCha20-Poly1305 (wasm/passphrase.ts), for a few Argon2id
 * costs: in Node, and in a Web Worker in headless Chromium as the app's core worker pays it (the
 * worker script is bundled with Vite on the fly). The numbers chose DEFAULT_LOCK_COST: see
 * docs/passphrase.md. Figures are printed, never asserted: this machine is shared and noisy.
 * PASSPHRASE_BENCH_BROWSER=0 skips Chromium.
 */
import { createServer, type Server } from 'node:http';
import { chromium } from '@playwright/test';
import { build } from 'vite';
import playwrightConfig from '../playwright.config.ts';
import { close, listen } from '../relay/server.ts';
import { DEFAULT_LOCK_COST, lockSecret, MIN_LOCK_COST, unlockSecret, type LockCost } from '../wasm/passphrase.ts';
import { ready } from '../wasm/sodium.ts';

const MiB = 1024 * 1024;

interface Candidate {
  readonly name: string;
  readonly cost: LockCost;
  /** Unlocks timed (after one lock). */
  readonly runs: number;
}

/** libsodium's named limits for Argon2id, and two steps between them. */
const CANDIDATES: readonly Candidate[] = [
  { name: 'INTERACTIVE (ops 2, 64 MiB)', cost: { opsLimit: 2, memLimit: 64 * MiB }, runs: 5 },
  { name: 'ops 3, 64 MiB', cost: { opsLimit: 3, memLimit: 64 * MiB }, runs: 5 },
  { name: 'ops 3, 128 MiB', cost: { opsLimit: 3, memLimit: 128 * MiB }, runs: 3 },
  { name: 'MODERATE (ops 3, 256 MiB)', cost: { opsLimit: 3, memLimit: 256 * MiB }, runs: 3 },
  { name: 'SENSITIVE (ops 4, 1 GiB)', cost: { opsLimit: 4, memLimit: 1024 * MiB }, runs: 1 },
];

function row(where: string, candidate: Candidate, times: readonly number[] | string): void {
  const current = candidate.cost.opsLimit === DEFAULT_LOCK_COST.opsLimit && candidate.cost.memLimit === DEFAULT_LOCK_COST.memLimit;
  const figures =
    typeof times === 'string'
      ? `failed: ${times}`
      : `median ${median(times).toFixed(0).padStart(6)} ms   (${times.map((t) => t.toFixed(0)).join(', ')})`;
  console.log(`${where.padEnd(9)} ${candidate.name.padEnd(28)}${current ? ' [in use]' : '         '}  ${figures}`);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

function inNode(): void {
  const secret = new Uint8Array(32).fill(7);
  const passphrase = 'correct horse battery staple';
  for (const candidate of CANDIDATES) {
    const locked = lockSecret(secret, passphrase, candidate.cost);
    const times: number[] = [];
    for (let run = 0; run < candidate.runs; run++) {
      const start = performance.now();
      unlockSecret(locked, passphrase);
      times.push(performance.now() - start);
    }
    row('node', candidate, times);
  }
  const cheap = lockSecret(secret, passphrase, MIN_LOCK_COST);
  const start = performance.now();
  for (let run = 0; run < 100; run++) unlockSecret(cheap, passphrase);
  console.log(`node      MIN_LOCK_COST (ops 1, 8 KiB; tests only)           ${((performance.now() - start) / 100).toFixed(2)} ms`);
}

async function workerScript(): Promise<string> {
  const output = await build({
    configFile: false,
    logLevel: 'silent',
    build: {
      write: false,
      minify: true,
      target: 'es2022',
      lib: { entry: new URL('./passphrase-worker.ts', import.meta.url).pathname, formats: ['es'], fileName: 'worker' },
    },
  });
  const outputs = (Array.isArray(output) ? output : [output]) as { output: { type: string; code?: string }[] }[];
  const chunk = outputs.flatMap((o) => o.output).find((file) => file.type === 'chunk');
  if (chunk?.code === undefined) throw new Error('vite built no worker chunk');
  return chunk.code;
}

/** Runs in the page (a string: this file is typed for Node): one worker, one candidate, its answer. */
const UNLOCK_IN_WORKER = `({ cost, runs }) => new Promise((resolve) => {
  const worker = new Worker('/worker.js', { type: 'module' });
  worker.onmessage = (event) => { resolve(event.data); worker.terminate(); };
  worker.onerror = (event) => { resolve({ error: event.message }); worker.terminate(); };
  worker.postMessage({ cost, runs });
})`;

async function inChromium(): Promise<void> {
  const script = await workerScript();
  const server: Server = createServer((request, response) => {
    if (request.url === '/worker.js') {
      response.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
      return;
    }
    response.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>passphrase bench</title>');
  });
  const baseURL = await listen(server, 0, '127.0.0.1');
  const browser = await chromium.launch(playwrightConfig.use?.launchOptions ?? {});
  try {
    const page = await browser.newPage();
    await page.goto(baseURL);
    console.log(`chromium  ${browser.version()}, Web Worker, libsodium's WASM build`);
    for (const candidate of CANDIDATES) {
      const answer = (await page.evaluate(`(${UNLOCK_IN_WORKER})(${JSON.stringify({ cost: candidate.cost, runs: candidate.runs })})`)) as {
        times?: number[];
        error?: string;
      };
      row('chromium', candidate, answer.times ?? answer.error ?? 'no answer');
    }
  } finally {
    await browser.close();
    await close(server);
  }
}

export async function run(): Promise<void> {
  await ready();
  inNode();
  if (process.env['PASSPHRASE_BENCH_BROWSER'] !== '0') await inChromium();
}
