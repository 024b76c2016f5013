/**
 * The echo peer on a devnet, through the relay, as `npm start` runs it. Each test starts its own
 * peer in its own data folder (so its own account and its own conversation with the person): no
 * test relies on another having run.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freshIndexedDB } from '../test/fake-indexeddb.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNetFixture, type NetFixture } from '../test/net-devnet-fixture.ts';
import { TEST_RETRY_POLICY } from '../test/services-fixture.ts';
import { Core } from '../src/core/core.ts';
import { devnetProfile } from '../src/core/net/network-profile.ts';
import { echoPeerStateFile, startEchoPeer } from './echo-peer.ts';

let fixture: NetFixture;
let person: Core;
const dataDirs: string[] = [];

beforeAll(async () => {
  fixture = await startNetFixture({ nodeCount: 8, rateLimit: false });
  person = await Core.open({
    profile: devnetProfile(fixture.relayUrl, { rpcTimeoutMs: 5_000, guardTestTimeoutMs: 3_000 }),
    indexedDB: freshIndexedDB(),
    retryPolicy: TEST_RETRY_POLICY,
    poller: { intervals: { chattingMs: 300, conversationOpenMs: 300, visibleMs: 300, hiddenMs: 300 } },
  });
  await person.createAccount({ recoveryPhrase: await person.newRecoveryPhrase(), displayName: 'Person' });
});

afterAll(async () => {
  await person?.close();
  await fixture?.stop();
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

function freshDataDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'parley-echo-'));
  dataDirs.push(dir);
  return dir;
}

async function bodiesWith(peer: string): Promise<string[]> {
  return (await person.listMessages(peer, { limit: 100 })).map((m) => `${m.direction}:${m.body}`);
}

async function answersFrom(peer: string): Promise<string[]> {
  return (await bodiesWith(peer)).filter((b) => b.startsWith('incoming:'));
}

describe('the echo peer', () => {
  it('answers every message with "echo: <text>"', async () => {
    const peer = await startEchoPeer({ relayUrl: fixture.relayUrl, dataDir: freshDataDir() });
    try {
      expect(peer.sessionId).toMatch(/^05[0-9a-f]{64}$/);
      await person.sendMessage(peer.sessionId, 'hello');
      await person.sendMessage(peer.sessionId, 'how are you?');
      await expect
        .poll(() => bodiesWith(peer.sessionId), { timeout: 30_000, interval: 250 })
        .toEqual(['outgoing:hello', 'outgoing:how are you?', 'incoming:echo: hello', 'incoming:echo: how are you?']);
    } finally {
      await peer.stop();
    }
  });

  it('keeps its identity in an owner-only file and never answers twice after a restart', async () => {
    const dataDir = freshDataDir();
    const first = await startEchoPeer({ relayUrl: fixture.relayUrl, dataDir });
    try {
      await person.sendMessage(first.sessionId, 'hello');
      await expect.poll(() => answersFrom(first.sessionId), { timeout: 30_000, interval: 250 }).toEqual(['incoming:echo: hello']);
    } finally {
      await first.stop();
    }
    expect(statSync(echoPeerStateFile(dataDir)).mode & 0o777).toBe(0o600);

    const again = await startEchoPeer({ relayUrl: fixture.relayUrl, dataDir });
    try {
      expect(again.sessionId).toBe(first.sessionId);
      await person.sendMessage(again.sessionId, 'still there?');
      // The restarted peer reads its whole swarm back, 'hello' before 'still there?'. A second answer
      // to 'hello' would go into its one outbox before the answer to 'still there?', and an outbox
      // delivers to one recipient in order: by the time that answer is here, a repeat would be too.
      await expect
        .poll(() => answersFrom(again.sessionId), { timeout: 30_000, interval: 250 })
        .toContain('incoming:echo: still there?');
      expect(await answersFrom(again.sessionId)).toEqual(['incoming:echo: hello', 'incoming:echo: still there?']);
    } finally {
      await again.stop();
    }
  });

  it('takes a timer change without echoing it, and its answers then carry the timer', async () => {
    const peer = await startEchoPeer({ relayUrl: fixture.relayUrl, dataDir: freshDataDir() });
    try {
      await person.setDisappearing(peer.sessionId, 'after_send', 86_400);
      await person.sendMessage(peer.sessionId, 'fading');
      // Answers go out in order: once the echo of 'fading' is here, an echo of the timer change would be too.
      await expect.poll(() => answersFrom(peer.sessionId), { timeout: 30_000, interval: 250 }).toEqual(['incoming:echo: fading']);
      const echo = (await person.listMessages(peer.sessionId, { limit: 100 })).find((m) => m.body === 'echo: fading');
      expect(echo?.disappearing).toEqual({ mode: 'after_send', timerSeconds: 86_400 });
    } finally {
      await peer.stop();
    }
  });
});
