/**
 * The core as the app uses it, against a real devnet through a real relay: two accounts talk
 * through 3-hop onions, a third device restores the first account, and the network misbehaves.
 */
import { freshIndexedDB, type TestIndexedDB } from '../../test/fake-indexeddb.ts';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startNetFixture, type NetFixture } from '../../test/net-devnet-fixture.ts';
import { TEST_RETRY_POLICY } from '../../test/services-fixture.ts';
import { identityFromEntropy } from '../../wasm/identity.ts';
import { decodeMnemonic } from '../../wasm/mnemonic.ts';
import { MIN_LOCK_COST } from '../../wasm/passphrase.ts';
import type { AccountView, CoreEvent, MessageView } from './api.ts';
import { Core } from './core.ts';
import { devnetProfile } from './net/network-profile.ts';
import { nearestSwarm } from '../../wasm/swarm.ts';
import type { DevnetNodeInfo } from '../../devnet/devnet.ts';
import { storageRpc } from '../../devnet/testing/https-client.ts';
import { signedRetrieveParams } from '../../wasm/storage.ts';

let fixture: NetFixture;
const opened: Core[] = [];

beforeAll(async () => {
  fixture = await startNetFixture({ nodeCount: 10, rateLimit: false });
});

afterEach(async () => {
  await Promise.all(opened.splice(0).map((core) => core.close()));
});

afterAll(async () => {
  await fixture?.stop();
});

interface OpenOptions {
  readonly indexedDB?: TestIndexedDB;
  readonly clock?: () => number;
  readonly relayUrl?: string;
}

async function openCore(options: OpenOptions = {}): Promise<Core & { events: CoreEvent[]; indexedDB: TestIndexedDB }> {
  const indexedDB = options.indexedDB ?? freshIndexedDB();
  const core = await Core.open({
    profile: devnetProfile(options.relayUrl ?? fixture.relayUrl, { rpcTimeoutMs: 5_000, guardTestTimeoutMs: 3_000 }),
    indexedDB,
    databaseName: 'parley',
    retryPolicy: TEST_RETRY_POLICY,
    lockCost: MIN_LOCK_COST,
    ...(options.clock ? { clock: options.clock } : {}),
    poller: { intervals: { chattingMs: 300, conversationOpenMs: 300, visibleMs: 300, hiddenMs: 300, maxBackoffMs: 1_000 } },
    outbox: { schedule: { retryBaseMs: 100, retryMaxMs: 1_000, probeBaseMs: 200, probeMaxMs: 1_000 } },
  });
  opened.push(core);
  const events: CoreEvent[] = [];
  await core.subscribe((event) => void events.push(event));
  return Object.assign(core, { events, indexedDB });
}

/** A new account as the app makes one: a fresh phrase first, then the account from it. */
async function createWithPhrase(core: Core, displayName = ''): Promise<{ account: AccountView; recoveryPhrase: string }> {
  const recoveryPhrase = await core.newRecoveryPhrase();
  return { account: await core.createAccount({ recoveryPhrase, displayName }), recoveryPhrase };
}

async function messagesOf(core: Core, conversationId: string): Promise<MessageView[]> {
  return core.listMessages(conversationId, { limit: 200 });
}

async function waitForBodies(core: Core, conversationId: string, bodies: string[], timeout = 30_000): Promise<MessageView[]> {
  await expect
    .poll(async () => (await messagesOf(core, conversationId)).map((m) => m.body), { timeout, interval: 200 })
    .toEqual(bodies);
  return messagesOf(core, conversationId);
}

/** The same bodies in any order (messages from two senders, sent too close together to order). */
async function waitForBodySet(core: Core, conversationId: string, bodies: string[], timeout = 30_000): Promise<void> {
  await expect
    .poll(async () => (await messagesOf(core, conversationId)).map((m) => m.body).sort(), { timeout, interval: 200 })
    .toEqual([...bodies].sort());
}

async function waitForStatus(core: Core, conversationId: string, status: string, count: number, timeout = 30_000): Promise<void> {
  await expect
    .poll(async () => (await messagesOf(core, conversationId)).filter((m) => m.status === status).length, { timeout, interval: 200 })
    .toBe(count);
}

/**
 * The sender's own swarm holds the sync copy of what it sent: its poller has met it (already
 * seen, as the outbox marks the copy's hash when storing it, or the same message stored twice).
 */
async function waitForSyncCopyInSwarm(core: Core, timeout = 30_000): Promise<void> {
  await expect.poll(async () => (await core.status()).received.duplicates, { timeout, interval: 200 }).toBeGreaterThan(0);
}

describe('the core on a devnet', () => {
  it('two accounts talk both ways; a device restored from the phrase sees both sides', async () => {
    const alice = await openCore();
    const bob = await openCore();
    const { account: a, recoveryPhrase } = await createWithPhrase(alice, 'Alice');
    const { account: b } = await createWithPhrase(bob, 'Bob');

    await alice.openConversation(b.sessionId);
    await alice.sendMessage(b.sessionId, 'hello Bob');
    const atBob = await waitForBodies(bob, a.sessionId, ['hello Bob']);
    expect(atBob[0]).toMatchObject({ direction: 'incoming', senderSessionId: a.sessionId, status: null });
    expect((await bob.listConversations()).find((c) => c.id === a.sessionId)).toMatchObject({ displayName: 'Alice', unreadCount: 1 });

    await bob.sendMessage(a.sessionId, 'hi Alice');
    await waitForBodies(alice, b.sessionId, ['hello Bob', 'hi Alice']);
    await waitForStatus(alice, b.sessionId, 'sent', 1);

    // A second device: same phrase, same Session ID, and the swarm's history of both directions.
    const aliceAgain = await openCore();
    const restored = await aliceAgain.restoreAccount({ recoveryPhrase });
    expect(restored.sessionId).toBe(a.sessionId);
    const history = await waitForBodies(aliceAgain, b.sessionId, ['hello Bob', 'hi Alice']);
    expect(history.map((m) => [m.direction, m.status])).toEqual([
      ['outgoing', 'sent'],
      ['incoming', null],
    ]);
    // The restored device gets the same keys the phrase encodes.
    expect(identityFromEntropy(decodeMnemonic(recoveryPhrase)).sessionId).toBe(a.sessionId);
    expect(await aliceAgain.revealRecoveryPhrase()).toBe(recoveryPhrase);
  });

  it('queues while the relay is unreachable and delivers every message once, in order, after a restart', async () => {
    const bob = await openCore();
    const { account: b } = await createWithPhrase(bob);
    const indexedDB = freshIndexedDB();
    const offline = await openCore({ indexedDB, relayUrl: 'http://127.0.0.1:9/' });
    const { account: a } = await createWithPhrase(offline);
    await offline.openConversation(b.sessionId);
    for (const body of ['one', 'two', 'three']) await offline.sendMessage(b.sessionId, body);
    await expect.poll(async () => (await offline.getNetworkState()).kind, { timeout: 15_000 }).toBe('offline');
    expect((await messagesOf(offline, b.sessionId)).map((m) => m.status)).toEqual(['queued', 'queued', 'queued']);

    // The same database, a core torn down and opened again, and now the relay is reachable.
    await offline.close();
    opened.splice(opened.indexOf(offline), 1);
    const back = await openCore({ indexedDB });
    expect((await back.getAccount())?.sessionId).toBe(a.sessionId);
    await waitForStatus(back, b.sessionId, 'sent', 3);
    await waitForBodies(bob, a.sessionId, ['one', 'two', 'three']);
    // Nothing arrives twice: a marker sent after the three reaches Bob after anything stored before
    // it (one recipient's messages go out in order, and a swarm answers in stored order).
    await back.sendMessage(b.sessionId, 'marker');
    await waitForBodies(bob, a.sessionId, ['one', 'two', 'three', 'marker']);
  });

  it('keeps delivering when a path node and a swarm member stop', async () => {
    const alice = await openCore();
    const bob = await openCore();
    const { account: a } = await createWithPhrase(alice);
    const { account: b } = await createWithPhrase(bob);
    await alice.sendMessage(b.sessionId, 'before');
    await waitForBodies(bob, a.sessionId, ['before']);

    const state = await alice.getNetworkState();
    expect(state.kind).toBe('connected');
    // Stop a node of Alice's current path (a relay hop, not the guard the relay addresses directly).
    const devnet = fixture.net.devnet;
    const shortKey = state.kind === 'connected' ? state.path[1]!.shortKey : '';
    const pathNode = fixture.net.started.nodes.find((n) => n.ed25519Hex.startsWith(shortKey.slice(0, 4)) && n.ed25519Hex.endsWith(shortKey.slice(-4)));
    expect(pathNode).toBeDefined();
    // And one member of Bob's swarm.
    const member = swarmMembers(b.sessionId).find((n) => n.index !== pathNode!.index)!;
    await devnet.node(pathNode!.index).stop();
    await devnet.node(member.index).stop();
    try {
      await alice.sendMessage(b.sessionId, 'during');
      await bob.sendMessage(a.sessionId, 'reply');
      // Compared as sets: 'during' and 'reply' are sent milliseconds apart by two cores whose
      // network clocks may differ by more than that, so their order by sent time is not fixed.
      await waitForBodySet(bob, a.sessionId, ['before', 'during', 'reply'], 45_000);
      await waitForBodySet(alice, b.sessionId, ['before', 'during', 'reply'], 45_000);
    } finally {
      await devnet.node(pathNode!.index).start();
      await devnet.node(member.index).start();
    }
  }, 60_000);

  it('corrects a clock two minutes off', async () => {
    const skew = 2 * 60_000;
    const alice = await openCore({ clock: () => Date.now() + skew });
    const bob = await openCore();
    const { account: a } = await createWithPhrase(alice);
    const { account: b } = await createWithPhrase(bob);
    // Once the core has heard from the network, its timestamps are network time, so the nodes take
    // its signed and timed requests (tolerance: 10 s for stores, 60 s for signatures).
    await expect.poll(async () => (await alice.getNetworkState()).kind, { timeout: 15_000 }).toBe('connected');
    await alice.sendMessage(b.sessionId, 'on time');
    const [received] = await waitForBodies(bob, a.sessionId, ['on time']);
    expect(Math.abs(received!.sentAt - Date.now())).toBeLessThan(30_000);
    await waitForStatus(alice, b.sessionId, 'sent', 1);
  });

  it('with a passphrase set the database holds no seed; unlocking restores messaging', async () => {
    const indexedDB = freshIndexedDB();
    const alice = await openCore({ indexedDB });
    const bob = await openCore();
    const { account: a, recoveryPhrase } = await createWithPhrase(alice);
    const { account: b } = await createWithPhrase(bob);
    await alice.setPassphrase('correct horse battery staple');
    await alice.close();
    opened.splice(opened.indexOf(alice), 1);

    const seed = identityFromEntropy(decodeMnemonic(recoveryPhrase)).ed25519Seed;
    const dump = await rawDump(indexedDB, 'parley');
    for (const secret of [seed.subarray(0, 16), seed]) expect(containsBytes(dump, secret)).toBe(false);

    const locked = await openCore({ indexedDB });
    expect(await locked.getAccount()).toMatchObject({ sessionId: a.sessionId, locked: true, hasPassphrase: true });
    await expect(locked.sendMessage(b.sessionId, 'no')).rejects.toMatchObject({ code: 'account_locked' });
    await expect(locked.unlock('wrong')).rejects.toMatchObject({ code: 'wrong_passphrase' });
    await locked.unlock('correct horse battery staple');
    await locked.sendMessage(b.sessionId, 'unlocked');
    await waitForBodies(bob, a.sessionId, ['unlocked']);
  });

  it('deleting the account from the device and the network leaves nothing here nor in its swarm', async () => {
    const alice = await openCore();
    const bob = await openCore();
    const carol = await openCore();
    const { account: a, recoveryPhrase } = await createWithPhrase(alice, 'Alice');
    const { account: b } = await createWithPhrase(bob);
    const { account: c } = await createWithPhrase(carol);
    await alice.sendMessage(b.sessionId, 'to be forgotten');
    await waitForStatus(alice, b.sessionId, 'sent', 1);
    await waitForSyncCopyInSwarm(alice);

    alice.events.length = 0;
    await alice.deleteAccount({ fromNetwork: true });
    expect(await alice.getAccount()).toBeNull();
    expect(await alice.listConversations()).toEqual([]);
    expect(alice.events).toContainEqual({ type: 'account', account: null });

    // A marker stored in Alice's swarm after the deletion: once a device of hers has it, it has read the swarm.
    await carol.sendMessage(a.sessionId, 'marker');
    await waitForStatus(carol, a.sessionId, 'sent', 1);
    const again = await openCore();
    expect((await again.restoreAccount({ recoveryPhrase })).sessionId).toBe(a.sessionId);
    await waitForBodies(again, c.sessionId, ['marker']);
    // The deleted message cannot come back: no member of Alice's swarm holds anything but the marker.
    const aliceKeys = identityFromEntropy(decodeMnemonic(recoveryPhrase));
    const members = swarmMembers(a.sessionId);
    expect(members.length).toBeGreaterThan(1);
    for (const member of members) {
      const answer = await storageRpc(member.httpsPort, { method: 'retrieve', params: signedRetrieveParams(aliceKeys, { namespace: 0, timestamp: Date.now() }) });
      expect(answer.status, `node ${member.index}`).toBe(200);
      expect(JSON.parse(answer.text).messages, `node ${member.index}`).toHaveLength(1);
    }
    expect((await again.listConversations()).map((conversation) => conversation.id)).toEqual([c.sessionId]);
    // Only the marker was ever taken in (later polls of other members meet it again, as already seen).
    expect((await again.status()).received).toMatchObject({ stored: 1, junk: {}, ignored: {} });
  });

  it('deleting the account from this device only leaves its swarm alone: a restored device gets the history', async () => {
    const alice = await openCore();
    const bob = await openCore();
    const { account: a, recoveryPhrase } = await createWithPhrase(alice, 'Alice');
    const { account: b } = await createWithPhrase(bob);
    await alice.sendMessage(b.sessionId, 'kept in the swarm');
    await waitForStatus(alice, b.sessionId, 'sent', 1);
    await waitForSyncCopyInSwarm(alice);

    alice.events.length = 0;
    await alice.deleteAccount({ fromNetwork: false });
    expect(await alice.getAccount()).toBeNull();
    expect(await alice.listConversations()).toEqual([]);
    expect(alice.events).toContainEqual({ type: 'account', account: null });

    const again = await openCore();
    expect((await again.restoreAccount({ recoveryPhrase })).sessionId).toBe(a.sessionId);
    const history = await waitForBodies(again, b.sessionId, ['kept in the swarm']);
    expect(history.map((m) => [m.direction, m.status])).toEqual([['outgoing', 'sent']]);

    // The device the account was deleted from can take it back too, and finds the same history.
    expect((await alice.restoreAccount({ recoveryPhrase })).sessionId).toBe(a.sessionId);
    await waitForBodies(alice, b.sessionId, ['kept in the swarm']);
  });
});

/** The devnet nodes of a Session ID's swarm, by the devnet's own swarm table. */
function swarmMembers(sessionId: string): DevnetNodeInfo[] {
  const records = fixture.net.devnet.records();
  const swarm = nearestSwarm([...new Set(records.map((r) => r.swarmId))], sessionId);
  const members = new Set(records.filter((r) => r.swarmId === swarm).map((r) => r.ed25519Hex));
  return fixture.net.started.nodes.filter((n) => members.has(n.ed25519Hex));
}

/** Every byte of every record in the database, serialised with structured data flattened to bytes. */
async function rawDump(indexedDB: TestIndexedDB, name: string): Promise<Uint8Array[]> {
  const db: any = await new Promise((resolve, reject) => {
    const request = indexedDB.open(name);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const chunks: Uint8Array[] = [];
  const collect = (value: unknown): void => {
    if (value instanceof Uint8Array) chunks.push(value);
    else if (value instanceof ArrayBuffer) chunks.push(new Uint8Array(value));
    else if (typeof value === 'string') chunks.push(new TextEncoder().encode(value));
    else if (Array.isArray(value)) value.forEach(collect);
    else if (value && typeof value === 'object') Object.values(value).forEach(collect);
  };
  for (const storeName of db.objectStoreNames) {
    const all: unknown[] = await new Promise((resolve, reject) => {
      const request = db.transaction(storeName).objectStore(storeName).getAll();
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    all.forEach(collect);
  }
  db.close();
  return chunks;
}

function containsBytes(chunks: Uint8Array[], needle: Uint8Array): boolean {
  const hex = Buffer.from(needle).toString('hex');
  const b64 = Buffer.from(needle).toString('base64');
  return chunks.some((chunk) => {
    const asBuffer = Buffer.from(chunk);
    return asBuffer.indexOf(Buffer.from(needle)) !== -1 || asBuffer.toString('latin1').includes(hex) || asBuffer.toString('latin1').includes(b64);
  });
}
