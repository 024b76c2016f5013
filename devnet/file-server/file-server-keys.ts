/**
 * The devnet file server's keys: one Ed25519 seed (the X25519 pair is its conversion, as for the
 * nodes), kept in the devnet's keys.json under `file_server` so the key the network profile names
 * stays the same across restarts. A fresh random seed the first time.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fromHex, toHex } from '../../wasm/bytes.ts';
import { checkBytes } from '../../wasm/check.ts';
import { keysFromSeed, type DevnetNodeKeys } from '../network/node-keys.ts';

export type FileServerKeys = DevnetNodeKeys;

interface FileServerEntry {
  readonly ed25519_seed: string;
  readonly ed25519_pubkey: string;
  readonly x25519_pubkey: string;
}

/** Reads the file server's seed from `keysFile` (written by the nodes' resolveNodeSeeds first), or adds one. */
export function resolveFileServerKeys(keysFile: string): FileServerKeys {
  const file = existsSync(keysFile) ? (JSON.parse(readFileSync(keysFile, 'utf8')) as Record<string, unknown>) : {};
  const entry = file['file_server'] as FileServerEntry | undefined;
  if (entry !== undefined) {
    const seed = fromHex(entry.ed25519_seed, 'file_server.ed25519_seed');
    checkBytes(seed, 'file_server.ed25519_seed', 32);
    return keysFromSeed(seed);
  }
  const seed = new Uint8Array(randomBytes(32));
  const keys = keysFromSeed(seed);
  const written: FileServerEntry = { ed25519_seed: toHex(seed), ed25519_pubkey: toHex(keys.ed25519PublicKey), x25519_pubkey: toHex(keys.x25519PublicKey) };
  writeFileSync(keysFile, `${JSON.stringify({ ...file, file_server: written }, null, 2)}\n`, { mode: 0o600 });
  chmodSync(keysFile, 0o600);
  return keys;
}
