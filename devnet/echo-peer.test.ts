import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freshIndexedDB } from '../test/fake-indexeddb.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNetFixture, type NetFixture } from '../test/net-devnet-fixture.ts';
import { TEST_RETRY_POLICY } from '../test/services-fixture.ts';
import { Core } from '../src/core/core.ts';
import { devnetProfile } from '../src/core/net/network-profile.ts';
import { startEchoPeer, type EchoPeer } from './echo-peer.ts';

let fixture: NetFixture;
let dataDir: string;
let person: Core;

beforeAll(async () => {
  fixture = await startNetFixture({ nodeCount: 8, rateLimit: false });
  dataDir = mkdtempSync(path.join(tmpdir(), 'parley-echo-'));
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
  rmSync(dataDir, { recursive: true, force: true });
});

async function bodiesWith(peer: string): Promise<string[]> {
  return (await person.listMessages(peer, { limit: 100 })).map((m) => `${m.direction}:${m.body}`);
}

describe('the echo peer', () => {
  let peer: EchoPeer;

  it('answers every message with "echo: <text>"', async () => {
    peer = await startEchoPeer({ relayUrl: fixture.relayUrl, dataDir });
    expect(peer.sessionId).toMatch(/^05[0-9a-f]{64}$/);
    await person.sendMessage(peer.sessionId, 'hello');
    await person.sendMessage(peer.sessionId, 'how are you?');
    await expect
      .poll(() => bodiesWith(peer.sessionId), { timeout: 30_000, interval: 250 })
      .toEqual(['outgoing:hello', 'outgoing:how are you?', 'incoming:echo: hello', 'incoming:echo: how are you?']);
  });

  it('keeps its identity in an owner-only file and never answers twice after a restart', async () => {
    await peer.stop();
    const file = path.join(dataDir, 'echo-peer.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8')).answered).toHaveLength(2);

    const again = await startEchoPeer({ relayUrl: fixture.relayUrl, dataDir });
    expect(again.sessionId).toBe(peer.sessionId);
    await person.sendMessage(again.sessionId, 'still there?');
    await expect
      .poll(() => bodiesWith(again.sessionId), { timeout: 30_000, interval: 250 })
      .toContain('incoming:echo: still there?');
    // It read back the whole swarm on restart, yet answered only the new message.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const echoes = (await bodiesWith(again.sessionId)).filter((b) => b.startsWith('incoming:'));
    expect(echoes).toEqual(['incoming:echo: hello', 'incoming:echo: how are you?', 'incoming:echo: still there?']);
    await again.stop();
  });
});
