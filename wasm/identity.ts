import { toHex } from './bytes.ts';
import { checkBytes } from './check.ts';
import { ParleyError } from '../src/shared/errors.ts';
import { sodium, wipe } from './sodium.ts';

/** An account's keys. The secret halves stay in the worker; wipe them with `wipeIdentity` when done. */
export interface Identity {
  /** 32-byte Ed25519 seed: the 16 bytes of a recovery phrase followed by 16 zero bytes, or a legacy 32-byte seed. */
  readonly ed25519Seed: Uint8Array;
  readonly ed25519PublicKey: Uint8Array;
  /** libsodium's 64-byte form: seed ‖ public key. */
  readonly ed25519SecretKey: Uint8Array;
  readonly x25519PublicKey: Uint8Array;
  readonly x25519SecretKey: Uint8Array;
  /** "05" + hex of the X25519 public key. */
  readonly sessionId: string;
}

export const SESSION_ID_PREFIX = '05';

/** Expands recovery-phrase entropy (16 bytes) or a legacy seed (32 bytes) to the 32-byte Ed25519 seed. */
export function seedFromEntropy(entropy: Uint8Array): Uint8Array {
  checkBytes(entropy, 'entropy');
  if (entropy.length !== 16 && entropy.length !== 32) {
    throw new ParleyError('invalid_argument', `entropy must be 16 or 32 bytes, got ${entropy.length}`, {
      param: 'entropy',
      problem: 'length',
      actual: entropy.length,
    });
  }
  const seed = new Uint8Array(32);
  seed.set(entropy);
  return seed;
}

/** Derives every key of an account from its entropy (16 bytes) or legacy seed (32 bytes). */
export function identityFromEntropy(entropy: Uint8Array): Identity {
  const seed = seedFromEntropy(entropy);
  const s = sodium();
  const ed = s.crypto_sign_seed_keypair(seed);
  const x25519PublicKey = s.crypto_sign_ed25519_pk_to_curve25519(ed.publicKey);
  const x25519SecretKey = s.crypto_sign_ed25519_sk_to_curve25519(ed.privateKey);
  return {
    ed25519Seed: seed,
    ed25519PublicKey: ed.publicKey,
    ed25519SecretKey: ed.privateKey,
    x25519PublicKey,
    x25519SecretKey,
    sessionId: SESSION_ID_PREFIX + toHex(x25519PublicKey),
  };
}

export function wipeIdentity(identity: Identity): void {
  wipe(identity.ed25519Seed, identity.ed25519SecretKey, identity.x25519SecretKey);
}

/** X25519 public key of an Ed25519 public key; a coded error for bytes that are not a valid point. */
export function ed25519ToX25519PublicKey(ed25519PublicKey: Uint8Array): Uint8Array {
  checkBytes(ed25519PublicKey, 'ed25519PublicKey', 32);
  try {
    return sodium().crypto_sign_ed25519_pk_to_curve25519(ed25519PublicKey);
  } catch {
    throw new ParleyError('invalid_argument', 'ed25519PublicKey is not a valid Ed25519 point', {
      param: 'ed25519PublicKey',
      problem: 'point',
    });
  }
}
