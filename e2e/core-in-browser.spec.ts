/**
 * The core in real Chromium, on the stack `npm start` runs (Playwright's webServer: devnet, relay,
 * echo peer): the worker builds its onions with WebCrypto and libsodium's WASM, keeps its data in
 * the browser's IndexedDB, and talks only to the relay that serves the app. A message goes from the
 * browser to the echo peer (Parley's core under Node) and its answer comes back.
 *
 * Until the screens drive this journey, the test calls the Core API of the page's own worker (the
 * one that leads, so calls carrying a phrase may run): an init script keeps a reference to the
 * worker the page starts, and calls go to it in Comlink's message format, as the UI's proxy sends
 * them. The echo peer's Session ID comes from the relay (`GET /v1/network`), as the app learns it.
 */
import { test, expect, type Page } from '@playwright/test';
import { NETWORK_PATH, type NetworkAnswer } from '../src/shared/relay-api.ts';
import { TAB_CHANNEL_NAME } from '../src/shared/tab-channel.ts';

let echoSessionId: string;

test.beforeAll(async ({ request }) => {
  const answer = (await (await request.get(NETWORK_PATH)).json()) as NetworkAnswer;
  expect(answer.network).toBe('devnet');
  expect(answer.echoPeer).toMatch(/^05[0-9a-f]{64}$/);
  echoSessionId = answer.echoPeer!;
});

/** Keeps the core worker the page starts (named 'parley-core' by src/ui/core-client.ts) where page.evaluate can reach it. */
async function keepCoreWorker(page: Page): Promise<void> {
  // Runs in the page (this file's types are Node's, hence the loose casts).
  await page.addInitScript(() => {
    type WorkerClass = new (url: unknown, options?: { name?: string }) => object;
    const scope = globalThis as unknown as { Worker: WorkerClass };
    const NativeWorker = scope.Worker;
    scope.Worker = class extends NativeWorker {
      constructor(url: unknown, options?: { name?: string }) {
        super(url, options);
        if (options?.name === 'parley-core') Object.defineProperty(globalThis, '__e2eCoreWorker', { value: this, configurable: true });
      }
    };
  });
}

/** One Core API call to the page's own worker; resolves with its value or rejects with its error code. */
async function coreCall(page: Page, method: string, ...args: unknown[]): Promise<unknown> {
  const answer = await page.evaluate(
    async ({ method, args }) => {
      type MessageData = { id?: string; type: string; name?: string; value: unknown } | null;
      type Listener = (event: { data: MessageData }) => void;
      const worker = (
        globalThis as unknown as {
          __e2eCoreWorker?: {
            postMessage(message: unknown): void;
            addEventListener(type: 'message', listener: Listener): void;
            removeEventListener(type: 'message', listener: Listener): void;
          };
        }
      ).__e2eCoreWorker;
      if (worker === undefined) throw new Error('the page started no core worker');
      const id = `e2e-${Math.random().toString(16).slice(2)}`;
      return new Promise<{ type: string; name?: string; value: unknown }>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no answer to ${method}`)), 30_000);
        const listener: Listener = (event) => {
          const data = event.data;
          if (data?.id !== id) return;
          clearTimeout(timer);
          worker.removeEventListener('message', listener);
          resolve(data!);
        };
        worker.addEventListener('message', listener);
        worker.postMessage({ id, type: 'APPLY', path: [method], argumentList: args.map((value) => ({ type: 'RAW', value })) });
      });
    },
    { method, args },
  );
  if (answer.type === 'HANDLER' && answer.name === 'throw') {
    const code = (answer.value as { code?: string }).code ?? 'uncoded';
    throw new Error(`${method} failed: ${code}`);
  }
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
  await keepCoreWorker(page);
  await page.goto('/');
  await expect(page.getByRole('status', { name: 'Secure engine' })).toContainText('Secure engine ready');

  const recoveryPhrase = (await coreCall(page, 'newRecoveryPhrase')) as string;
  expect(recoveryPhrase.split(' ')).toHaveLength(13);
  expect(await coreCall(page, 'checkRecoveryPhrase', recoveryPhrase)).toEqual({ ok: true });
  const account = (await coreCall(page, 'createAccount', { recoveryPhrase, displayName: 'Chromium' })) as { sessionId: string };
  expect(account.sessionId).toMatch(/^05[0-9a-f]{64}$/);
  expect(await coreCall(page, 'getNetworkInfo')).toMatchObject({ profile: 'devnet', echoPeerSessionId: echoSessionId });

  await coreCall(page, 'openConversation', echoSessionId);
  await coreCall(page, 'sendMessage', echoSessionId, 'hello from Chromium');
  await expect
    .poll(async () => ((await coreCall(page, 'listMessages', echoSessionId)) as Message[]).map((m) => `${m.direction}:${m.status ?? ''}:${m.body}`), {
      timeout: 60_000,
      intervals: [500],
    })
    .toEqual(['outgoing:sent:hello from Chromium', 'incoming::echo: hello from Chromium']);

  const [conversation] = (await coreCall(page, 'listConversations')) as { id: string; lastMessage: { body: string } | null }[];
  expect(conversation).toMatchObject({ id: echoSessionId, lastMessage: { body: 'echo: hello from Chromium' } });
  const state = (await coreCall(page, 'getNetworkState')) as { kind: string; path?: unknown[] };
  expect(state.kind).toBe('connected');
  expect(state.path).toHaveLength(3);
  expect(errors).toEqual([]);
});

test('a second tab reads through the leading tab, but a call carrying a secret is refused there, not broadcast', async ({ context }) => {
  const first = await context.newPage();
  await keepCoreWorker(first);
  await first.goto('/');
  await expect(first.getByRole('status', { name: 'Secure engine' })).toContainText('Secure engine ready');
  const recoveryPhrase = (await coreCall(first, 'newRecoveryPhrase')) as string;
  const account = (await coreCall(first, 'createAccount', { recoveryPhrase, displayName: 'Leader', passphrase: 'correct horse battery staple' })) as {
    sessionId: string;
  };

  const second = await context.newPage();
  await keepCoreWorker(second);
  // Everything posted on the tabs' channel, as any script on the origin hears it.
  await second.addInitScript((channelName) => {
    const heard: unknown[] = [];
    new BroadcastChannel(channelName).onmessage = (event) => void heard.push(event.data);
    Object.defineProperty(globalThis, '__e2eHeard', { value: heard });
  }, TAB_CHANNEL_NAME);
  await second.goto('/');
  // The app shows home once its engine is ready and has the account (the engine's status line is on the welcome and unlock screens only).
  await expect(second.getByRole('button', { name: 'My account' })).toBeVisible();
  expect(await coreCall(second, 'getAccount')).toMatchObject({ sessionId: account.sessionId, hasPassphrase: true });
  // Checks are answered by the second tab's own worker.
  expect(await coreCall(second, 'checkRecoveryPhrase', recoveryPhrase)).toEqual({ ok: true });
  await expect(coreCall(second, 'revealRecoveryPhrase', 'correct horse battery staple')).rejects.toThrow('secret_needs_leader_tab');
  await expect(coreCall(second, 'unlock', 'correct horse battery staple')).rejects.toThrow('secret_needs_leader_tab');
  const heard = JSON.stringify(await second.evaluate(() => (globalThis as unknown as { __e2eHeard: unknown[] }).__e2eHeard));
  expect(heard).toContain('getAccount');
  expect(heard).not.toContain('correct horse');
  expect(heard).not.toContain(recoveryPhrase.split(' ').slice(0, 3).join(' '));
});
