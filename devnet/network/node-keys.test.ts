import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../wasm/bytes.ts';
import { ready } from '../../wasm/sodium.ts';
import { casesOf, loadVectors } from '../../test/vectors.ts';
import { derivedNodeSeed, keysFromSeed, resolveNodeSeeds } from './node-keys.ts';
import { evenSwarmIds, swarmOfNode } from './swarm-ids.ts';

const dir = mkdtempSync(join(tmpdir(), 'parley-node-keys-'));
beforeAll(() => ready());
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('node keys', () => {
  it('converts seeds to the ONION-3HOP nodes’ keys', () => {
    const vector = casesOf<{ nodes: { ed25519_seed_hex: string; ed25519_pk_hex: string; x25519_pk_hex: string; x25519_sk_hex: string }[] }>(
      loadVectors('onion'),
      'onion_build_and_peel',
    )[0]!;
    for (const node of vector.nodes) {
      const keys = keysFromSeed(fromHex(node.ed25519_seed_hex));
      expect(toHex(keys.ed25519PublicKey)).toBe(node.ed25519_pk_hex);
      expect(toHex(keys.x25519PublicKey)).toBe(node.x25519_pk_hex);
      expect(toHex(keys.x25519SecretKey)).toBe(node.x25519_sk_hex);
    }
  });

  it('checks its inputs', () => {
    expect(() => keysFromSeed(new Uint8Array(31))).toThrow(/seed must be 32 bytes/);
    expect(() => derivedNodeSeed(new Uint8Array(1), -1)).toThrow(/index/);
    expect(() => resolveNodeSeeds({ count: 1, keysFile: join(dir, 'x.json'), explicitSeeds: [new Uint8Array(32), new Uint8Array(32)] })).toThrow(
      /more explicit/,
    );
  });

  it('mixes explicit, derived and stored seeds in that order of precedence', () => {
    const keysFile = join(dir, 'mixed.json');
    const explicit = new Uint8Array(32).fill(7);
    const devnetSeed = new Uint8Array([1, 2, 3]);
    const seeds = resolveNodeSeeds({ count: 3, keysFile, devnetSeed, explicitSeeds: [explicit] });
    expect(seeds.map(toHex)).toEqual([toHex(explicit), toHex(derivedNodeSeed(devnetSeed, 1)), toHex(derivedNodeSeed(devnetSeed, 2))]);
    // Stored seeds are reused, and more nodes extend the list.
    const more = resolveNodeSeeds({ count: 4, keysFile });
    expect(more.slice(0, 3).map(toHex)).toEqual(seeds.map(toHex));
    expect(JSON.parse(readFileSync(keysFile, 'utf8')).nodes).toHaveLength(4);
  });
});

describe('swarm ids', () => {
  it('spreads swarms evenly over 2^64 and assigns nodes round-robin', () => {
    expect(evenSwarmIds(1)).toEqual([0n]);
    expect(evenSwarmIds(2)).toEqual([0n, 1n << 63n]);
    expect(evenSwarmIds(4)).toEqual([0n, 1n << 62n, 2n << 62n, 3n << 62n]);
    const ids = evenSwarmIds(3);
    expect([0, 1, 2, 3, 4].map((i) => swarmOfNode(i, ids))).toEqual([ids[0], ids[1], ids[2], ids[0], ids[1]]);
    expect(() => evenSwarmIds(0)).toThrow(/count/);
  });
});
