/**
 * The core in real Chromium, on a real devnet: the worker builds its onions with WebCrypto and
 * libsodium's WASM, keeps its data in the browser's IndexedDB, and talks only to the relay that
 * serves the app. A message goes from the browser to the echo peer (Parley's core under Node) and
 * its answer comes back.
 *
 * The app has no screens for accounts and chats yet, so this drives the Core API the way a second
 * tab would: calls on the tabs' BroadcastChannel, answered by the page's own (leading) worker.
 * When the screens land, this journey moves to them.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test, expect, type Page } from '@playwright/test';
import { startEchoPeer, type EchoPeer } from '../peers/echo-peer.ts';
import { startTestDevnet, type TestDevnet } from '../devnet/testing/test-devnet.ts';
import { devnetSeeds } from '../relay/seed-profiles.ts';
import { createRelay } from '../relay/relay.ts';
import { close, listen } from '../relay/server.ts';
import { TAB_CHANNEL_NAME, type CallMessage, type ResultMessage } from '../src/shared/tab-channel.ts';

let devnet: TestDevnet;
let relay: Server;
let appUrl: string;
let echo: EchoPeer;
let echoDir: string;

test.beforeAll(async () => {
  devnet = await startTestDevnet({ nodeCount: 8, rateLimit: false });
  relay = createRelay({ distDir: path.resolve('dist'), profile: devnetSeeds([devnet.started.seedUrl]), log: () => undefined });
  appUrl = await listen(relay, 0, '127.0.0.1');
  echoDir = await mkdtemp(path.join(tmpdir(), 'parley-e2e-echo-'));
  echo = await startEchoPeer({ relayUrl: appUrl, dataDir: echoDir });
});

test.afterAll(async () => {
  await echo?.stop();
  if (relay) await close(relay);
  await devnet?.stop();
  await rm(echoDir, { recursive: true, force: true });
});

/** One Core API call through the tabs' channel; resolves with its value or rejects with its error code. */
async function coreCall(page: Page, method: string, ...args: unknown[]): Promise<unknown> {
  const answer = await page.evaluate(
    async ({ method, args, channelName }) => {
      const channel = new BroadcastChannel(channelName);
      const id = Math.floor(Math.random() * 2 ** 31);
      try {
        return await new Promise<ResultMessage>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`no answer to ${method}`)), 30_000);
          channel.onmessage = (event: MessageEvent) => {
            const message = event.data as Partial<ResultMessage> | null;
            if (message?.kind !== 'result' || message.to !== 'e2e-core' || message.id !== id) return;
            clearTimeout(timer);
            resolve(message as ResultMessage);
          };
          channel.postMessage({ kind: 'call', id, from: 'e2e-core', method, args } satisfies CallMessage);
        });
      } finally {
        channel.close();
      }
    },
    { method, args, channelName: TAB_CHANNEL_NAME },
  );
  if (!answer.ok) throw new Error(`${method} failed: ${answer.error.code}`);
  return answer.value;
}

interface Message {
  direction: string;
  body: string;
  status: string | null;
}

test('a message from the browser reaches the echo peer through 3-hop onions, and its answer comes back', async ({ page }) => {
  test.setTimeout(90_000);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(appUrl);
  await expect(page.getByRole('status', { name: 'Secure engine' })).toContainText('Secure engine ready');

  const created = (await coreCall(page, 'createAccount', 'Chromium')) as { account: { sessionId: string }; recoveryPhrase: string };
  expect(created.account.sessionId).toMatch(/^05[0-9a-f]{64}$/);
  expect(created.recoveryPhrase.split(' ')).toHaveLength(13);

  await coreCall(page, 'openConversation', echo.sessionId);
  await coreCall(page, 'sendMessage', echo.sessionId, 'hello from Chromium');
  await expect
    .poll(async () => ((await coreCall(page, 'listMessages', echo.sessionId)) as Message[]).map((m) => `${m.direction}:${m.status ?? ''}:${m.body}`), {
      timeout: 60_000,
      intervals: [500],
    })
    .toEqual(['outgoing:sent:hello from Chromium', 'incoming::echo: hello from Chromium']);

  const state = (await coreCall(page, 'getNetworkState')) as { kind: string; path?: unknown[] };
  expect(state.kind).toBe('connected');
  expect(state.path).toHaveLength(3);
  expect(errors).toEqual([]);
});
