/**
 * Random identities for tests: a new account, or a node key pair nobody registered. Each call is
 * fresh, so tests that share a devnet never see each other's messages or swarm state.
 */
import { randomBytes } from 'node:crypto';
import { toHex } from '../wasm/bytes.ts';
import { identityFromEntropy, type Identity } from '../wasm/identity.ts';
import { sodium } from '../wasm/sodium.ts';

/** A new account from 16 random bytes of entropy (as a new recovery phrase would give). */
export function randomIdentity(): Identity {
  return identityFromEntropy(new Uint8Array(randomBytes(16)));
}

/** A service node's keys that no network knows: Ed25519 and its X25519 twin, as hex. Needs `ready()`. */
export function randomNodeKeys(): { ed25519Hex: string; x25519Hex: string } {
  const keys = sodium().crypto_sign_keypair();
  return { ed25519Hex: toHex(keys.publicKey), x25519Hex: toHex(sodium().crypto_sign_ed25519_pk_to_curve25519(keys.publicKey)) };
}
