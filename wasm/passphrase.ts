/**
 * The account lock: a secret (the account's seed) encrypted under a passphrase, for storing in
 * IndexedDB. Argon2id (libsodium `crypto_pwhash`, ALG_ARGON2ID13) stretches the passphrase with a
 * random 16-byte salt into a 32-byte key; XChaCha20-Poly1305-IETF with a random 24-byte nonce
 * encrypts the secret.
 *
 * - The header (version, algorithm, opsLimit, memLimit, salt) is the AEAD's additional data, so
 *   editing the stored cost (say, downgrading it) makes unlocking fail rather than silently
 *   weakening the next lock. The cost and salt also feed the key, so this is belt and braces.
 * - A wrong passphrase and tampered data both give `wrong_passphrase`, deliberately the same: the
 *   lock cannot tell them apart and must not hint which byte changed. Fields of the wrong type or
 *   length, or a cost outside the accepted bounds, are `invalid_argument`.
 * - The passphrase is normalised to NFC first, so "é" typed as one code point or as e + U+0301
 *   (different keyboards, different platforms) unlocks the same lock.
 * - The derived key and the passphrase's bytes are wiped; the passphrase string itself cannot be
 *   (JS strings are immutable), so callers should drop it quickly.
 */
import { concatBytes, utf8 } from './bytes.ts';
import { checkBytes, checkInteger, checkMinLength, checkObject, checkString } from './check.ts';
import { ParleyError } from '../src/shared/errors.ts';
import { sodium, wipe } from './sodium.ts';

export const LOCK_VERSION = 1;
export const LOCK_ALGORITHM = 'argon2id13+xchacha20poly1305';

export interface LockCost {
  /** Argon2id passes (libsodium's opslimit). */
  readonly opsLimit: number;
  /** Argon2id memory in bytes (libsodium's memlimit). */
  readonly memLimit: number;
}

/** Plain data (numbers, strings, Uint8Arrays): structured-clones into IndexedDB as it is. */
export interface LockedSecret {
  readonly version: typeof LOCK_VERSION;
  readonly algorithm: typeof LOCK_ALGORITHM;
  readonly salt: Uint8Array;
  readonly nonce: Uint8Array;
  /** The secret's bytes followed by the 16-byte Poly1305 tag. */
  readonly ciphertext: Uint8Array;
  readonly opsLimit: number;
  readonly memLimit: number;
}

/** libsodium's INTERACTIVE limits for Argon2id: 2 passes, 64 MiB (about 0.15–0.25 s in Node). */
export const DEFAULT_LOCK_COST: LockCost = { opsLimit: 2, memLimit: 64 * 1024 * 1024 };
/** libsodium's minimum for Argon2id: for tests only, it protects nothing. */
export const MIN_LOCK_COST: LockCost = { opsLimit: 1, memLimit: 8 * 1024 };
/**
 * The most a lock may ask for: libsodium's SENSITIVE memory (1 GiB) and 16 passes. A stored lock
 * asking for more is refused before hashing, so a corrupted record cannot hang or exhaust the worker.
 */
export const MAX_LOCK_COST: LockCost = { opsLimit: 16, memLimit: 1024 * 1024 * 1024 };

const SALT_BYTES = 16;
const NONCE_BYTES = 24;
const KEY_BYTES = 32;
const TAG_BYTES = 16;

/** Encrypts `secret` under `passphrase`. `cost` defaults to DEFAULT_LOCK_COST. */
export function lockSecret(secret: Uint8Array, passphrase: string, cost: LockCost = DEFAULT_LOCK_COST): LockedSecret {
  checkBytes(secret, 'secret');
  checkMinLength(secret, 'secret', 1);
  checkCost(cost, 'cost');
  const password = passphraseBytes(passphrase);

  const s = sodium();
  const salt = s.randombytes_buf(SALT_BYTES);
  const nonce = s.randombytes_buf(NONCE_BYTES);
  const header = {
    version: LOCK_VERSION,
    algorithm: LOCK_ALGORITHM,
    opsLimit: cost.opsLimit,
    memLimit: cost.memLimit,
    salt,
  } as const;
  const key = deriveKey(password, salt, cost);
  try {
    const ciphertext = s.crypto_aead_xchacha20poly1305_ietf_encrypt(secret, headerBytes(header), null, nonce, key);
    return { ...header, nonce, ciphertext };
  } finally {
    wipe(key);
  }
}

/** Decrypts a lock. `wrong_passphrase` for a wrong passphrase or altered data alike. */
export function unlockSecret(locked: LockedSecret, passphrase: string): Uint8Array {
  checkLocked(locked);
  const password = passphraseBytes(passphrase);
  const key = deriveKey(password, locked.salt, locked);
  try {
    return sodium().crypto_aead_xchacha20poly1305_ietf_decrypt(
      null,
      locked.ciphertext,
      headerBytes(locked),
      locked.nonce,
      key,
    );
  } catch {
    throw new ParleyError('wrong_passphrase', 'the passphrase does not open this lock, or the lock was altered');
  } finally {
    wipe(key);
  }
}

/** Argon2id; wipes the passphrase bytes it is given. */
function deriveKey(password: Uint8Array, salt: Uint8Array, cost: LockCost): Uint8Array {
  const s = sodium();
  try {
    return s.crypto_pwhash(KEY_BYTES, password, salt, cost.opsLimit, cost.memLimit, s.crypto_pwhash_ALG_ARGON2ID13);
  } catch {
    // libsodium fails here only when it cannot get the memory the cost asks for.
    throw new ParleyError('invalid_argument', 'Argon2id could not run with this cost (out of memory?)', {
      param: 'memLimit',
      problem: 'resources',
    });
  } finally {
    wipe(password);
  }
}

/**
 * The additional data: version (1 byte), algorithm (1 length byte + ASCII), opsLimit (4 bytes),
 * memLimit (8 bytes), all big-endian, then the salt. Fixed widths keep the encoding unambiguous.
 */
function headerBytes(header: Omit<LockedSecret, 'nonce' | 'ciphertext'>): Uint8Array {
  const algorithm = utf8(header.algorithm);
  const numbers = new Uint8Array(1 + 1 + algorithm.length + 4 + 8);
  const view = new DataView(numbers.buffer);
  let at = 0;
  view.setUint8(at++, header.version);
  view.setUint8(at++, algorithm.length);
  numbers.set(algorithm, at);
  at += algorithm.length;
  view.setUint32(at, header.opsLimit);
  at += 4;
  view.setUint32(at, Math.floor(header.memLimit / 2 ** 32));
  view.setUint32(at + 4, header.memLimit % 2 ** 32);
  return concatBytes(numbers, header.salt);
}

function passphraseBytes(passphrase: string): Uint8Array {
  checkString(passphrase, 'passphrase');
  if (passphrase.length === 0) {
    throw new ParleyError('invalid_argument', 'passphrase must not be empty', { param: 'passphrase', problem: 'empty' });
  }
  // TextEncoder would turn a lone surrogate into U+FFFD, so two different strings would share a key.
  if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(passphrase)) {
    throw new ParleyError('invalid_argument', 'passphrase is not valid Unicode (lone surrogate)', {
      param: 'passphrase',
      problem: 'encoding',
    });
  }
  return utf8(passphrase.normalize('NFC'));
}

function checkCost(cost: unknown, name: string): asserts cost is LockCost {
  checkObject(cost, name);
  checkInteger(cost['opsLimit'], `${name}.opsLimit`, MIN_LOCK_COST.opsLimit, MAX_LOCK_COST.opsLimit);
  checkInteger(cost['memLimit'], `${name}.memLimit`, MIN_LOCK_COST.memLimit, MAX_LOCK_COST.memLimit);
}

function checkLocked(locked: unknown): asserts locked is LockedSecret {
  checkObject(locked, 'locked');
  if (locked['version'] !== LOCK_VERSION) {
    throw new ParleyError('invalid_argument', `locked.version must be ${LOCK_VERSION}`, {
      param: 'locked.version',
      problem: 'version',
    });
  }
  if (locked['algorithm'] !== LOCK_ALGORITHM) {
    throw new ParleyError('invalid_argument', `locked.algorithm must be ${LOCK_ALGORITHM}`, {
      param: 'locked.algorithm',
      problem: 'algorithm',
    });
  }
  checkBytes(locked['salt'], 'locked.salt', SALT_BYTES);
  checkBytes(locked['nonce'], 'locked.nonce', NONCE_BYTES);
  checkBytes(locked['ciphertext'], 'locked.ciphertext');
  checkMinLength(locked['ciphertext'], 'locked.ciphertext', TAG_BYTES + 1);
  checkCost(locked, 'locked');
}
