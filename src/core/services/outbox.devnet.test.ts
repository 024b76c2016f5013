/**
 * The outbox against a real devnet through a real relay, with fake-indexeddb: delivery with the sync
 * copy, order, statuses, offline (in place, and across a restart on the same database), a crash
 * mid-send, failure after the attempt limit and retry, and the body checks.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { expectCode } from '../../../test/expect-code.ts';
import { freshIndexedDB } from '../../../test/fake-indexeddb.ts';
import { clientNetwork } from '../../../test/net-devnet-fixture.ts';
import { makeContext, startTestNetwork, type TestContext, type TestNetwork } from '../../../test/services-fixture.ts';
import { randomIdentity } from '../../../test/identities.ts';
import { waitUntil } from '../../../test/wait.ts';
import { createRelay } from '../../../relay/relay.ts';
import { devnetSeeds } from '../../../relay/seed-profiles.ts';
import { close, listen } from '../../../relay/server.ts';
import type { Server } from 'node:http';
import { ParleyError } from '../../shared/errors.ts';
import type { Identity } from '../../../wasm/identity.ts';
import { ready } from '../../../wasm/sodium.ts';
import { nearestSwarm } from '../../../wasm/swarm.ts';
import type { CoreEvent } from '../api.ts';
import type { Network } from '../net/network.ts';
import { openStoredMessage } from '../protocol/message-pipeline.ts';
import {
  createNetStore,
  getMessage,
  getOutboxEntry,
  insertMessage,
  listOutgoingByStatus,
  saveAccount,
  startSendAttempt,
  type OutgoingMessageRecord,
} from '../store/index.ts';
import { MESSAGE_TTL_MS, Outbox, type OutboxOptions } from './outbox.ts';
import type { OutboxSchedule } from './outbox-policy.ts';

/** Short waits so that retries and probes show within a test's few seconds. */
const FAST: OutboxSchedule = { maxAttempts: 3, retryBaseMs: 100, retryMaxMs: 400, probeBaseMs: 200, probeMaxMs: 800 };
/** Nothing listens on the discard port: every request fails at once, as when the device is offline. */
const DEAD_RELAY = 'http://127.0.0.1:9/';

let net: TestNetwork;
let verifier: Network;
/** The relay this file started itself, when the fixture's was replaced on the same port. */
const ownRelays: Server[] = [];
let cleanups: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  await ready();
  // 12 nodes in 2 swarms: one swarm can fail while paths run through the other's 6 nodes.
  net = await startTestNetwork({ nodeCount: 12 });
  verifier = clientNetwork(net.fixture);
}, 60_000);

afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

afterAll(async () => {
  for (const server of ownRelays) await close(server);
  await net?.stop();
});

interface Sender {
  readonly t: TestContext;
  readonly outbox: Outbox;
  readonly me: Identity;
}

interface SenderOptions {
  readonly me?: Identity;
  readonly displayName?: string | null;
  readonly relayUrl?: string;
  readonly indexedDB?: ReturnType<typeof freshIndexedDB>;
  readonly databaseName?: string;
  readonly schedule?: Partial<OutboxSchedule>;
  readonly retryPolicy?: Parameters<typeof makeContext>[0]['retryPolicy'];
  /** Save the account record (default true; false when reopening a database that has it). */
  readonly saveAccount?: boolean;
}

/** A context whose session holds a copy of `me` (sessions wipe the keys they drop) and an Outbox on it. */
async function sender(options: SenderOptions = {}): Promise<Sender> {
  const me = options.me ?? randomIdentity();
  const t = await makeContext({
    relayUrl: options.relayUrl ?? net.relayUrl,
    identity: copyIdentity(me),
    ...(options.indexedDB ? { indexedDB: options.indexedDB } : {}),
    ...(options.databaseName ? { databaseName: options.databaseName } : {}),
    ...(options.retryPolicy ? { retryPolicy: options.retryPolicy } : {}),
  });
  if (options.saveAccount !== false) {
    await saveAccount(t.db, {
      sessionId: me.sessionId,
      displayName: options.displayName === undefined ? 'Alice' : options.displayName,
      createdAt: Date.now(),
      seed: { kind: 'plain', ed25519Seed: me.ed25519Seed.slice() },
    });
  }
  const outboxOptions: OutboxOptions = { schedule: { ...FAST, ...options.schedule } };
  const outbox = new Outbox(t.ctx, outboxOptions);
  cleanups.push(async () => {
    await outbox.stop();
    t.close();
  });
  return { t, outbox, me };
}

function copyIdentity(identity: Identity): Identity {
  return {
    ...identity,
    ed25519Seed: identity.ed25519Seed.slice(),
    ed25519PublicKey: identity.ed25519PublicKey.slice(),
    ed25519SecretKey: identity.ed25519SecretKey.slice(),
    x25519PublicKey: identity.x25519PublicKey.slice(),
    x25519SecretKey: identity.x25519SecretKey.slice(),
  };
}

async function statusOf(t: TestContext, id: number): Promise<string | undefined> {
  const message = await getMessage(t.db, id);
  return message?.direction === 'outgoing' ? message.status : undefined;
}

async function waitForStatus(t: TestContext, ids: readonly number[], status: string, timeoutMs = 10_000): Promise<void> {
  await waitUntil(
    `messages ${ids.join(', ')} ${status}`,
    async () => {
      for (const id of ids) if ((await statusOf(t, id)) !== status) return false;
      return true;
    },
    { timeoutMs },
  );
}

interface Found {
  readonly hash: string;
  readonly sender: string;
  readonly sentAt: number;
  readonly body: string | undefined;
  readonly displayName: string | undefined;
  readonly syncTarget: string | undefined;
}

/** What `owner`'s swarm holds in namespace 0, opened with `owner`'s keys, in stored order. */
async function swarmOf(owner: Identity): Promise<Found[]> {
  const results = await verifier.storage.retrieve(owner, [0], { commitLastHashes: false });
  const seen = new Map<string, Found>();
  for (const result of results) {
    for (const message of result.byNamespace[0]?.messages ?? []) {
      const opened = openStoredMessage(message.data, owner);
      seen.set(message.hash, {
        hash: message.hash,
        sender: opened.senderSessionId,
        sentAt: opened.envelopeTimestamp,
        body: opened.content.dataMessage?.body,
        displayName: opened.content.dataMessage?.profile?.displayName,
        syncTarget: opened.content.dataMessage?.syncTarget,
      });
    }
  }
  return [...seen.values()];
}

/** Waits until the swarm holds at least `count` messages (stores replicate within the swarm), then reads it. */
async function swarmHolding(owner: Identity, count: number): Promise<Found[]> {
  let found: Found[] = [];
  await waitUntil(`${count} message(s) in the swarm`, async () => (found = await swarmOf(owner)).length >= count);
  return found;
}

function statusEvents(t: TestContext, id: number): string[] {
  return t.events.flatMap((event: CoreEvent) => {
    if (event.type === 'message_added' && event.message.id === id) return [`added:${event.message.status}`];
    if (event.type === 'message_status' && event.messageId === id) return [event.status];
    return [];
  });
}

/** The fixture's relay goes away; the returned function brings a new one up on the same port. */
async function relayDown(): Promise<() => Promise<void>> {
  const port = Number(new URL(net.relayUrl).port);
  await net.fixture.closeRelay();
  const replaced = ownRelays.pop();
  if (replaced) await close(replaced);
  return async () => {
    const server = createRelay({
      distDir: 'dist-that-does-not-exist',
      profile: devnetSeeds([net.fixture.net.started.seedUrl]),
      log: () => undefined,
    });
    await listen(server, port, '127.0.0.1');
    ownRelays.push(server);
  };
}

describe('Outbox: sending through the devnet', () => {
  it('delivers a message to the recipient swarm, and a sync copy with syncTarget to our own; queued → sending → sent', async () => {
    const { t, outbox, me } = await sender({ displayName: 'Alice' });
    const bob = randomIdentity();
    await outbox.start();
    const queued = await outbox.queue(bob.sessionId, 'hello Bob');
    expect(queued).toMatchObject({ direction: 'outgoing', status: 'queued', conversationId: bob.sessionId, senderSessionId: me.sessionId });
    await waitForStatus(t, [queued.id], 'sent');

    expect(statusEvents(t, queued.id)).toEqual(['added:queued', 'sending', 'sent']);
    // 'sent' means the recipient has it; the entry goes once the sync copy is stored too.
    await expect.poll(() => getOutboxEntry(t.db, queued.id), { timeout: 10_000 }).toBeUndefined();

    const inbox = await swarmHolding(bob, 1);
    expect(inbox).toHaveLength(1);
    expect(inbox[0]).toMatchObject({ sender: me.sessionId, sentAt: queued.sentAt, body: 'hello Bob', displayName: 'Alice', syncTarget: undefined });
    const own = await swarmHolding(me, 1);
    expect(own).toHaveLength(1);
    expect(own[0]).toMatchObject({ sender: me.sessionId, sentAt: queued.sentAt, body: 'hello Bob', syncTarget: bob.sessionId });

    const sent = (await getMessage(t.db, queued.id)) as OutgoingMessageRecord;
    expect([...sent.swarmHashes].sort()).toEqual([inbox[0]!.hash, own[0]!.hash].sort());
    expect(t.events.some((e) => e.type === 'conversation' && e.conversation.id === bob.sessionId)).toBe(true);
  });

  it('keeps the order of several messages to one recipient; Note to Self has no sync copy and no profile without a name', async () => {
    const { t, outbox, me } = await sender({ displayName: null });
    const carol = randomIdentity();
    const queued = await Promise.all(['one', 'two', 'three'].map((body) => outbox.queue(carol.sessionId, body)));
    const note = await outbox.queue(me.sessionId, 'note to self');
    expect(queued.map((m) => m.sentAt)).toEqual([...queued.map((m) => m.sentAt)].sort((a, b) => a - b));
    await outbox.start();
    await waitForStatus(t, [...queued.map((m) => m.id), note.id], 'sent');

    const inbox = await swarmHolding(carol, 3);
    expect(inbox.map((m) => m.body)).toEqual(['one', 'two', 'three']);
    expect(inbox.map((m) => m.sentAt)).toEqual(queued.map((m) => m.sentAt));
    expect(inbox.every((m) => m.displayName === undefined)).toBe(true);

    // Our own swarm: 3 sync copies and the one note, which is not a sync copy.
    const own = await swarmHolding(me, 4);
    expect(own).toHaveLength(4);
    expect(own.filter((m) => m.syncTarget === carol.sessionId).map((m) => m.body)).toEqual(['one', 'two', 'three']);
    expect(own.filter((m) => m.syncTarget === undefined).map((m) => m.body)).toEqual(['note to self']);
  });

  it('offline: messages stay queued, then go out by themselves when the relay is back (probe), or at once on networkMayBeBack', async () => {
    const { t, outbox } = await sender({ schedule: { probeBaseMs: 300, probeMaxMs: 300 } });
    const dave = randomIdentity();
    await t.network.ready(); // paths in place: the failure comes from the relay, mid-send
    await outbox.start();
    const bringBack = await relayDown();
    const probes = vi.spyOn(t.network.state, 'probe');
    const ids: number[] = [];
    try {
      const first = await outbox.queue(dave.sessionId, 'while offline 1');
      const second = await outbox.queue(dave.sessionId, 'while offline 2');
      ids.push(first.id, second.id);
      await waitUntil('the outbox to wait offline', () => t.logs.includes('outbox: offline, waiting for the network'));
      // Two probes of the waiter have run to their end and found nothing: the messages are still queued.
      await waitUntil('two probes', () => probes.mock.calls.length >= 2);
      const answers = await Promise.all(probes.mock.results.slice(0, 2).map((result) => result.value as ReturnType<typeof t.network.state.probe>));
      expect(answers.map((status) => status.kind)).toEqual(['offline', 'offline']);
      expect(await statusOf(t, first.id)).toBe('queued');
      expect(await statusOf(t, second.id)).toBe('queued');
      expect(t.network.state.current.kind).toBe('offline');
    } finally {
      await bringBack();
    }
    await waitForStatus(t, ids, 'sent');
    expect((await swarmHolding(dave, 2)).map((m) => m.body)).toEqual(['while offline 1', 'while offline 2']);

    // Now with a probe far away: only networkMayBeBack (the browser's online event) brings it back in time.
    const slow = await sender({ schedule: { probeBaseMs: 60_000, probeMaxMs: 60_000 } });
    await slow.t.network.ready();
    await slow.outbox.start();
    const bringBackAgain = await relayDown();
    const late = await slow.outbox.queue(dave.sessionId, 'online event');
    await waitUntil('the outbox to wait offline', () => slow.t.logs.includes('outbox: offline, waiting for the network'));
    await bringBackAgain();
    await slow.outbox.networkMayBeBack();
    await waitForStatus(slow.t, [late.id], 'sent', 8_000);
  });

  it('offline across a restart: 3 queued messages on disk are delivered exactly once, in order, by a new context on the same database', async () => {
    const me = randomIdentity();
    const erin = randomIdentity();
    const indexedDB = freshIndexedDB();
    const databaseName = 'outbox-restart';
    const offline = await sender({ me, relayUrl: DEAD_RELAY, indexedDB, databaseName });
    await offline.outbox.start();
    const queued: OutgoingMessageRecord[] = [];
    for (const body of ['a', 'b', 'c']) queued.push(await offline.outbox.queue(erin.sessionId, body));
    await waitUntil('the outbox to wait offline', () => offline.t.logs.includes('outbox: offline, waiting for the network'));
    for (const message of queued) {
      expect(await statusOf(offline.t, message.id)).toBe('queued');
      expect(await getOutboxEntry(offline.t.db, message.id)).toMatchObject({ recipientStored: false, syncStored: false });
    }
    await offline.outbox.stop();
    offline.t.close();

    const online = await sender({ me, indexedDB, databaseName, saveAccount: false });
    expect((await listOutgoingByStatus(online.t.db, 'queued')).map((m) => m.id)).toEqual(queued.map((m) => m.id));
    await online.outbox.start();
    await waitForStatus(online.t, queued.map((m) => m.id), 'sent');

    const inbox = await swarmHolding(erin, 3);
    expect(inbox.map((m) => [m.body, m.sentAt])).toEqual(queued.map((m) => [m.body, m.sentAt]));
    const own = await swarmHolding(me, 3);
    expect(own.map((m) => [m.body, m.syncTarget])).toEqual(queued.map((m) => [m.body, erin.sessionId]));
  });

  it('a crash mid-send is resumed: the same payload is stored again under the same hash, so the swarm holds it once', async () => {
    const { t, outbox, me } = await sender();
    const frank = randomIdentity();
    const queued = await outbox.queue(frank.sessionId, 'survives a crash'); // not started: nothing is sent
    // The tab died after its store reached the swarm but before the outcome was written.
    const entry = await startSendAttempt(t.db, queued.id);
    expect(await statusOf(t, queued.id)).toBe('sending');
    const first = await t.network.storage.store(frank.sessionId, { namespace: 0, ttl: MESSAGE_TTL_MS, dataBase64: entry.recipientPayload });
    const again = await verifier.storage.store(frank.sessionId, { namespace: 0, ttl: MESSAGE_TTL_MS, dataBase64: entry.recipientPayload });
    expect(again.hash).toBe(first.hash);

    const restarted = new Outbox(t.ctx, { schedule: FAST });
    cleanups.push(() => restarted.stop());
    await restarted.start();
    expect(t.logs).toContain('outbox: 1 interrupted send(s) queued again');
    await waitForStatus(t, [queued.id], 'sent');
    const sent = (await getMessage(t.db, queued.id)) as OutgoingMessageRecord;
    expect(sent.swarmHashes).toContain(first.hash);

    const inbox = await swarmHolding(frank, 1);
    expect(inbox.map((m) => m.hash)).toEqual([first.hash]);
    expect((await swarmHolding(me, 1)).map((m) => m.syncTarget)).toEqual([frank.sessionId]);
  });

  it('fails after the attempt limit while the swarm answers 503, one message after the other; retry() sends them once the nodes are back', async () => {
    const started = net.fixture.net.started;
    const swarmIds = [...new Set(started.nodes.map((n) => BigInt(n.swarmId)))];
    const swarmOfId = (id: Identity) => nearestSwarm(swarmIds, id.sessionId);
    const me = randomIdentity();
    let grace = randomIdentity();
    while (swarmOfId(grace) === swarmOfId(me)) grace = randomIdentity(); // her swarm fails, ours must not
    const { t, outbox } = await sender({
      me,
      schedule: { maxAttempts: 2, retryBaseMs: 50, retryMaxMs: 100 },
      retryPolicy: { maxAttempts: 1, baseDelayMs: 20, maxDelayMs: 50, maxClockResyncs: 1, maxSwarmUpdates: 2, maxRelayWaitMs: 1_000 },
    });
    // Paths through the healthy swarm's nodes only, so that it is the destination that answers 503.
    const failing = started.nodes.filter((n) => BigInt(n.swarmId) === swarmOfId(grace));
    const healthy = started.nodes.filter((n) => BigInt(n.swarmId) !== swarmOfId(grace)).map((n) => n.ed25519Hex);
    expect(healthy).toHaveLength(6);
    await createNetStore(t.db).savePaths([healthy.slice(0, 3), healthy.slice(3, 6)]);
    await t.network.ready();
    expect(t.network.paths.current().flat().map((n) => n.ed25519Hex).sort()).toEqual([...healthy].sort());
    await t.network.swarms.members(grace.sessionId);
    const setFaults = (on: boolean) => {
      for (const node of failing) net.fixture.net.devnet.node(node.index).fail503(on);
    };
    setFaults(true);
    cleanups.push(() => setFaults(false));

    const first = await outbox.queue(grace.sessionId, 'to a failing swarm 1');
    const second = await outbox.queue(grace.sessionId, 'to a failing swarm 2');
    await outbox.start();
    await waitForStatus(t, [first.id, second.id], 'failed');
    for (const id of [first.id, second.id]) {
      const message = (await getMessage(t.db, id)) as OutgoingMessageRecord;
      // The 503 reaches the client through the last relay, so the network layer may blame the path.
      expect(['snode_unavailable', 'path_failed']).toContain(message.failureCode);
      expect(statusEvents(t, id)).toEqual(['added:queued', 'sending', 'queued', 'sending', 'failed']);
      expect(await getOutboxEntry(t.db, id)).toMatchObject({ attempts: 2, nextAttemptAt: null, recipientStored: false });
    }
    // One recipient, one queue: the second message was first tried only after the first had failed.
    const order = t.events.flatMap((e) => (e.type === 'message_status' ? [`${e.messageId}:${e.status}`] : []));
    expect(order.indexOf(`${second.id}:sending`)).toBeGreaterThan(order.indexOf(`${first.id}:failed`));

    setFaults(false);
    await outbox.retry(first.id);
    await outbox.retry(second.id);
    await waitForStatus(t, [first.id, second.id], 'sent');
    expect(statusEvents(t, first.id).slice(-3)).toEqual(['queued', 'sending', 'sent']);
    expect((await swarmHolding(grace, 2)).map((m) => m.body)).toEqual(['to a failing swarm 1', 'to a failing swarm 2']);
    await outbox.retry(first.id); // sent: nothing to do
    expect(statusEvents(t, first.id).at(-1)).toBe('sent');
    await expectCode(outbox.retry(999_999), 'message_not_found');
  });

  it('while one recipient waits for a retry, its later messages wait too and other recipients go on', async () => {
    const { t } = await sender();
    const ivan = randomIdentity();
    const judy = randomIdentity();
    // The store to Ivan's swarm fails (as a node in trouble would) until `down` is cleared.
    let down = true;
    const real = t.network.storage;
    const storage = Object.create(real) as typeof real;
    storage.store = (pubkey, request, options) =>
      down && pubkey === ivan.sessionId
        ? Promise.reject(new ParleyError('snode_unavailable', 'test: the swarm is not ready'))
        : real.store(pubkey, request, options);
    const ctx = { ...t.ctx, network: { ...t.network, storage } };
    const outbox = new Outbox(ctx, { schedule: { ...FAST, maxAttempts: 6, retryBaseMs: 400, retryMaxMs: 400 } });
    cleanups.push(() => outbox.stop());

    const ivan1 = await outbox.queue(ivan.sessionId, 'ivan 1');
    const ivan2 = await outbox.queue(ivan.sessionId, 'ivan 2');
    const judy1 = await outbox.queue(judy.sessionId, 'judy 1');
    await outbox.start();
    await waitForStatus(t, [judy1.id], 'sent');
    expect(statusEvents(t, ivan1.id).slice(0, 3)).toEqual(['added:queued', 'sending', 'queued']);
    expect(statusEvents(t, ivan2.id)).toEqual(['added:queued']);

    down = false;
    await waitForStatus(t, [ivan1.id, ivan2.id], 'sent');
    expect((await swarmHolding(ivan, 2)).map((m) => m.body)).toEqual(['ivan 1', 'ivan 2']);
  });
  it('answers lost after the stores landed: the copies are stored again under the same hashes, and each swarm holds every message once, in order', async () => {
    const { t, me } = await sender();
    const lena = randomIdentity();
    const real = t.network.storage;
    // The first single store and the first batch to each swarm land, but their answers are lost on the way back.
    const losing = new Set([`one ${lena.sessionId}`, `many ${lena.sessionId}`, `many ${me.sessionId}`]);
    const lose = <T>(key: string, stored: T): T => {
      if (losing.delete(key)) throw new ParleyError('path_failed', 'test: the answer was lost on the way back');
      return stored;
    };
    const storage = Object.create(real) as typeof real;
    storage.store = async (pubkey, request, options) => lose(`one ${pubkey}`, await real.store(pubkey, request, options));
    storage.storeMany = async (pubkey, requests, options) => lose(`many ${pubkey}`, await real.storeMany(pubkey, requests, options));
    const outbox = new Outbox({ ...t.ctx, network: { ...t.network, storage } }, { schedule: FAST });
    cleanups.push(() => outbox.stop());

    const queued: OutgoingMessageRecord[] = [];
    for (let i = 0; i < 25; i++) queued.push(await outbox.queue(lena.sessionId, `lost answer ${i}`));
    await outbox.start();
    await waitForStatus(t, queued.map((m) => m.id), 'sent');
    await waitUntil('every sync copy stored', async () => (await Promise.all(queued.map((m) => getOutboxEntry(t.db, m.id)))).every((e) => e === undefined));
    expect(losing.size).toBe(0);
    expect(t.logs.filter((line) => /attempt 1 failed \(path_failed\)/.test(line)).length).toBeGreaterThanOrEqual(21);

    const inbox = await swarmHolding(lena, 25);
    expect(inbox.map((m) => m.body)).toEqual(queued.map((m) => m.body));
    const own = await swarmHolding(me, 25);
    expect(own).toHaveLength(25);
    for (const [i, message] of queued.entries()) {
      const sent = (await getMessage(t.db, message.id)) as OutgoingMessageRecord;
      expect([...sent.swarmHashes].sort()).toEqual([inbox[i]!.hash, own.find((m) => m.sentAt === message.sentAt)!.hash].sort());
    }
  });

  it('stop() aborts the attempt in flight and waits for it: the message is queued again, and the next start sends it', async () => {
    const { t, outbox: realOutbox } = await sender();
    const kim = randomIdentity();
    let storesStarted = 0;
    const hanging = Object.create(t.network.storage) as typeof t.network.storage;
    hanging.store = (_pubkey, _request, options) =>
      new Promise((_resolve, reject) => {
        storesStarted++;
        options?.signal?.addEventListener('abort', () => reject(new ParleyError('aborted', 'test: aborted')));
      });
    const outbox = new Outbox({ ...t.ctx, network: { ...t.network, storage: hanging } }, { schedule: FAST });
    await outbox.start();
    const message = await outbox.queue(kim.sessionId, 'interrupted');
    await waitUntil('the store to start', () => storesStarted === 1);
    expect(await statusOf(t, message.id)).toBe('sending');
    await outbox.stop();
    expect(await statusOf(t, message.id)).toBe('queued');
    expect(await getOutboxEntry(t.db, message.id)).toMatchObject({ lastErrorCode: 'aborted', recipientStored: false });
    // Due again at once: an outbox that still ran after stop() would try it straight away, long
    // before another outbox, started only now, has stored it through the devnet.
    expect((await getOutboxEntry(t.db, message.id))!.nextAttemptAt).toBeLessThanOrEqual(t.ctx.clock());
    const eventsAtStop = t.events.length;

    await realOutbox.start();
    await waitForStatus(t, [message.id], 'sent');
    expect(storesStarted).toBe(1); // nothing ran in the stopped outbox
    expect(t.events.slice(eventsAtStop).filter((e) => e.type === 'message_status').map((e) => (e as { status: string }).status)).toEqual(['sending', 'sent']);
    expect((await swarmHolding(kim, 1)).map((m) => m.body)).toEqual(['interrupted']);
  });
});

describe('Outbox: queueing', () => {
  it('refuses empty, blank and too long bodies, bad Session IDs and a missing or locked account, writing nothing', async () => {
    const t = await makeContext({ identity: randomIdentity() });
    cleanups.push(() => t.close());
    const outbox = new Outbox(t.ctx);
    const peer = randomIdentity().sessionId;
    await expectCode(outbox.queue(peer, ''), 'message_empty');
    await expectCode(outbox.queue(peer, ' \n\t '), 'message_empty');
    const error = await outbox.queue(peer, 'x'.repeat(2001)).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'message_too_long', details: { length: 2001, max: 2000 } });
    await expectCode(outbox.queue(peer, 42 as unknown as string), 'invalid_argument', 'body');
    await expectCode(outbox.queue('05abc', 'hi'), 'session_id_length');
    await expectCode(outbox.queue('15' + 'ab'.repeat(32), 'hi'), 'session_id_blinded');
    expect(await listOutgoingByStatus(t.db, 'queued')).toEqual([]);

    // 2000 emoji are 2000 characters (4000 UTF-16 units): allowed.
    expect((await outbox.queue(peer, '🙂'.repeat(2000))).status).toBe('queued');

    const none = await makeContext();
    cleanups.push(() => none.close());
    await expectCode(new Outbox(none.ctx).queue(peer, 'hi'), 'no_account');
    none.ctx.session.locked(peer);
    await expectCode(new Outbox(none.ctx).queue(peer, 'hi'), 'account_locked');
  });

  it('makes sentAt strictly increasing in one millisecond, across a reload, and past a sync copy that took the next one', async () => {
    const NOW = 1_760_000_000_000;
    const me = randomIdentity();
    const indexedDB = freshIndexedDB();
    const t = await makeContext({ identity: copyIdentity(me), clock: () => NOW, indexedDB, databaseName: 'sent-at' });
    cleanups.push(() => t.close());
    const outbox = new Outbox(t.ctx);
    const peer = randomIdentity().sessionId;
    const burst = await Promise.all([1, 2, 3].map((n) => outbox.queue(peer, `m${n}`)));
    expect(burst.map((m) => m.sentAt)).toEqual([NOW, NOW + 1, NOW + 2]);
    expect(burst.map((m) => m.body)).toEqual(['m1', 'm2', 'm3']);
    expect(burst.map((m) => m.id)).toEqual([...burst.map((m) => m.id)].sort((a, b) => a - b));

    // A reload: a new Outbox seeds its last sentAt from the database.
    const reloaded = new Outbox(t.ctx);
    expect((await reloaded.queue(peer, 'after reload')).sentAt).toBe(NOW + 3);

    // Another device of ours used NOW + 4 and its sync copy arrived: the next message skips it.
    await insertMessage(t.db, {
      direction: 'outgoing',
      conversationId: peer,
      senderSessionId: me.sessionId,
      sentAt: NOW + 4,
      receivedAt: NOW,
      body: 'from my other device',
      swarmHashes: [],
      expiresAt: null,
      status: 'sent',
      failureCode: null,
    });
    const next = await reloaded.queue(peer, 'after the sync copy');
    expect(next.sentAt).toBe(NOW + 5);
    expect((await getMessage(t.db, next.id))?.body).toBe('after the sync copy');
  });
});
