/**
 * Per-hop encryption of onion requests (network-protocol.md §4.2): key derivation from an X25519
 * exchange, and the two authenticated ciphers a hop understands. AES-256-GCM comes from WebCrypto
 * because libsodium's WASM build has none, which is why encrypt/decrypt are async.
 */
import { checkBytes } from '../check.ts';
import { ParleyError } from '../../src/shared/errors.ts';
import { sodium, wipe } from '../sodium.ts';

export type EncType = 'aes-gcm' | 'xchacha20';

export const KEY_BYTES = 32;
export const AES_GCM_IV_BYTES = 12;
export const XCHACHA20_NONCE_BYTES = 24;
export const TAG_BYTES = 16;

// HMAC key (not message) of the aes-gcm derivation, §4.2.
const LOKI = new TextEncoder().encode('LOKI');

/** Bytes of IV (aes-gcm) or nonce (xchacha20) at the front of every blob. */
export function ivLength(encType: EncType): number {
  return encType === 'aes-gcm' ? AES_GCM_IV_BYTES : XCHACHA20_NONCE_BYTES;
}

/** What a cipher adds to a plaintext: 28 bytes for aes-gcm, 40 for xchacha20. */
export function encryptionOverhead(encType: EncType): number {
  return ivLength(encType) + TAG_BYTES;
}

/** Entry check for API callers: exactly one of the two names, no aliases. */
export function checkEncType(value: unknown, name = 'encType'): asserts value is EncType {
  if (value !== 'aes-gcm' && value !== 'xchacha20') {
    throw new ParleyError('invalid_argument', `${name} must be "aes-gcm" or "xchacha20"`, {
      param: name,
      problem: 'value',
    });
  }
}

/**
 * Reads an `enc_type` field from an onion trailer. Absent means aes-gcm; the storage server also
 * accepts "gcm" and "xchacha20-poly1305" as aliases (SS channel_encryption parse_enc_type), so do we.
 * aes-cbc is not supported (§4.2) and is malformed here.
 */
export function encTypeFromWire(value: unknown): EncType {
  if (value === undefined) return 'aes-gcm';
  if (value === 'aes-gcm' || value === 'gcm') return 'aes-gcm';
  if (value === 'xchacha20' || value === 'xchacha20-poly1305') return 'xchacha20';
  throw new ParleyError('onion_malformed', 'unsupported enc_type in onion trailer', { reason: 'enc_type' });
}

/**
 * The symmetric key of one hop, seen from the client: its ephemeral key pair and the node's
 * long-term X25519 public key. A node key that yields an all-zero secret is an invalid argument.
 */
export function deriveClientKey(
  encType: EncType,
  clientSecretKey: Uint8Array,
  clientPublicKey: Uint8Array,
  nodePublicKey: Uint8Array,
): Uint8Array {
  checkEncType(encType);
  checkBytes(clientSecretKey, 'clientSecretKey', 32);
  checkBytes(clientPublicKey, 'clientPublicKey', 32);
  checkBytes(nodePublicKey, 'nodePublicKey', 32);
  const shared = sharedSecret(clientSecretKey, nodePublicKey, () => {
    throw new ParleyError('invalid_argument', 'nodePublicKey is a low-order point', {
      param: 'nodePublicKey',
      problem: 'point',
    });
  });
  return keyFromShared(encType, shared, clientPublicKey, nodePublicKey);
}

/**
 * The same key, seen from the node: its long-term key pair and the client's ephemeral public key
 * from the trailer. A low-order ephemeral key means the hop cannot decrypt: onion_decrypt_failed.
 */
export function deriveNodeKey(
  encType: EncType,
  nodeSecretKey: Uint8Array,
  nodePublicKey: Uint8Array,
  clientPublicKey: Uint8Array,
): Uint8Array {
  checkEncType(encType);
  checkBytes(nodeSecretKey, 'nodeSecretKey', 32);
  checkBytes(nodePublicKey, 'nodePublicKey', 32);
  checkBytes(clientPublicKey, 'clientPublicKey', 32);
  const shared = sharedSecret(nodeSecretKey, clientPublicKey, () => {
    throw new ParleyError('onion_decrypt_failed', 'ephemeral key is a low-order point', { reason: 'weak_key' });
  });
  return keyFromShared(encType, shared, clientPublicKey, nodePublicKey);
}

function sharedSecret(secretKey: Uint8Array, publicKey: Uint8Array, onWeakKey: () => never): Uint8Array {
  try {
    return sodium().crypto_scalarmult(secretKey, publicKey);
  } catch (error) {
    if (error instanceof ParleyError) throw error;
    // libsodium refuses a public key whose product is all zeros ("weak public key").
    return onWeakKey();
  }
}

/** Consumes (wipes) `shared`. */
function keyFromShared(
  encType: EncType,
  shared: Uint8Array,
  clientPublicKey: Uint8Array,
  nodePublicKey: Uint8Array,
): Uint8Array {
  const s = sodium();
  try {
    if (encType === 'aes-gcm') {
      // The one-shot crypto_auth_hmacsha256 of libsodium-wrappers 0.8.4 rejects a 4-byte key; the
      // streaming form accepts any key length and gives the standard HMAC (§4.2).
      const state = s.crypto_auth_hmacsha256_init(LOKI);
      s.crypto_auth_hmacsha256_update(state, shared);
      return s.crypto_auth_hmacsha256_final(state);
    }
    const state = s.crypto_generichash_init(null, KEY_BYTES);
    s.crypto_generichash_update(state, shared);
    s.crypto_generichash_update(state, clientPublicKey);
    s.crypto_generichash_update(state, nodePublicKey);
    return s.crypto_generichash_final(state, KEY_BYTES);
  } finally {
    wipe(shared);
  }
}

/** WebCrypto's CryptoKey, named through `crypto` so that Node's typings (no DOM) know it too. */
type AesKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;

/**
 * A hop key made ready to encrypt with. For aes-gcm that is a WebCrypto key: importing it is an
 * async call of its own, so an onion imports all its layers' keys at once (`prepareKeys`) instead
 * of one import and one encryption after the other per layer.
 */
export type PreparedKey =
  | { readonly encType: 'aes-gcm'; readonly key: AesKey }
  | { readonly encType: 'xchacha20'; readonly key: Uint8Array };

/**
 * Prepares `keys` for `encryptWith`, all in parallel. The raw keys stay the caller's to wipe.
 * With `replyKey`, `keys[0]` is the destination's key, which also opens its reply: for aes-gcm it
 * is imported for both directions and remembered against that array, so the reply's `decrypt`
 * skips a second import (one WebCrypto round trip less per request).
 */
export function prepareKeys(encType: EncType, keys: readonly Uint8Array[], options: { readonly replyKey?: boolean } = {}): Promise<PreparedKey[]> {
  checkEncType(encType);
  keys.forEach((key, i) => checkBytes(key, `keys[${i}]`, KEY_BYTES));
  if (encType === 'xchacha20') return Promise.resolve(keys.map((key) => ({ encType, key })));
  return Promise.all(
    keys.map(async (key, i) => {
      if (i !== 0 || options.replyKey !== true) return { encType, key: await importAesKey(key, ['encrypt']) };
      const imported = await importAesKey(key, ['encrypt', 'decrypt']);
      replyKeys.set(key, { fingerprint: keyFingerprint(key), key: imported });
      return { encType, key: imported };
    }),
  );
}

/**
 * Reply keys imported while their onion was built, by the caller's key array. The entry goes with
 * the array; a fingerprint (not a copy of the key) makes sure the array still holds that key, so a
 * wiped or reused array is imported afresh.
 */
const replyKeys = new WeakMap<Uint8Array, { readonly fingerprint: Uint8Array; readonly key: AesKey }>();

function keyFingerprint(key: Uint8Array): Uint8Array {
  return sodium().crypto_generichash(16, key, null);
}

function rememberedReplyKey(key: Uint8Array): AesKey | undefined {
  const remembered = replyKeys.get(key);
  if (remembered === undefined) return undefined;
  if (sodium().memcmp(remembered.fingerprint, keyFingerprint(key))) return remembered.key;
  replyKeys.delete(key);
  return undefined;
}

/**
 * Encrypts one blob: `iv ‖ ciphertext ‖ tag` (aes-gcm) or `nonce ‖ ciphertext+tag` (xchacha20).
 * `iv` exists only for known-answer tests (fixed IVs reproduce a vector); in normal use leave it
 * out and a fresh random IV/nonce is drawn — reusing one under the same key breaks both ciphers.
 */
export async function encrypt(
  encType: EncType,
  key: Uint8Array,
  plaintext: Uint8Array,
  iv?: Uint8Array,
): Promise<Uint8Array> {
  checkEncType(encType);
  checkBytes(key, 'key', KEY_BYTES);
  const [prepared] = await prepareKeys(encType, [key]);
  return encryptWith(prepared!, plaintext, iv);
}

/** `encrypt` with a key from `prepareKeys`. */
export async function encryptWith(prepared: PreparedKey, plaintext: Uint8Array, iv?: Uint8Array): Promise<Uint8Array> {
  checkBytes(plaintext, 'plaintext');
  const ivBytes = ivLength(prepared.encType);
  if (iv !== undefined) checkBytes(iv, 'iv', ivBytes);
  const nonce = iv ?? sodium().randombytes_buf(ivBytes);
  const sealed =
    prepared.encType === 'aes-gcm'
      ? await aesGcm('encrypt', prepared.key, nonce, plaintext)
      : sodium().crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, null, null, nonce, prepared.key);
  const blob = new Uint8Array(nonce.length + sealed.length);
  blob.set(nonce);
  blob.set(sealed, nonce.length);
  return blob;
}

/** Opens a blob made by `encrypt`; any failure (too short, wrong key, tampered) is onion_decrypt_failed. */
export async function decrypt(encType: EncType, key: Uint8Array, blob: Uint8Array): Promise<Uint8Array> {
  checkEncType(encType);
  checkBytes(key, 'key', KEY_BYTES);
  checkBytes(blob, 'blob');
  const ivBytes = ivLength(encType);
  if (blob.length < ivBytes + TAG_BYTES) {
    throw new ParleyError('onion_decrypt_failed', `${encType} blob is too short`, {
      reason: 'too_short',
      actual: blob.length,
    });
  }
  const nonce = blob.subarray(0, ivBytes);
  const sealed = blob.subarray(ivBytes);
  try {
    if (encType === 'aes-gcm') return await aesGcm('decrypt', rememberedReplyKey(key) ?? (await importAesKey(key, ['decrypt'])), nonce, sealed);
    return sodium().crypto_aead_xchacha20poly1305_ietf_decrypt(null, sealed, null, nonce, key);
  } catch {
    throw new ParleyError('onion_decrypt_failed', `${encType} blob failed authentication`, {
      reason: 'authentication',
    });
  }
}

/**
 * Decrypts a reply from the destination. The legacy push server answered errors in AES-GCM even
 * to xchacha20 requests, so (like LSU response_parser) an xchacha20 failure is retried as aes-gcm
 * with the same key; the first error is the one reported when both fail.
 */
export async function decryptReply(encType: EncType, key: Uint8Array, blob: Uint8Array): Promise<Uint8Array> {
  try {
    return await decrypt(encType, key, blob);
  } catch (error) {
    if (encType !== 'xchacha20' || !(error instanceof ParleyError) || error.code !== 'onion_decrypt_failed') {
      throw error;
    }
    try {
      return await decrypt('aes-gcm', key, blob);
    } catch {
      throw error;
    }
  }
}

async function importAesKey(key: Uint8Array, usages: readonly ('encrypt' | 'decrypt')[]): Promise<AesKey> {
  // A private copy on a plain ArrayBuffer satisfies WebCrypto's BufferSource type and can be wiped.
  const rawKey = new Uint8Array(key);
  try {
    return await crypto.subtle.importKey('raw', rawKey, { name: 'AES-GCM' }, false, [...usages]);
  } finally {
    wipe(rawKey);
  }
}

async function aesGcm(direction: 'encrypt' | 'decrypt', key: AesKey, iv: Uint8Array, data: Uint8Array): Promise<Uint8Array> {
  const params = { name: 'AES-GCM', iv: new Uint8Array(iv), tagLength: TAG_BYTES * 8 };
  const out =
    direction === 'encrypt'
      ? await crypto.subtle.encrypt(params, key, plainBuffer(data))
      : await crypto.subtle.decrypt(params, key, plainBuffer(data));
  return new Uint8Array(out);
}

function plainBuffer(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes);
}
