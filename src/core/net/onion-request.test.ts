import { beforeAll, describe, expect, it } from 'vitest';
import { fromHex, toHex, utf8 } from '../../../wasm/bytes.ts';
import { encodeRelayBody, encryptSnodeReply, peelOnionBody } from '../../../wasm/onion/peel.ts';
import { ready, sodium } from '../../../wasm/sodium.ts';
import { MemoryNetStore } from '../../../test/memory-net-store.ts';
import { fakeNodes } from '../../../test/net-fakes.ts';
import { NEXT_NODE_NOT_FOUND } from './destination-errors.ts';
import { devnetProfile } from './network-profile.ts';
import { NetworkTime } from './network-time.ts';
import { OnionRequester } from './onion-request.ts';
import type { OnionAnswer } from './transport.ts';
import { PathManager } from './paths.ts';
import { seededRandom } from './random.ts';
import { SnodePool } from './snode-pool.ts';
import { MAX_SNODE_REPLY_BYTES } from './storage-limits.ts';
import type { Snode } from './types.ts';

beforeAll(async () => {
  await ready();
});

/**
 * A requester over made-up nodes whose relay answers every onion with `answer`: the two paths are
 * stored, so the nodes on them and off them are known.
 */
async function setup(answer: (guard: Snode) => OnionAnswer) {
  const nodes = fakeNodes(12);
  const profile = devnetProfile('http://relay.test');
  const store = new MemoryNetStore();
  await store.saveSnodePool(nodes);
  await store.savePaths([nodes.slice(0, 3).map((n) => n.ed25519Hex), nodes.slice(3, 6).map((n) => n.ed25519Hex)]);
  const pool = new SnodePool({ profile, store, transport: { fetchSeedNodes: async () => nodes }, random: seededRandom(7) });
  const paths = new PathManager({ profile, pool, store, random: () => 0, testGuard: async () => true });
  const transport = { postOnion: async (guard: Snode) => answer(guard) };
  const requester = new OnionRequester({ profile, transport, pool, paths, time: new NetworkTime() });
  // random = 0: the first path, nodes 0 → 1 → 2; node 9 is the target, node 11 a bystander.
  return { nodes, pool, paths, requester, path: nodes.slice(0, 3), target: nodes[9]!, bystander: nodes[11]! };
}

const notFound = (node: Snode): OnionAnswer => ({ status: 502, body: utf8(`${NEXT_NODE_NOT_FOUND}${node.ed25519Hex}`) });
const info = { method: 'info', params: {} };

describe('"Next node not found" from the path (issue 9, hole 6)', () => {
  it('naming a node no hop of this request looks up: the node stays; the path and the guard are counted', async () => {
    let named: Snode | undefined;
    const { pool, paths, requester, path, target, bystander } = await setup(() => notFound((named = bystander)));
    await expect(requester.sendToSnode(target, info)).rejects.toMatchObject({
      code: 'path_failed',
      details: { guard: path[0]!.ed25519Hex, reason: 'foreign_node_not_found' },
    });
    expect(named).toBe(bystander);
    expect(pool.get(bystander.ed25519Hex)).toBeDefined();
    expect(pool.failureCount(bystander.ed25519Hex)).toBe(0);
    expect(pool.failureCount(path[0]!.ed25519Hex)).toBe(1);
    expect(paths.failureCount(path[0]!.ed25519Hex)).toBe(1);
  });

  it('naming the guard itself, or a node of the other path, evicts nothing either', async () => {
    for (const pick of [(n: Snode[]) => n[0]!, (n: Snode[]) => n[4]!]) {
      const { nodes, pool, requester, target } = await setup(() => notFound(pick(nodes)));
      await expect(requester.sendToSnode(target, info)).rejects.toMatchObject({ code: 'path_failed' });
      expect(pool.get(pick(nodes).ed25519Hex)).toBeDefined();
    }
  });

  it('naming a hop of this path or the target: that node leaves the pool (and the path)', async () => {
    for (const which of [1, 2, 'target'] as const) {
      const nodes = fakeNodes(12);
      const named = which === 'target' ? nodes[9]! : nodes[which]!;
      const { pool, paths, requester, target } = await setup(() => notFound(named));
      await expect(requester.sendToSnode(target, info)).rejects.toMatchObject({ code: 'snode_not_found', details: { node: named.ed25519Hex } });
      expect(pool.get(named.ed25519Hex), String(which)).toBeUndefined();
      expect(paths.current().flat().map((n) => n.ed25519Hex)).not.toContain(named.ed25519Hex);
    }
  });
});

/** Service nodes with real keys, so a fake relay can peel the onion and answer as the destination. */
function keyedNodes(count: number): { node: Snode; secretKey: Uint8Array }[] {
  const s = sodium();
  return Array.from({ length: count }, (_, i) => {
    const ed = s.crypto_sign_seed_keypair(new Uint8Array(32).fill(i + 1));
    const x25519 = s.crypto_sign_ed25519_pk_to_curve25519(ed.publicKey);
    return {
      node: { ed25519Hex: toHex(ed.publicKey), x25519Hex: toHex(x25519), ip: `10.1.${i}.1`, port: 22021 },
      secretKey: s.crypto_sign_ed25519_sk_to_curve25519(ed.privateKey),
    };
  });
}

describe('the relay pacing this client (issue 9, hole 5)', () => {
  it('a 429 or a busy relay blames no node and carries the Retry-After; without one, a short default wait', async () => {
    for (const relayError of ['rate_limited', 'relay_busy'] as const) {
      const { pool, paths, requester, path, target } = await setup(() => ({ status: 429, body: utf8('slow down'), relayError, retryAfterMs: 3_000 }));
      await expect(requester.sendToSnode(target, info)).rejects.toMatchObject({ code: 'relay_busy', details: { reason: relayError, retryAfterMs: 3_000 } });
      expect(pool.failureCount(path[0]!.ed25519Hex)).toBe(0);
      expect(paths.failureCount(path[0]!.ed25519Hex)).toBe(0);
      expect(pool.failureCount(target.ed25519Hex)).toBe(0);
    }
    const { requester, target } = await setup(() => ({ status: 429, body: utf8('slow down'), relayError: 'rate_limited' }));
    await expect(requester.sendToSnode(target, info)).rejects.toMatchObject({ code: 'relay_busy', details: { retryAfterMs: 1_000 } });
  });
});

describe('the size of an answer (issue 9, hole 6)', () => {
  it('an answer over MAX_SNODE_REPLY_BYTES is refused unread; the path and the target are counted', async () => {
    const { pool, paths, requester, path, target } = await setup(() => ({ status: 200, body: new Uint8Array(MAX_SNODE_REPLY_BYTES + 1) }));
    await expect(requester.sendToSnode(target, info)).rejects.toMatchObject({
      code: 'path_failed',
      details: { guard: path[0]!.ed25519Hex, reason: 'answer_too_large', length: MAX_SNODE_REPLY_BYTES + 1 },
    });
    expect(pool.failureCount(target.ed25519Hex)).toBe(1);
    expect(paths.failureCount(path[0]!.ed25519Hex)).toBe(1);
  });

  it('an honest answer as large as the server’s retrieve cap (7.8 MB) fits under it and is read', async () => {
    const keyed = keyedNodes(6);
    const byEd = new Map(keyed.map((k) => [k.node.ed25519Hex, k]));
    const nodes = keyed.map((k) => k.node);
    const profile = devnetProfile('http://relay.test');
    const store = new MemoryNetStore();
    await store.saveSnodePool(nodes);
    await store.savePaths([nodes.slice(0, 3).map((n) => n.ed25519Hex), [nodes[3]!, nodes[4]!, nodes[0]!].map((n) => n.ed25519Hex)]);
    const pool = new SnodePool({ profile, store, transport: { fetchSeedNodes: async () => nodes }, random: seededRandom(7) });
    const paths = new PathManager({ profile, pool, store, random: () => 0, testGuard: async () => true });
    const replyBytes: number[] = [];
    // The relay and the hops in one: peel every layer, then answer as the destination.
    const transport = {
      async postOnion(guard: Snode, body: Uint8Array): Promise<OnionAnswer> {
        let hop = byEd.get(guard.ed25519Hex)!;
        let peeled = await peelOnionBody(body, hop.secretKey, fromHex(hop.node.x25519Hex));
        while (peeled.kind === 'relay') {
          hop = byEd.get(peeled.nextEd25519Hex)!;
          peeled = await peelOnionBody(encodeRelayBody(peeled), hop.secretKey, fromHex(hop.node.x25519Hex));
        }
        if (peeled.kind !== 'destination') throw new Error(`unexpected ${peeled.kind}`);
        const answer = JSON.stringify({ t: 1_750_000_000_000, data: 'x'.repeat(7_800_000) });
        const reply = utf8(await encryptSnodeReply(200, answer, peeled.replyKey, peeled.encType));
        replyBytes.push(reply.length);
        return { status: 200, body: reply };
      },
    };
    const requester = new OnionRequester({ profile, transport, pool, paths, time: new NetworkTime() });
    const answer = await requester.sendToSnode(nodes[5]!, info);
    expect((answer.body as { data: string }).data).toHaveLength(7_800_000);
    expect(replyBytes[0]).toBeLessThanOrEqual(MAX_SNODE_REPLY_BYTES);
  });
});
