/**
 * Two open tabs run ONE engine (ARCHITECTURE.md "One tab leads"), seen from outside: the Web Locks
 * the origin holds, and the answers to a probe posted on the tabs' own BroadcastChannel in the
 * wire format of src/core/tab-forwarding.ts. Only read-only calls are probed: accounts are made
 * through the UI, never behind its back.
 */
import { test, expect, type Page } from '@playwright/test';
import { LEADER_LOCK_NAME, TAB_CHANNEL_NAME, type ResultMessage } from '../src/shared/tab-channel.ts';

const PROBE_ID = 'e2e-probe';

type ProbeAnswer = ResultMessage;

/** The leader lock as the origin's lock manager sees it (workers' locks included). */
async function leaderLocks(page: Page): Promise<{ held: number; pending: number }> {
  return page.evaluate(async (name) => {
    // Runs in the page; e2e code type-checks without the DOM lib, hence the narrow shape.
    type Snapshot = { held?: { name?: string }[]; pending?: { name?: string }[] };
    const locks = (globalThis as unknown as { navigator: { locks: { query(): Promise<Snapshot> } } }).navigator.locks;
    const snapshot = await locks.query();
    return {
      held: (snapshot.held ?? []).filter((lock) => lock.name === name).length,
      pending: (snapshot.pending ?? []).filter((lock) => lock.name === name).length,
    };
  }, LEADER_LOCK_NAME);
}

/**
 * Posts one Core API call on the tabs' channel and collects every answer addressed to the probe,
 * until a marker call, posted once the first answer came, is answered too. An engine takes calls
 * in the order they come, so whatever it answers to the first call reaches the probe before its
 * answer to the marker, and every worker hears the marker after the first call. Gives up with no
 * answers when none comes within `waitMs` (a new leader may still be opening its Core).
 */
async function probe(page: Page, method: string, { waitMs = 3_000 } = {}): Promise<ProbeAnswer[]> {
  return page.evaluate(
    async ({ channelName, from, method, waitMs }) => {
      const channel = new BroadcastChannel(channelName);
      const id = Math.floor(Math.random() * 2 ** 30);
      const markerId = id + 2 ** 30;
      const answers: unknown[] = [];
      try {
        await new Promise<void>((resolve) => {
          const deadline = setTimeout(resolve, waitMs);
          channel.onmessage = (event: MessageEvent) => {
            const message = event.data as { kind?: unknown; to?: unknown; id?: unknown } | null;
            if (message?.kind !== 'result' || message.to !== from) return;
            if (message.id === markerId) {
              resolve();
              return;
            }
            if (message.id !== id) return;
            answers.push(message);
            if (answers.length === 1) {
              clearTimeout(deadline);
              channel.postMessage({ kind: 'call', id: markerId, from, method, args: [] });
            }
          };
          channel.postMessage({ kind: 'call', id, from, method, args: [] });
        });
      } finally {
        channel.close();
      }
      return answers;
    },
    { channelName: TAB_CHANNEL_NAME, from: PROBE_ID, method, waitMs },
  ) as Promise<ProbeAnswer[]>;
}

/** Probes until some worker answers (a new leader may still be opening its Core), then returns every answer. */
async function probeUntilAnswered(page: Page, method: string, timeout = 20_000): Promise<ProbeAnswer[]> {
  let answers: ProbeAnswer[] = [];
  await expect
    .poll(async () => (answers = await probe(page, method)).length, { timeout, message: `an answer to ${method}` })
    .toBeGreaterThan(0);
  return answers;
}

async function expectEngineReady(page: Page): Promise<void> {
  await expect(page.getByRole('status', { name: 'Secure engine' })).toHaveText(/Secure engine ready \(libsodium \d+\.\d+\.\d+\)$/, {
    timeout: 20_000,
  });
}

const NETWORK_KINDS = ['offline', 'building_path', 'connected'];

/** Exactly one worker answers a read-only call, successfully: one engine runs, and it serves the tabs. */
async function expectOneEngineAnswers(page: Page): Promise<void> {
  const network = await probeUntilAnswered(page, 'getNetworkState');
  expect(network).toHaveLength(1);
  const answer = network[0]!;
  expect(answer).toMatchObject({ kind: 'result', to: PROBE_ID, ok: true });
  expect(NETWORK_KINDS).toContain(answer.ok ? (answer.value as { kind?: unknown } | null)?.kind : undefined);
}

test('two tabs opened together both start, and one engine serves them', async ({ context }) => {
  test.setTimeout(60_000);
  const pages = [await context.newPage(), await context.newPage()];
  try {
    // Both workers start at once: the loser's first call goes out while the winner is still opening its Core.
    await Promise.all(pages.map((page) => page.goto('/')));
    await Promise.all(pages.map(expectEngineReady));
    await expect.poll(() => leaderLocks(pages[0]!), { timeout: 10_000 }).toEqual({ held: 1, pending: 1 });
    await expectOneEngineAnswers(pages[1]!);
  } finally {
    for (const page of pages) await page.close();
  }
});

test('one tab leads while another waits; when the leading tab closes, the other takes over', async ({ context }) => {
  test.setTimeout(90_000);
  // The first tab alone: its worker takes the lock, so it is the one that leads.
  const first = await context.newPage();
  const second = await context.newPage();
  try {
    await first.goto('/');
    await expectEngineReady(first);
    await expect.poll(() => leaderLocks(first), { timeout: 10_000 }).toEqual({ held: 1, pending: 0 });

    // The second tab follows: its worker waits for the lock, its UI is served by the first tab's engine.
    await second.goto('/');
    await expectEngineReady(second);
    await expect.poll(() => leaderLocks(second), { timeout: 10_000 }).toEqual({ held: 1, pending: 1 });
    await expectOneEngineAnswers(first);
    // A fresh profile: no account, no conversations (accounts are made through the UI, never by the probe).
    expect(await probe(second, 'getAccount')).toEqual([expect.objectContaining({ ok: true, value: null })]);
    expect(await probe(second, 'listConversations')).toEqual([expect.objectContaining({ ok: true, value: [] })]);

    // The leading tab closes: the browser releases its lock and the waiting worker takes it.
    await first.close();
    await expect.poll(() => leaderLocks(second), { timeout: 10_000 }).toEqual({ held: 1, pending: 0 });
    await expectOneEngineAnswers(second);
    expect(await probe(second, 'getAccount')).toEqual([expect.objectContaining({ ok: true, value: null })]);

    // The survivor reloads: a new worker takes the lock its old one let go, and the engine starts again.
    await second.reload();
    await expectEngineReady(second);
    await expect.poll(() => leaderLocks(second), { timeout: 10_000 }).toEqual({ held: 1, pending: 0 });
    await expectOneEngineAnswers(second);
  } finally {
    if (!first.isClosed()) await first.close();
    if (!second.isClosed()) await second.close();
  }
});

test('junk and forged calls on the channel leave the engine serving', async ({ page }) => {
  test.setTimeout(60_000);
  await page.goto('/');
  await expectEngineReady(page);
  // What any script on the origin could post: shapes of no message, and calls off the forwarding table.
  await page.evaluate((channelName) => {
    const channel = new BroadcastChannel(channelName);
    for (const junk of [null, 'leader', { kind: 'result', id: 1, to: 'x', ok: true, value: 1 }, { kind: 'event', event: { type: 'account', account: null } }, { kind: 'call', id: 'x' }]) {
      channel.postMessage(junk);
    }
    channel.close();
  }, TAB_CHANNEL_NAME);
  for (const method of ['close', 'valueOf', 'revealRecoveryPhrase']) {
    const answers = await probeUntilAnswered(page, method);
    expect(answers).toEqual([expect.objectContaining({ ok: false, error: expect.objectContaining({ code: 'invalid_argument' }) })]);
  }
  await expectOneEngineAnswers(page);
});
