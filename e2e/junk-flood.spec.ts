import { test, expect, type Page } from '@playwright/test';
import { SEED_PATH } from '../src/shared/relay-api.ts';
import { randomIdentity } from '../test/identities.ts';
import { junkPayloads, realMessage, storeInSwarm, swarmMemberPort } from '../test/junk.ts';
import { ready } from '../wasm/sodium.ts';
import { createAccountThroughUi, messageLog } from './support/app.ts';

/*
 * The junk flood in the real app (issue 9): 1,000 junk payloads and 10 real messages from another
 * account are stored straight into Bob's swarm on the stack's devnet (its nodes are found through
 * the relay's seed route, as the app finds them) while Bob's app is closed. When it opens, the
 * conversation shows up while the flood is still being worked through, opens at once, and shows
 * all 10 messages in order. The page's long tasks meanwhile are printed, not asserted. The junk
 * counts are the core's (src/core/junk-flood.devnet.test.ts checks them).
 */
test.describe.configure({ timeout: 180_000 });

const JUNK = 1_000;
const REAL = 10;

/** The HTTPS port of some devnet node, from the seed's list as the relay forwards it. */
async function anyNodePort(baseURL: string): Promise<number> {
  const request = {
    jsonrpc: '2.0',
    method: 'get_n_service_nodes',
    params: { active_only: true, fields: { public_ip: true, storage_port: true, pubkey_x25519: true, pubkey_ed25519: true } },
  };
  const response = await fetch(new URL(SEED_PATH, baseURL), { method: 'POST', body: JSON.stringify(request), headers: { 'Content-Type': 'application/json' } });
  const answer = (await response.json()) as { result?: { service_node_states?: { storage_port?: unknown }[] } };
  const port = answer.result?.service_node_states?.[0]?.storage_port;
  if (typeof port !== 'number') throw new Error(`the seed route answered ${response.status} without a node`);
  return port;
}

/** Records the page's long tasks (main-thread work of 50 ms or more). */
async function watchLongTasks(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const durations: number[] = [];
    (globalThis as unknown as { longTasks: number[] }).longTasks = durations;
    // 'longtask' is the browser's entry type; the Node types this file is checked with do not know it.
    const observer = new PerformanceObserver((list) => list.getEntries().forEach((entry) => durations.push(entry.duration)));
    const options = { type: 'longtask', buffered: true };
    observer.observe(options as Parameters<typeof observer.observe>[0]);
  });
}

test('1,000 junk payloads among 10 real messages: the app shows all 10, in order, and stays usable', async ({ page, baseURL }) => {
  await ready();
  const bob = await createAccountThroughUi(page, 'Bob');
  await expect(page.getByText('No conversations yet')).toBeVisible();

  // Bob's app closes; his swarm fills up.
  await page.goto('about:blank');
  const member = await swarmMemberPort(await anyNodePort(baseURL!), bob.sessionId);
  const sender = randomIdentity();
  const junk = junkPayloads(JUNK, bob.sessionId);
  const bodies: string[] = [];
  for (let k = 0; k < REAL; k++) {
    await storeInSwarm(member, bob.sessionId, junk.slice((k * JUNK) / REAL, ((k + 1) * JUNK) / REAL));
    bodies.push(`real ${k + 1}`);
    await storeInSwarm(member, bob.sessionId, [realMessage(sender, bob.sessionId, `real ${k + 1}`)]);
  }

  await watchLongTasks(page);
  const openedAt = Date.now();
  await page.goto('/');
  // The conversation appears with the first real message, a hundred junk payloads into the flood,
  // and opens at once while the worker goes on.
  const conversation = page.getByRole('link', { name: /real \d+/u });
  await expect(conversation).toBeVisible({ timeout: 60_000 });
  await conversation.click();
  await expect(page.getByLabel('Message', { exact: true })).toBeVisible();
  const rows = messageLog(page).locator('[data-message-id]');
  await expect(rows.filter({ hasText: `real ${REAL}` })).toBeVisible({ timeout: 60_000 });
  const shownAt = Date.now();
  await expect(rows).toHaveCount(REAL);
  const texts = await rows.allTextContents();
  expect(texts.map((text) => bodies.find((body) => new RegExp(`\\b${body}\\b`, 'u').test(text)))).toEqual(bodies);

  const longTasks = await page.evaluate(() => (globalThis as unknown as { longTasks: number[] }).longTasks);
  console.log(
    `junk flood in the app: all ${REAL} messages shown ${((shownAt - openedAt) / 1000).toFixed(1)} s after it opened; ` +
      `page long tasks meanwhile: ${longTasks.length}, longest ${Math.round(Math.max(0, ...longTasks))} ms`,
  );
});
