/**
 * The network layer against a real devnet (12 nodes, 2 swarms) and the real relay, in process:
 * everything goes through 3-hop onions POSTed to the relay, as in the browser.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toBase64, utf8 } from '../../../wasm/bytes.ts';
import { isParleyError } from '../../shared/errors.ts';
import { messageHash } from '../../../wasm/storage.ts';
import { nearestSwarm, parseSwarmId } from '../../../wasm/swarm.ts';
import { ready } from '../../../wasm/sodium.ts';
import { clientNetwork, startNetFixture, type NetFixture } from '../../../test/net-devnet-fixture.ts';
import { randomIdentity } from '../../../test/identities.ts';
import { waitUntil } from '../../../test/wait.ts';

let fixture: NetFixture;
let network: ReturnType<typeof clientNetwork>;

beforeAll(async () => {
  await ready();
  fixture = await startNetFixture({ nodeCount: 12 });
  network = clientNetwork(fixture);
});

afterAll(async () => {
  await fixture?.stop();
});

/** The Ed25519 keys of the devnet nodes in `pubkey`'s swarm, by the swarm mapping of §2. */
function expectedSwarm(pubkey: string): string[] {
  const nodes = fixture.net.started.nodes;
  const ids = [...new Set(nodes.map((n) => n.swarm))].map((hex) => parseSwarmId(hex));
  const swarm = nearestSwarm(ids, pubkey);
  return nodes.filter((n) => parseSwarmId(n.swarm) === swarm).map((n) => n.ed25519Hex);
}

const data = (text: string) => toBase64(utf8(text));

describe('network layer on a devnet, through the relay', () => {
  it('bootstraps the pool from the seed through the relay', async () => {
    await network.pool.ensure();
    const listed = fixture.net.started.nodes.map((n) => n.ed25519Hex).sort();
    expect(network.pool.all().map((n) => n.ed25519Hex).sort()).toEqual(listed);
    expect(fixture.relayLog.some((l) => l.startsWith('relay: seed'))).toBe(true);
    expect(await network.store.loadSnodePool()).toHaveLength(12);
  });

  it('builds 2 paths of 3 distinct nodes, guards tested with a zero-hop onion through the relay', async () => {
    const paths = await network.paths.ensure();
    expect(paths).toHaveLength(2);
    expect(new Set(paths.flat().map((n) => n.ed25519Hex)).size).toBe(6);
    for (const [guard] of paths) {
      expect(fixture.relayLog.some((l) => l.startsWith(`relay: onion → ${guard.ip}:${guard.port} 200`))).toBe(true);
    }
    expect(network.state.current).toMatchObject({ kind: 'connected', paths });
    expect(network.time.sampleCount).toBeGreaterThan(0);
    expect(Math.abs(network.time.offsetMs())).toBeLessThan(1_000);
  });

  it('learns a swarm with get_swarm and caches it', async () => {
    const me = randomIdentity();
    const members = await network.swarms.members(me.sessionId);
    expect(members.map((n) => n.ed25519Hex).sort()).toEqual(expectedSwarm(me.sessionId).sort());
    const cached = await network.store.loadSwarm(me.sessionId);
    expect(cached?.members.sort()).toEqual(expectedSwarm(me.sessionId).sort());
  });

  it('stores through onions and pages through retrieve with last_hash per node', async () => {
    // random = 0: every choice is the first one, so every retrieve asks the same member.
    const client = clientNetwork(fixture, { random: () => 0 });
    const me = randomIdentity();
    const texts = ['one', 'two', 'three'];
    const stored = [];
    for (const text of texts) stored.push(await client.storage.store(me.sessionId, { namespace: 0, ttl: 120_000, dataBase64: data(text) }));
    expect(stored.map((s) => s.hash)).toEqual(texts.map((t) => messageHash(me.sessionId, 0, utf8(t))));
    for (const s of stored) expect(expectedSwarm(me.sessionId)).toContain(s.node);

    const pages = [];
    for (let i = 0; i < 4; i++) {
      const [page] = await client.storage.retrieve(me, [0, 2], { maxSize: 1 });
      pages.push(page!);
    }
    const node = pages[0]!.node;
    expect(pages.every((p) => p.node === node)).toBe(true);
    expect(pages.map((p) => p.byNamespace[0]!.messages.map((m) => new TextDecoder().decode(m.data)))).toEqual([['one'], ['two'], ['three'], []]);
    expect(pages.map((p) => p.byNamespace[0]!.more)).toEqual([true, true, false, false]);
    expect(pages[0]!.byNamespace[2]).toEqual({ messages: [], more: false, refused: 0 });
    expect(await client.store.loadLastHash(node, me.sessionId, 0)).toBe(stored[2]!.hash);
    const message = pages[2]!.byNamespace[0]!.messages[0]!;
    expect(message.expiration - message.timestamp).toBe(120_000);

    // Another member starts from the beginning; asking two members gives two answers.
    const both = await client.storage.retrieve(me, [0], { members: 2, commitLastHashes: false });
    expect(both).toHaveLength(2);
    expect(both[0]!.node).not.toBe(both[1]!.node);
    const fresh = both.find((r) => r.node !== node)!;
    expect(fresh.byNamespace[0]!.messages.map((m) => m.hash)).toEqual(stored.map((s) => s.hash));
    expect(await client.store.loadLastHash(fresh.node, me.sessionId, 0)).toBeUndefined();
    await client.storage.commitLastHashes(me.sessionId, both);
    expect(await client.store.loadLastHash(fresh.node, me.sessionId, 0)).toBe(stored[2]!.hash);
  });

  it('the same bytes stored twice give the same hash', async () => {
    const me = randomIdentity();
    const request = { namespace: 0, ttl: 60_000, dataBase64: data('same') };
    const [a, b] = [await network.storage.store(me.sessionId, request), await network.storage.store(me.sessionId, request)];
    expect(a.hash).toBe(b.hash);
  });

  it('signed stores to a private namespace, and delete_all of everything', async () => {
    const me = randomIdentity();
    await network.storage.store(me.sessionId, { namespace: 0, ttl: 60_000, dataBase64: data('dm') });
    await network.storage.store(me.sessionId, { namespace: 2, ttl: 60_000, dataBase64: data('profile'), signer: me });
    const unsigned = network.storage.store(me.sessionId, { namespace: 2, ttl: 60_000, dataBase64: data('no signature') });
    await expect(unsigned).rejects.toMatchObject({ code: 'request_failed', details: expect.objectContaining({ status: 401 }) });
    const { deleted } = await network.storage.deleteAll(me);
    expect(deleted.sort()).toEqual([messageHash(me.sessionId, 0, utf8('dm')), messageHash(me.sessionId, 2, utf8('profile'))].sort());
    const after = await network.storage.retrieve(me, [0, 2], { commitLastHashes: false });
    expect(after[0]!.byNamespace[0]!.messages).toEqual([]);
  });

  it('refreshes the pool from 3 nodes through onions when 12 agree', async () => {
    expect(await network.refreshPool()).toBe('nodes');
    expect(network.pool.all()).toHaveLength(12);
  });

  it('answers info from any node', async () => {
    const before = Date.now();
    const info = await network.storage.info();
    const after = Date.now();
    expect(info.version).toEqual([2, 8, 0]);
    // The node reads the devnet's clock (not shifted here) between our two readings.
    expect(info.t).toBeGreaterThanOrEqual(before);
    expect(info.t).toBeLessThanOrEqual(after);
  });

  it('an AbortSignal stops a request promptly, even mid-flight', async () => {
    const me = randomIdentity();
    await network.swarms.members(me.sessionId);
    const onionRequests = () => fixture.relayRequests.filter((path) => path.startsWith('/v1/onion/')).length;
    const onionAnswers = () => fixture.relayLog.filter((line) => line.startsWith('relay: onion →')).length;
    /**
     * Aborts once an onion of `run` has reached the relay (the nodes hold every answer for 3 s),
     * and checks that the rejection came before the relay had the node's answer: the relay logs
     * each onion when its guard answers, and that line must come after the rejection.
     */
    const abortMidFlight = async (run: (signal: AbortSignal) => Promise<unknown>) => {
      const controller = new AbortController();
      const requestsBefore = onionRequests();
      const answersBefore = onionAnswers();
      const outcome = run(controller.signal).catch((error: unknown) => error);
      await waitUntil('an onion at the relay', () => onionRequests() > requestsBefore);
      controller.abort();
      expect(await outcome).toMatchObject({ code: 'aborted' });
      expect(onionAnswers()).toBe(answersBefore);
      await waitUntil('the held answer at the relay', () => onionAnswers() > answersBefore);
    };
    for (const node of fixture.net.devnet.nodes) node.delay(3_000);
    try {
      await abortMidFlight((signal) => network.storage.store(me.sessionId, { namespace: 0, ttl: 60_000, dataBase64: data('late') }, { signal }));
      await expect(network.storage.info({ signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'aborted' });
      // While paths are still being built (guard tests waiting on slow nodes), too.
      const fresh = clientNetwork(fixture);
      await abortMidFlight((signal) => fresh.storage.info({ signal }));
    } finally {
      for (const node of fixture.net.devnet.nodes) node.delay(0);
    }
  });

  it('relay down → network_offline, state offline; back up → probe says connected', async () => {
    const me = randomIdentity();
    await network.swarms.members(me.sessionId);
    await fixture.closeRelay();
    const error = await network.storage.store(me.sessionId, { namespace: 0, ttl: 60_000, dataBase64: data('x') }).catch((e: unknown) => e);
    expect(isParleyError(error, 'network_offline')).toBe(true);
    expect(network.state.current.kind).toBe('offline');
    expect((await network.state.probe()).kind).toBe('offline');
    await fixture.restartRelay();
    expect((await network.state.probe()).kind).toBe('connected');
    await network.storage.store(me.sessionId, { namespace: 0, ttl: 60_000, dataBase64: data('back') });
  });
});
