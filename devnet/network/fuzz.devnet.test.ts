/**
 * Junk never hurts a node: a bounded, seeded fuzz pass of random, truncated and bit-flipped bodies
 * across every endpoint of every node (and the seed). Each answer must be a well-formed 4xx (or
 * the documented 200 of ping_test/get_stats/the seed's JSON-RPC errors), never a 5xx or a dropped
 * connection, and afterwards every node still answers info directly and through an onion.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { utf8 } from '../../wasm/bytes.ts';
import { buildOnionRequest } from '../../wasm/onion/index.ts';
import { ready } from '../../wasm/sodium.ts';
import type { DevnetNodeInfo } from '../devnet.ts';
import { httpsCall, storageRpc } from '../testing/https-client.ts';
import { sendOnionVia } from '../testing/onion-client.ts';
import { portOf, startTestDevnet, type TestDevnet } from '../testing/test-devnet.ts';

const SEED = 20_261_127;
let net: TestDevnet;
let nodes: readonly DevnetNodeInfo[];
let validOnion: Uint8Array;

beforeAll(async () => {
  await ready();
  net = await startTestDevnet({ nodeCount: 6, swarmCount: 2, rateLimit: false });
  nodes = net.started.nodes;
  const hop = (node: DevnetNodeInfo) => ({ ed25519PublicKeyHex: node.ed25519Hex, x25519PublicKey: Buffer.from(node.x25519Hex, 'hex') });
  validOnion = (
    await buildOnionRequest({
      path: [hop(nodes[0]!), hop(nodes[1]!), hop(nodes[2]!)],
      destination: { kind: 'snode', node: hop(nodes[3]!) },
      payload: utf8('{"method":"info","params":{}}'),
    })
  ).body;
});
afterAll(() => net.stop());

const PATHS = ['/storage_rpc/v1', '/onion_req/v2', '/ping_test/v1', '/get_stats/v1', '/', '/storage_rpc/v1/', '/onion_req/v3', '/json_rpc'];
const bytes = (max: number) => fc.uint8Array({ maxLength: max });

// Each test fuzzes, then checks that its own junk left every node serving: none relies on another's run.
describe('fuzzing every endpoint', () => {
  it('answers random bodies on random routes with 4xx (or a documented 200), and every node serves on', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(5), fc.constantFrom(...PATHS), fc.constantFrom('POST', 'GET', 'PUT', 'DELETE'), bytes(3000), async (i, path, method, body) => {
        const answer = await httpsCall({ port: nodes[i]!.httpsPort, path, method, body });
        expect(answer.headers['server']).toBe('Oxen Storage Server/2.8.0');
        const documented200 = (method === 'POST' && path === '/ping_test/v1') || (method === 'GET' && path === '/get_stats/v1');
        if (documented200) expect(answer.status).toBe(200);
        else expect(answer.status).toBeGreaterThanOrEqual(400);
        expect(answer.status).toBeLessThan(500);
      }),
      { seed: SEED, numRuns: 100 },
    );
    await expectEveryNodeServing();
  });

  it('answers truncated and bit-flipped onions with 400, and every node serves on', async () => {
    const mutated = fc.oneof(
      fc.nat().map((cut) => validOnion.slice(0, cut % validOnion.length)),
      fc.array(fc.nat(), { minLength: 1, maxLength: 3 }).map((positions) => {
        const copy = validOnion.slice();
        for (const p of positions) copy[p % (copy.length * 8) >> 3]! ^= 1 << (p % 8);
        return copy;
      }),
    );
    await fc.assert(
      fc.asyncProperty(fc.nat(5), mutated, async (i, body) => {
        const answer = await httpsCall({ port: nodes[i]!.httpsPort, path: '/onion_req/v2', body });
        expect(answer.status).toBe(400);
        expect(answer.headers['content-type']).toBe('text/plain');
        expect(answer.text).toMatch(/^(Invalid ciphertext|Error parsing onion request: .+)$/);
      }),
      { seed: SEED + 1, numRuns: 100 },
    );
    await expectEveryNodeServing();
  });

  it('answers arbitrary JSON on storage_rpc and the seed without a 5xx, and every node serves on', async () => {
    const seedPort = portOf(net.started.seedUrl);
    await fc.assert(
      fc.asyncProperty(fc.nat(6), fc.jsonValue({ maxDepth: 3 }), async (i, value) => {
        const body = JSON.stringify(value) ?? 'null';
        if (i === 6) {
          const answer = await httpsCall({ port: seedPort, path: '/json_rpc', body });
          expect(answer.status).toBe(200);
          expect(answer.headers['content-type']).toBe('application/json');
          expect(JSON.parse(answer.text)).toHaveProperty('error');
          return;
        }
        const answer = await storageRpc(nodes[i]!.httpsPort, body);
        expect(answer.status).toBeGreaterThanOrEqual(400);
        expect(answer.status).toBeLessThan(500);
        expect(answer.headers['content-type']).toBe('text/plain');
      }),
      { seed: SEED + 2, numRuns: 100 },
    );
    await expectEveryNodeServing();
  });

});

/** After a test's own junk: every node still answers info, directly and as the target of an onion. */
async function expectEveryNodeServing(): Promise<void> {
  for (const node of nodes) {
    const answer = await storageRpc(node.httpsPort, { method: 'info', params: {} });
    expect(JSON.parse(answer.text).version).toEqual([2, 8, 0]);
  }
  for (const target of nodes) {
    const outcome = await sendOnionVia(nodes, target, { method: 'info', params: {} });
    expect(outcome.reply?.status).toBe(200);
  }
}
