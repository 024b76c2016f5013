/**
 * The deterministic ONION-3HOP vector (test/vectors/onion.json, network-protocol.md §8.2) against
 * live devnet nodes started with the vector's keys (Ed25519 seed = 32 bytes of i, i = 1..4).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromHex, toHex, fromUtf8 } from '../../wasm/bytes.ts';
import { decryptSnodeReply, encodeRelayBody, peelOnionBody, type PeelResult } from '../../wasm/onion/index.ts';
import { ready } from '../../wasm/sodium.ts';
import { casesOf, loadVectors } from '../../test/vectors.ts';
import type { DevnetNodeInfo } from '../devnet.ts';
import { httpsCall } from '../testing/https-client.ts';
import { startTestDevnet, type TestDevnet } from '../testing/test-devnet.ts';

interface Onion3Hop {
  nodes: { role: string; ed25519_seed_hex: string; ed25519_pk_hex: string; x25519_pk_hex: string }[];
  wire_body_hex: string;
  target_rpc_body_utf8: string;
  target_json_trailer_utf8: string;
  expected_peel: Record<'guard_sees_json' | 'relay1_sees_json' | 'relay2_sees_json', { destination: string; ephemeral_key: string }> & {
    target_sees_json_utf8: string;
    target_sees_body_utf8: string;
  };
  reply: { key_hex: string; expected_decrypted: { status: number; body_json: Record<string, unknown> } };
}

const vector = casesOf<Onion3Hop>(loadVectors('onion'), 'onion_build_and_peel').find((c) => c.id === 'ONION-3HOP')!;
let net: TestDevnet;
let nodes: readonly DevnetNodeInfo[];

beforeAll(async () => {
  await ready();
  net = await startTestDevnet({
    nodeCount: 4,
    swarmCount: 1,
    nodeSeeds: vector.nodes.map((node) => fromHex(node.ed25519_seed_hex)),
  });
  nodes = net.started.nodes;
});
afterAll(() => net.stop());

describe('ONION-3HOP on live nodes', () => {
  it('starts the nodes with the vector’s keys', () => {
    expect(nodes.map((node) => [node.ed25519Hex, node.x25519Hex])).toEqual(vector.nodes.map((node) => [node.ed25519_pk_hex, node.x25519_pk_hex]));
  });

  it('routes the vector’s wire body guard → relay1 → relay2 → target and returns the target’s info, openable with the vector’s key', async () => {
    const answer = await httpsCall({ port: nodes[0]!.httpsPort, path: '/onion_req/v2', body: fromHex(vector.wire_body_hex) });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('text/plain');
    const reply = await decryptSnodeReply(answer.body, fromHex(vector.reply.key_hex), 'aes-gcm');
    expect(reply.status).toBe(vector.reply.expected_decrypted.status);
    const body = JSON.parse(reply.body) as Record<string, unknown>;
    // Same shape as the vector's fixed reply; the live timestamps differ.
    expect(Object.keys(body).sort()).toEqual(Object.keys(vector.reply.expected_decrypted.body_json).sort());
    expect(body['version']).toEqual([2, 8, 0]);
    expect(body['hf']).toEqual([19, 3]);
    expect(typeof body['timestamp']).toBe('number');
  });

  it('peels hop by hop exactly as expected_peel says, with each node’s own keys', async () => {
    const keysOf = (i: number) => net.devnet.node(i).keys;
    const seen: PeelResult[] = [];
    let body = fromHex(vector.wire_body_hex);
    for (let hop = 0; hop < 4; hop++) {
      const peel = await peelOnionBody(body, keysOf(hop).x25519SecretKey, keysOf(hop).x25519PublicKey);
      seen.push(peel);
      if (peel.kind === 'relay') body = encodeRelayBody(peel);
    }
    const expected = vector.expected_peel;
    const relays = [expected.guard_sees_json, expected.relay1_sees_json, expected.relay2_sees_json];
    relays.forEach((sees, hop) => {
      const peel = seen[hop]!;
      expect(peel.kind).toBe('relay');
      if (peel.kind !== 'relay') return;
      expect(peel.nextEd25519Hex).toBe(sees.destination);
      expect(peel.nextEphemeralKeyHex).toBe(sees.ephemeral_key);
      expect(peel.trailer).toEqual(sees);
      expect(peel.hopNo).toBe(hop);
    });
    const target = seen[3]!;
    expect(target.kind).toBe('destination');
    if (target.kind !== 'destination') return;
    expect(target.trailer).toEqual(JSON.parse(expected.target_sees_json_utf8));
    expect(fromUtf8(target.request)).toBe(expected.target_sees_body_utf8);
    expect(toHex(target.replyKey)).toBe(vector.reply.key_hex);
  });
});
