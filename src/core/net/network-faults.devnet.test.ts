/**
 * The network layer's reactions to failures, on a real devnet (8 nodes, 2 swarms of 4) behind the
 * real relay: 421 wrong swarm, 406 clock, a path node down, a swarm member down, a guard down, and a
 * node the network does not know.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { toBase64, utf8 } from '../../../wasm/bytes.ts';
import { nearestSwarm, parseSwarmId } from '../../../wasm/swarm.ts';
import { ready } from '../../../wasm/sodium.ts';
import { clientNetwork, startNetFixture, type NetFixture } from '../../../test/net-devnet-fixture.ts';
import { randomIdentity, randomNodeKeys } from '../../../test/identities.ts';
import { MemoryNetStore } from '../../../test/memory-net-store.ts';
import { seededRandom } from './random.ts';
import type { Snode } from './types.ts';

let fixture: NetFixture;
const log: string[] = [];

beforeAll(async () => {
  await ready();
  fixture = await startNetFixture({ nodeCount: 8, swarmCount: 2 });
});

afterAll(async () => {
  await fixture?.stop();
});

beforeEach(async () => {
  log.length = 0;
  fixture.net.devnet.setClockOffset(0);
  for (const node of fixture.net.devnet.nodes) {
    node.clearFaults();
    if (!node.running) await node.start();
  }
});

const data = (text: string) => toBase64(utf8(text));
const nodes = () => fixture.net.started.nodes;

function swarmOf(pubkey: string): { right: string[]; wrong: string[] } {
  const ids = [...new Set(nodes().map((n) => n.swarm))].map((hex) => parseSwarmId(hex));
  const swarm = nearestSwarm(ids, pubkey);
  const right = nodes().filter((n) => parseSwarmId(n.swarm) === swarm).map((n) => n.ed25519Hex);
  return { right, wrong: nodes().map((n) => n.ed25519Hex).filter((ed) => !right.includes(ed)) };
}

/** A client whose every random choice is the first one: the first path, the first swarm member. */
function firstChoiceClient(store = new MemoryNetStore()) {
  return clientNetwork(fixture, { random: () => 0, store, log: (l) => (log.push(l), process.env['NET_LOG'] && console.log(l)) });
}

describe('network layer failure handling on a devnet', () => {
  it('421: a store sent to the wrong swarm ends stored in the right one', async () => {
    const client = firstChoiceClient();
    const me = randomIdentity();
    const { right, wrong } = swarmOf(me.sessionId);
    await client.ready();
    await client.store.saveSwarm(me.sessionId, wrong, Date.now());
    const result = await client.storage.store(me.sessionId, { namespace: 0, ttl: 60_000, dataBase64: data('misdirected') });
    expect(log.some((l) => l.includes('wrong_swarm (421)'))).toBe(true);
    expect(right).toContain(result.node);
    expect((await client.store.loadSwarm(me.sessionId))?.members.sort()).toEqual([...right].sort());
    const [page] = await client.storage.retrieve(me, [0]);
    expect(right).toContain(page!.node);
    expect(page!.byNamespace[0]!.messages.map((m) => m.hash)).toEqual([result.hash]);
  });

  it('406: a clock 2 minutes off is corrected from a fresh info, re-signed, and succeeds', async () => {
    const client = firstChoiceClient();
    const me = randomIdentity();
    await client.swarms.members(me.sessionId);
    // The network's clock moves 2 minutes back: ours is now 2 minutes ahead of it, and the window
    // of offsets learned so far says otherwise.
    fixture.net.devnet.setClockOffset(-120_000);
    const before = Date.now();
    const stored = await client.storage.store(me.sessionId, { namespace: 0, ttl: 600_000, dataBase64: data('late clock') });
    const after = Date.now();
    expect(log.some((l) => l.includes('clock_out_of_sync (406)'))).toBe(true);
    expect(Math.abs(client.time.offsetMs() - 120_000)).toBeLessThan(2_000);
    // The node stamped the message with the shifted clock, read between our two readings.
    expect(stored.t).toBeGreaterThanOrEqual(before - 120_000);
    expect(stored.t).toBeLessThanOrEqual(after - 120_000);
    const [page] = await client.storage.retrieve(me, [0]);
    expect(page!.byNamespace[0]!.messages.map((m) => m.hash)).toEqual([stored.hash]);
  });

  it('a retrieve signed 2 minutes off (406) is re-signed and succeeds', async () => {
    const client = firstChoiceClient();
    const me = randomIdentity();
    await client.swarms.members(me.sessionId);
    fixture.net.devnet.setClockOffset(120_000);
    const [page] = await client.storage.retrieve(me, [0]);
    expect(page!.byNamespace[0]!.messages).toEqual([]);
    expect(log.some((l) => l.includes('clock_out_of_sync (406)'))).toBe(true);
  });

  it('a path node stopped mid-way: requests still succeed; the node is counted, dropped, and the path rebuilt', async () => {
    const client = clientNetwork(fixture, { random: seededRandom(42), log: (l) => log.push(l) });
    const me = randomIdentity();
    await client.swarms.members(me.sessionId);
    const [first] = await client.paths.ensure();
    const broken = first![1];
    await fixture.net.devnet.node(broken.ed25519Hex).stop();
    const onPath = () => client.paths.current().some((p) => p.some((n) => n.ed25519Hex === broken.ed25519Hex));
    let stores = 0;
    for (; stores < 10 && onPath(); stores++) {
      await client.storage.store(me.sessionId, { namespace: 0, ttl: 60_000, dataBase64: data(`m${stores}`) });
    }
    expect(onPath()).toBe(false);
    // The silent hop was blamed (as a relay of its path, and as a target when it was one) until dropped.
    expect(log.some((l) => l.startsWith(`net: path via ${first![0].ed25519Hex.slice(0, 8)}: 504`))).toBe(true);
    expect(log.some((l) => l.startsWith(`net: node ${broken.ed25519Hex.slice(0, 8)} dropped from the pool`))).toBe(true);
    const rebuilt = await client.paths.ensure();
    expect(rebuilt).toHaveLength(2);
    expect(rebuilt.flat().map((n) => n.ed25519Hex)).not.toContain(broken.ed25519Hex);
  });

  it('a swarm member stopped: stores and retrieves go to the other members', async () => {
    const client = firstChoiceClient();
    const me = randomIdentity();
    const [firstMember] = await client.swarms.members(me.sessionId);
    await fixture.net.devnet.node(firstMember!.ed25519Hex).stop();
    const stored = await client.storage.store(me.sessionId, { namespace: 0, ttl: 60_000, dataBase64: data('around') });
    expect(stored.node).not.toBe(firstMember!.ed25519Hex);
    const pages = await client.storage.retrieve(me, [0], { members: 2 });
    expect(pages.length).toBeGreaterThan(0);
    for (const page of pages) {
      expect(page.node).not.toBe(firstMember!.ed25519Hex);
      expect(page.byNamespace[0]!.messages.map((m) => m.hash)).toEqual([stored.hash]);
    }
    // Each timeout counted the silent member (and the path it was tried through); at 3 it is dropped.
    const dead = firstMember!.ed25519Hex;
    expect(client.pool.get(dead) === undefined || client.pool.failureCount(dead) >= 2).toBe(true);
  });

  it('a guard down: the relay says node_unreachable; the guard and path are counted; the other path carries on', async () => {
    const client = firstChoiceClient();
    const me = randomIdentity();
    await client.swarms.members(me.sessionId);
    const [first] = await client.paths.ensure();
    const guard = first![0].ed25519Hex;
    const onPaths = new Set(client.paths.current().flat().map((n) => n.ed25519Hex));
    const target = client.pool.all().find((n) => !onPaths.has(n.ed25519Hex))!;
    await fixture.net.devnet.node(guard).stop();
    // random = 0: the first path is taken.
    await expect(client.requester.sendToSnode(target, { method: 'info', params: {} })).rejects.toMatchObject({
      code: 'path_failed',
      details: { guard, reason: 'node_unreachable' },
    });
    expect(client.pool.failureCount(guard)).toBe(1);
    expect(client.paths.failureCount(guard)).toBe(1);
    await client.storage.store(me.sessionId, { namespace: 0, ttl: 60_000, dataBase64: data('guarded') });
  });

  it('"Next node not found": a node the network does not know is dropped from pool and path', async () => {
    const store = new MemoryNetStore();
    const real: Snode[] = nodes().map((n) => ({ ed25519Hex: n.ed25519Hex, x25519Hex: n.x25519Hex, ip: n.ip, port: n.httpsPort }));
    const ghost: Snode = {
      ...randomNodeKeys(),
      ip: '127.0.0.1',
      port: real[0]!.port,
    };
    await store.saveSnodePool([...real, ghost]);
    await store.savePaths([
      [real[0]!.ed25519Hex, ghost.ed25519Hex, real[1]!.ed25519Hex],
      [real[2]!.ed25519Hex, real[3]!.ed25519Hex, real[4]!.ed25519Hex],
    ]);
    const client = firstChoiceClient(store);
    const target = real[5]!;
    const info = { method: 'info', params: {} };
    // The first path is chosen (random = 0); its guard cannot find the ghost.
    await expect(client.requester.sendToSnode(target, info)).rejects.toMatchObject({
      code: 'snode_not_found',
      details: { node: ghost.ed25519Hex },
    });
    expect(client.pool.get(ghost.ed25519Hex)).toBeUndefined();
    expect((await store.loadPaths()).flat()).not.toContain(ghost.ed25519Hex);
    const repaired = client.paths.current()[0]!;
    expect(repaired[0].ed25519Hex).toBe(real[0]!.ed25519Hex);
    expect(repaired.map((n) => n.ed25519Hex)).toContain(real[1]!.ed25519Hex);
    const answer = await client.requester.sendToSnode(target, info);
    expect(answer.status).toBe(200);
  });
});
