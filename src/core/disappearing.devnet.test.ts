/**
 * Disappearing messages, unsend and delete between two cores on a real devnet (docs/disappearing.md).
 * Time never passes for real: the cores' clocks are shifted by hand and their timers fired by hand;
 * the swarm's clock is shifted through the devnet's clock offset.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DevnetNodeInfo } from '../../devnet/devnet.ts';
import { storageRpc } from '../../devnet/testing/https-client.ts';
import { freshIndexedDB } from '../../test/fake-indexeddb.ts';
import { startNetFixture, type NetFixture } from '../../test/net-devnet-fixture.ts';
import { TEST_RETRY_POLICY } from '../../test/services-fixture.ts';
import { identityFromEntropy, type Identity } from '../../wasm/identity.ts';
import { decodeMnemonic } from '../../wasm/mnemonic.ts';
import { MIN_LOCK_COST } from '../../wasm/passphrase.ts';
import { signedRetrieveParams } from '../../wasm/storage.ts';
import { nearestSwarm } from '../../wasm/swarm.ts';
import type { CoreEvent, MessageView } from './api.ts';
import { Core } from './core.ts';
import { devnetProfile } from './net/network-profile.ts';
import type { Timers } from './services/auto-lock.ts';

const DAY_MS = 86_400_000;

let fixture: NetFixture;
const opened: Core[] = [];

beforeAll(async () => {
  fixture = await startNetFixture({ nodeCount: 8, rateLimit: false });
});
afterEach(async () => {
  fixture.net.devnet.setClockOffset(0);
  await Promise.all(opened.splice(0).map((core) => core.close()));
});
afterAll(async () => {
  await fixture?.stop();
});

/** A device: its clock runs `shift` ms ahead of real time, and its timers fire only when `fire` is called. */
class Device {
  shift = 0;
  private readonly pending = new Map<number, () => void>();
  private next = 1;
  readonly timers: Timers = {
    setTimeout: (callback) => {
      const id = this.next++;
      this.pending.set(id, callback);
      return id;
    },
    clearTimeout: (handle) => void this.pending.delete(handle as number),
  };
  readonly clock = () => Date.now() + this.shift;
  /** Fires every armed timer (the expiry scheduler re-arms for what is left). */
  fire(): void {
    const due = [...this.pending.values()];
    this.pending.clear();
    for (const callback of due) callback();
  }
}

type TestCore = Core & { events: CoreEvent[]; device: Device };

async function openCore(): Promise<TestCore> {
  const device = new Device();
  const core = await Core.open({
    profile: devnetProfile(fixture.relayUrl, { rpcTimeoutMs: 5_000, guardTestTimeoutMs: 3_000 }),
    indexedDB: freshIndexedDB(),
    databaseName: 'parley',
    retryPolicy: TEST_RETRY_POLICY,
    lockCost: MIN_LOCK_COST,
    clock: device.clock,
    timers: device.timers,
    poller: { intervals: { chattingMs: 300, conversationOpenMs: 300, visibleMs: 300, hiddenMs: 300, maxBackoffMs: 1_000 } },
    outbox: { schedule: { retryBaseMs: 100, retryMaxMs: 1_000, probeBaseMs: 200, probeMaxMs: 1_000 } },
  });
  opened.push(core);
  const events: CoreEvent[] = [];
  await core.subscribe((event) => void events.push(event));
  return Object.assign(core, { events, device });
}

async function account(core: Core): Promise<{ sessionId: string; keys: Identity; phrase: string }> {
  const phrase = await core.newRecoveryPhrase();
  const { sessionId } = await core.createAccount({ recoveryPhrase: phrase, displayName: '' });
  return { sessionId, keys: identityFromEntropy(decodeMnemonic(phrase)), phrase };
}

function messagesOf(core: Core, conversationId: string): Promise<MessageView[]> {
  return core.listMessages(conversationId, { limit: 200 });
}

async function waitFor<T>(what: string, read: () => Promise<T>, check: (value: T) => boolean, timeout = 30_000): Promise<T> {
  let last: T | undefined;
  await expect.poll(async () => check((last = await read())), { timeout, interval: 200, message: what }).toBe(true);
  return last as T;
}

function textsOf(messages: readonly MessageView[]): string[] {
  return messages.filter((m) => m.kind === 'text').map((m) => m.body);
}

function swarmMembers(sessionId: string): DevnetNodeInfo[] {
  const records = fixture.net.devnet.records();
  const swarm = nearestSwarm([...new Set(records.map((r) => r.swarmId))], sessionId);
  const members = new Set(records.filter((r) => r.swarmId === swarm).map((r) => r.ed25519Hex));
  return fixture.net.started.nodes.filter((n) => members.has(n.ed25519Hex));
}

interface SwarmMessage {
  hash: string;
  timestamp: number;
  expiration: number;
}

/** What every member of the account's swarm returns now (namespace 0), by hash; the swarm's clock decides what has expired. */
async function swarmHolds(keys: Identity): Promise<Map<string, SwarmMessage>> {
  const found = new Map<string, SwarmMessage>();
  for (const member of swarmMembers(keys.sessionId)) {
    const timestamp = Date.now() + fixture.net.devnet.clockOffsetMs;
    const answer = await storageRpc(member.httpsPort, { method: 'retrieve', params: signedRetrieveParams(keys, { namespace: 0, timestamp }) });
    expect(answer.status).toBe(200);
    for (const m of JSON.parse(answer.text).messages as SwarmMessage[]) found.set(m.hash, m);
  }
  return found;
}

/** Until every copy the outbox is storing is stored (nothing pending). */
async function outboxDrained(core: Core): Promise<void> {
  await waitFor('the outbox drained', () => core.getOutboxSummary(), (s) => s.pending === 0 && s.failed === 0);
}

describe('disappearing messages between two cores', () => {
  it('delete after send: the setting reaches the peer, both copies go when the timer ends, a restored device never shows it', async () => {
    const alice = await openCore();
    const bob = await openCore();
    const a = await account(alice);
    const b = await account(bob);

    await alice.setDisappearing(b.sessionId, 'after_send', 60);
    const bobsView = await waitFor('Bob takes the setting', () => bob.listConversations(), (list) => list.some((c) => c.id === a.sessionId && c.disappearing?.timerSeconds === 60));
    expect(bobsView.find((c) => c.id === a.sessionId)?.disappearing).toEqual({ mode: 'after_send', timerSeconds: 60 });
    expect((await messagesOf(bob, a.sessionId))[0]).toMatchObject({ kind: 'disappearing_changed', disappearing: { mode: 'after_send', timerSeconds: 60 } });

    const sent = await alice.sendMessage(b.sessionId, 'vanishing');
    expect(sent).toMatchObject({ disappearing: { mode: 'after_send', timerSeconds: 60 }, expiresAt: sent.sentAt + 60_000 });
    const atBob = await waitFor('Bob gets it', () => messagesOf(bob, a.sessionId), (m) => textsOf(m).includes('vanishing'));
    expect(atBob.find((m) => m.body === 'vanishing')).toMatchObject({ expiresAt: sent.sentAt + 60_000 });
    await outboxDrained(alice);

    // In Bob's swarm the message lives as long as its timer; the timer update the default 14 days.
    const lifetimes = [...(await swarmHolds(b.keys)).values()].map((m) => m.expiration - m.timestamp).sort((x, y) => x - y);
    expect(lifetimes).toEqual([60_000, 14 * DAY_MS]);

    for (const core of [alice, bob]) {
      core.device.shift = 61_000;
      core.device.fire();
    }
    await waitFor("gone from Bob's device", () => messagesOf(bob, a.sessionId), (m) => !textsOf(m).includes('vanishing'));
    await waitFor("gone from Alice's device", () => messagesOf(alice, b.sessionId), (m) => !textsOf(m).includes('vanishing'));
    expect(bob.events.some((e) => e.type === 'messages_removed' && e.conversationId === a.sessionId)).toBe(true);

    // A device restored now (the swarm still holds the copy: its clock has not moved) never shows it.
    const restored = await openCore();
    restored.device.shift = 61_000;
    await restored.restoreAccount({ recoveryPhrase: b.phrase });
    await waitFor('the restored device has the timer update', () => messagesOf(restored, a.sessionId), (m) => m.some((x) => x.kind === 'disappearing_changed'));
    await waitFor('the restored device has read the message too', () => restored.status(), (s) => (s.received.ignored['expired'] ?? 0) >= 1);
    expect(textsOf(await messagesOf(restored, a.sessionId))).toEqual([]);
  });

  it("delete after read: the timer starts when Bob reads; his swarm's copy is shortened with expire and is gone after it", async () => {
    const alice = await openCore();
    const bob = await openCore();
    const a = await account(alice);
    const b = await account(bob);
    await alice.setDisappearing(b.sessionId, 'after_read', 60);
    await waitFor('Bob takes the setting', () => bob.listConversations(), (l) => l.some((c) => c.disappearing?.mode === 'after_read'));

    const sent = await alice.sendMessage(b.sessionId, 'read me');
    // Ours is read as we write it: its timer runs from the sent time.
    expect(sent.expiresAt).toBe(sent.sentAt + 60_000);
    const unread = await waitFor('Bob gets it', () => messagesOf(bob, a.sessionId), (m) => textsOf(m).includes('read me'));
    expect(unread.find((m) => m.body === 'read me')?.expiresAt).toBeNull();
    // Stored for 14 days until read.
    const before = [...(await swarmHolds(b.keys)).values()];
    expect(before.map((m) => m.expiration - m.timestamp)).toEqual([14 * DAY_MS, 14 * DAY_MS]);

    const readAt = bob.device.clock();
    await bob.markRead(a.sessionId);
    const read = (await messagesOf(bob, a.sessionId)).find((m) => m.body === 'read me')!;
    expect(read.expiresAt).toBeGreaterThanOrEqual(readAt + 60_000);
    expect(bob.events.some((e) => e.type === 'message_changed' && e.message.id === read.id)).toBe(true);

    // The copy in Bob's swarm now ends with the timer (network time, so within a little of it).
    const shortened = await waitFor('the swarm expiry shortened', () => swarmHolds(b.keys), (held) => [...held.values()].some((m) => m.expiration < Date.now() + 120_000));
    expect(shortened.size).toBe(2);
    // Alice's sync copy was shortened too.
    await outboxDrained(alice);
    await waitFor("Alice's sync copy shortened", () => swarmHolds(a.keys), (held) => [...held.values()].some((m) => m.expiration < Date.now() + 120_000));

    // The swarm's clock passes the end: it no longer returns the message (only the timer update stays).
    fixture.net.devnet.setClockOffset(61_000);
    expect((await swarmHolds(b.keys)).size).toBe(1);
    expect((await swarmHolds(a.keys)).size).toBe(1);

    bob.device.shift = 61_000;
    bob.device.fire();
    await waitFor("gone from Bob's device", () => messagesOf(bob, a.sessionId), (m) => !textsOf(m).includes('read me'));
  });
});

describe('unsend and delete for me between two cores', () => {
  it("unsend: Bob's copy becomes a tombstone; both swarms lose the message; a restored device shows nothing", async () => {
    const alice = await openCore();
    const bob = await openCore();
    const a = await account(alice);
    const b = await account(bob);
    const sent = await alice.sendMessage(b.sessionId, 'regret');
    await waitFor('Bob gets it', () => messagesOf(bob, a.sessionId), (m) => textsOf(m).includes('regret'));
    await outboxDrained(alice);
    expect((await swarmHolds(b.keys)).size).toBe(1);
    expect((await swarmHolds(a.keys)).size).toBe(1);

    await alice.unsendMessage(sent.id);
    expect((await messagesOf(alice, b.sessionId))[0]).toMatchObject({ id: sent.id, kind: 'unsent', body: '' });
    const atBob = await waitFor('the tombstone at Bob', () => messagesOf(bob, a.sessionId), (m) => m[0]?.kind === 'unsent');
    expect(atBob).toHaveLength(1);
    expect(atBob[0]!.body).toBe('');
    await outboxDrained(alice);

    // Each swarm keeps only the unsend request: the message itself was deleted by its owner's key.
    await waitFor("Bob's swarm without the message", () => swarmHolds(b.keys), (held) => held.size === 1);
    await waitFor("Alice's swarm without the message", () => swarmHolds(a.keys), (held) => held.size === 1);

    const restored = await openCore();
    await restored.restoreAccount({ recoveryPhrase: b.phrase });
    await waitFor('the restored device read the swarm', () => restored.status(), (s) => (s.received.ignored['unsend'] ?? 0) >= 1);
    expect(await messagesOf(restored, a.sessionId)).toEqual([]);
  });

  it('delete for me: gone here and from our own swarm, so a restored device does not bring it back', async () => {
    const alice = await openCore();
    const bob = await openCore();
    const a = await account(alice);
    const b = await account(bob);
    await alice.sendMessage(b.sessionId, 'forget me');
    await alice.sendMessage(b.sessionId, 'keep me');
    const atBob = await waitFor('Bob gets both', () => messagesOf(bob, a.sessionId), (m) => m.length === 2);
    await bob.deleteMessage(atBob.find((m) => m.body === 'forget me')!.id);
    expect(textsOf(await messagesOf(bob, a.sessionId))).toEqual(['keep me']);
    await waitFor("Bob's swarm without it", () => swarmHolds(b.keys), (held) => held.size === 1);

    const restored = await openCore();
    await restored.restoreAccount({ recoveryPhrase: b.phrase });
    await waitFor('the restored device has the rest', () => messagesOf(restored, a.sessionId), (m) => m.length === 1);
    expect(textsOf(await messagesOf(restored, a.sessionId))).toEqual(['keep me']);
  });

  it('delete for me while offline: the swarm delete waits on disk and is done once the network is back', async () => {
    const alice = await openCore();
    const bob = await openCore();
    const a = await account(alice);
    const b = await account(bob);
    await alice.sendMessage(b.sessionId, 'delete me offline');
    const [message] = await waitFor('Bob gets it', () => messagesOf(bob, a.sessionId), (m) => m.length === 1);
    await fixture.closeRelay();
    try {
      await bob.deleteMessage(message!.id);
      expect(await messagesOf(bob, a.sessionId)).toEqual([]);
      await waitFor('Bob is offline', () => bob.getNetworkState(), (state) => state.kind === 'offline');
    } finally {
      await fixture.restartRelay();
    }
    expect((await swarmHolds(b.keys)).size).toBe(1);
    await bob.networkMayBeBack();
    await waitFor("Bob's swarm without it", () => swarmHolds(b.keys), (held) => held.size === 0);
  });

  it('a message deleted while queued offline is never sent once the network is back', async () => {
    const alice = await openCore();
    const bob = await openCore();
    const a = await account(alice);
    const b = await account(bob);
    await fixture.closeRelay();
    try {
      const queued = await alice.sendMessage(b.sessionId, 'never sent');
      await alice.deleteMessage(queued.id);
      await alice.sendMessage(b.sessionId, 'sent later');
    } finally {
      await fixture.restartRelay();
    }
    await alice.networkMayBeBack();
    await waitFor('Bob gets the later one', () => messagesOf(bob, a.sessionId), (m) => textsOf(m).includes('sent later'));
    await outboxDrained(alice);
    expect(textsOf(await messagesOf(bob, a.sessionId))).toEqual(['sent later']);
    expect((await swarmHolds(b.keys)).size).toBe(1);
  });
});
