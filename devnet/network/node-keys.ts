/**
 * Service-node keys of a devnet. Each node is one 32-byte Ed25519 seed; its X25519 pair is the
 * Ed25519 pair converted (`crypto_sign_ed25519_{pk,sk}_to_curve25519`), as on real nodes.
 *
 * Where seeds come from, first match wins, node by node:
 *   1. explicit seeds given by the caller (a test starting the ONION-3HOP nodes: 32 bytes of i);
 *   2. a devnet seed: node i's seed = BLAKE2b-256(devnetSeed ‖ u32le(i));
 *   3. `keys.json` in the data folder, from an earlier run;
 *   4. fresh random bytes.
 * The list is written back to `keys.json` (mode 0600). A data folder that already holds different
 * keys for a node is refused rather than silently mixed with another network's messages.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { randomBytes } from 'node:crypto';
import { fromHex, toHex } from '../../wasm/bytes.ts';
import { checkBytes, checkInteger } from '../../wasm/check.ts';
import { ParleyError } from '../../src/shared/errors.ts';
import { identityFromEntropy } from '../../wasm/identity.ts';
import { sodium } from '../../wasm/sodium.ts';
import type { NodeKeys } from '../node/types.ts';

export interface DevnetNodeKeys extends NodeKeys {
  readonly ed25519Seed: Uint8Array;
}

const SEED_BYTES = 32;

/** Both key pairs of a node from its Ed25519 seed. Needs `await ready()` first. */
export function keysFromSeed(seed: Uint8Array): DevnetNodeKeys {
  checkBytes(seed, 'seed', SEED_BYTES);
  const identity = identityFromEntropy(seed);
  return {
    ed25519Seed: identity.ed25519Seed,
    ed25519PublicKey: identity.ed25519PublicKey,
    ed25519SecretKey: identity.ed25519SecretKey,
    x25519PublicKey: identity.x25519PublicKey,
    x25519SecretKey: identity.x25519SecretKey,
  };
}

/** Node `index`'s seed in a deterministic devnet: BLAKE2b-256(devnetSeed ‖ u32le(index)). */
export function derivedNodeSeed(devnetSeed: Uint8Array, index: number): Uint8Array {
  checkBytes(devnetSeed, 'devnetSeed');
  checkInteger(index, 'index', 0, 0xffff_ffff);
  const input = new Uint8Array(devnetSeed.length + 4);
  input.set(devnetSeed);
  new DataView(input.buffer).setUint32(devnetSeed.length, index, true);
  return sodium().crypto_generichash(SEED_BYTES, input, null);
}

export interface NodeSeedRequest {
  readonly count: number;
  /** `<dataDir>/keys.json`. */
  readonly keysFile: string;
  readonly devnetSeed?: Uint8Array;
  readonly explicitSeeds?: readonly Uint8Array[];
}

interface KeysFile {
  readonly version: 1;
  readonly nodes: readonly { readonly ed25519_seed: string; readonly ed25519_pubkey: string; readonly x25519_pubkey: string }[];
}

/** The seeds of nodes 0..count-1, reconciled with `keys.json` and written back to it. */
export function resolveNodeSeeds(request: NodeSeedRequest): Uint8Array[] {
  checkInteger(request.count, 'count', 1, 1000);
  const explicit = request.explicitSeeds ?? [];
  explicit.forEach((seed, i) => checkBytes(seed, `explicitSeeds[${i}]`, SEED_BYTES));
  if (explicit.length > request.count) {
    throw new ParleyError('invalid_argument', 'more explicit node seeds than nodes', { param: 'explicitSeeds', problem: 'length' });
  }
  const stored = readKeysFile(request.keysFile);
  const seeds: Uint8Array[] = [];
  for (let i = 0; i < request.count; i++) {
    const wanted = explicit[i] ?? (request.devnetSeed ? derivedNodeSeed(request.devnetSeed, i) : undefined);
    const kept = stored[i];
    if (wanted && kept && toHex(wanted) !== toHex(kept)) {
      throw new ParleyError('invalid_argument', `${request.keysFile} holds other keys for node ${i}; start with reset to replace that network`, {
        param: 'dataDir',
        problem: 'keys_mismatch',
      });
    }
    seeds.push(wanted ?? kept ?? new Uint8Array(randomBytes(SEED_BYTES)));
  }
  writeKeysFile(request.keysFile, stored.length > seeds.length ? [...seeds, ...stored.slice(seeds.length)] : seeds);
  return seeds;
}

function readKeysFile(path: string): Uint8Array[] {
  if (!existsSync(path)) return [];
  let parsed: KeysFile;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8')) as KeysFile;
    return parsed.nodes.map((node, i) => {
      const seed = fromHex(node.ed25519_seed, `nodes[${i}].ed25519_seed`);
      checkBytes(seed, `nodes[${i}].ed25519_seed`, SEED_BYTES);
      return seed;
    });
  } catch (error) {
    throw new ParleyError('invalid_argument', `${path} is not a devnet keys file (${(error as Error).message})`, {
      param: 'dataDir',
      problem: 'keys_file',
    });
  }
}

function writeKeysFile(path: string, seeds: readonly Uint8Array[]): void {
  // Other entries (the file server's keys, devnet/file-server/file-server-keys.ts) are kept as they are.
  const others = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>) : {};
  const file: KeysFile = {
    ...others,
    version: 1,
    nodes: seeds.map((seed) => {
      const keys = keysFromSeed(seed);
      return { ed25519_seed: toHex(seed), ed25519_pubkey: toHex(keys.ed25519PublicKey), x25519_pubkey: toHex(keys.x25519PublicKey) };
    }),
  };
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
}
