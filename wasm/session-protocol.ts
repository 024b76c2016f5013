/**
 * 1:1 message encryption, the "Session protocol" (client-protocol.md §2): the sender signs
 * M ‖ A ‖ Y with its Ed25519 key and seals M ‖ A ‖ SIG to the recipient's X25519 key, where M is the
 * padded content, A the sender's Ed25519 public key and Y the recipient's X25519 public key. Y is
 * signed but not sent, so a box re-sealed to someone else fails verification.
 */
import { concatBytes, utf8 } from './bytes.ts';
import { checkBytes } from './check.ts';
import { ParleyError } from '../src/shared/errors.ts';
import type { Identity } from './identity.ts';
import { padMessage, unpadMessage } from './padding.ts';
import { senderSessionId as senderSessionIdOf } from './sender-session-ids.ts';
import { sodium, wipe } from './sodium.ts';

/** What encrypting needs of an account: its 64-byte Ed25519 secret key (seed ‖ public key). */
export type SenderKeys = Pick<Identity, 'ed25519SecretKey'>;
/** What decrypting needs of an account: its X25519 key pair. */
export type RecipientKeys = Pick<Identity, 'x25519PublicKey' | 'x25519SecretKey'>;

export interface DecryptedIncoming {
  /** M: still padded if the sender padded it (decryptMessage removes the padding). */
  readonly plaintext: Uint8Array;
  readonly senderEd25519PublicKey: Uint8Array;
  /** "05" + hex of the sender's X25519 key. */
  readonly senderSessionId: string;
}

export interface DecryptedMessage {
  /** The unpadded content: a serialized Content protobuf. */
  readonly content: Uint8Array;
  readonly senderEd25519PublicKey: Uint8Array;
  readonly senderSessionId: string;
}

const KEY_BYTES = 32;
const SIGNATURE_BYTES = 64;
const SEAL_OVERHEAD = 48; // ephemeral X25519 pk (32) + Poly1305 MAC (16)
/** Bytes a sealed message adds to M: A (32) + SIG (64) + sealed-box overhead (48). */
export const SESSION_PROTOCOL_OVERHEAD = KEY_BYTES + SIGNATURE_BYTES + SEAL_OVERHEAD;

const EPHEMERAL_HASH_KEY = utf8('SessionBoxEphemeralHashKey');
const NONCE_BYTES = 24;

/** Pads `content` (§3) and seals it to the recipient: what the core sends for a 1:1 message. */
export function encryptMessage(
  content: Uint8Array,
  sender: SenderKeys,
  recipientX25519PublicKey: Uint8Array,
): Uint8Array {
  checkBytes(content, 'content');
  const padded = padMessage(content);
  try {
    return encryptForRecipient(padded, sender, recipientX25519PublicKey);
  } finally {
    wipe(padded);
  }
}

/** Opens, verifies and unpads a 1:1 message: the inverse of `encryptMessage`. */
export function decryptMessage(ciphertext: Uint8Array, recipient: RecipientKeys): DecryptedMessage {
  const opened = decryptIncoming(ciphertext, recipient);
  const content = unpadMessage(opened.plaintext);
  wipe(opened.plaintext);
  return {
    content,
    senderEd25519PublicKey: opened.senderEd25519PublicKey,
    senderSessionId: opened.senderSessionId,
  };
}

/** Signs and seals `plaintext` (already padded by the caller) with a random sealed box. */
export function encryptForRecipient(
  plaintext: Uint8Array,
  sender: SenderKeys,
  recipientX25519PublicKey: Uint8Array,
): Uint8Array {
  const inner = signedInner(plaintext, sender, recipientX25519PublicKey);
  try {
    return sealOrThrow(() => sodium().crypto_box_seal(inner, recipientX25519PublicKey));
  } finally {
    wipe(inner);
  }
}

/**
 * The deterministic variant (§2.1 step 4): the ephemeral key and nonce are hashed from the sender's
 * seed, the recipient and M, so the same inputs give the same bytes. The receiver cannot tell it
 * from the random box. The seed is the first half of libsodium's 64-byte secret key. Use it for
 * tests and vectors; equal messages give equal ciphertexts, which the random box avoids.
 */
export function encryptForRecipientDeterministic(
  plaintext: Uint8Array,
  sender: SenderKeys,
  recipientX25519PublicKey: Uint8Array,
): Uint8Array {
  const inner = signedInner(plaintext, sender, recipientX25519PublicKey);
  const s = sodium();
  let hashInput: Uint8Array | undefined;
  let ephemeralSeed: Uint8Array | undefined;
  let ephemeralSecretKey: Uint8Array | undefined;
  try {
    hashInput = concatBytes(sender.ed25519SecretKey.subarray(0, KEY_BYTES), recipientX25519PublicKey, plaintext);
    ephemeralSeed = s.crypto_generichash(32, hashInput, EPHEMERAL_HASH_KEY);
    const ephemeral = s.crypto_box_seed_keypair(ephemeralSeed);
    ephemeralSecretKey = ephemeral.privateKey;
    const nonce = s.crypto_generichash(NONCE_BYTES, concatBytes(ephemeral.publicKey, recipientX25519PublicKey), null);
    const box = sealOrThrow(() => s.crypto_box_easy(inner, nonce, recipientX25519PublicKey, ephemeral.privateKey));
    return concatBytes(ephemeral.publicKey, box);
  } finally {
    wipe(inner, hashInput, ephemeralSeed, ephemeralSecretKey);
  }
}

/**
 * Opens and verifies an incoming message. Errors, by code:
 * - `ciphertext_too_short`: fewer than 144 bytes, so it cannot hold A, SIG and the seal;
 * - `decrypt_failed`: the box does not open with our keys (not for us, or altered);
 * - `signature_invalid`: the signature does not cover M ‖ A ‖ our key, or A does not convert to an
 *   X25519 key. The latter counts as a signature failure because a key without a Session ID cannot
 *   authenticate anyone: in both cases we opened the box but do not know who sent it.
 */
export function decryptIncoming(ciphertext: Uint8Array, recipient: RecipientKeys): DecryptedIncoming {
  checkBytes(ciphertext, 'ciphertext');
  checkKeyHolder(recipient, 'recipient');
  checkBytes(recipient.x25519PublicKey, 'recipient.x25519PublicKey', KEY_BYTES);
  checkBytes(recipient.x25519SecretKey, 'recipient.x25519SecretKey', KEY_BYTES);
  if (ciphertext.length < SESSION_PROTOCOL_OVERHEAD) {
    throw new ParleyError('ciphertext_too_short', `ciphertext must be at least ${SESSION_PROTOCOL_OVERHEAD} bytes`, {
      expected: SESSION_PROTOCOL_OVERHEAD,
      actual: ciphertext.length,
    });
  }

  const s = sodium();
  let inner: Uint8Array;
  try {
    inner = s.crypto_box_seal_open(ciphertext, recipient.x25519PublicKey, recipient.x25519SecretKey);
  } catch {
    throw new ParleyError('decrypt_failed', 'the sealed box does not open with this key');
  }

  const signatureAt = inner.length - SIGNATURE_BYTES;
  const senderKeyAt = signatureAt - KEY_BYTES;
  const plaintext = inner.slice(0, senderKeyAt);
  const senderEd25519PublicKey = inner.slice(senderKeyAt, signatureAt);
  const signature = inner.subarray(signatureAt);
  const signed = concatBytes(plaintext, senderEd25519PublicKey, recipient.x25519PublicKey);
  try {
    if (!verifyOrFalse(signature, signed, senderEd25519PublicKey)) {
      throw new ParleyError('signature_invalid', 'the message signature does not verify');
    }
    const senderSessionId = senderSessionIdOf(senderEd25519PublicKey);
    if (senderSessionId === undefined) {
      throw new ParleyError('signature_invalid', 'the sender key has no X25519 form');
    }
    return { plaintext, senderEd25519PublicKey, senderSessionId };
  } catch (error) {
    wipe(plaintext);
    throw error;
  } finally {
    wipe(inner, signed);
  }
}

/** M ‖ A ‖ SIG, where SIG signs M ‖ A ‖ Y. Checks every input of the encrypt functions. */
function signedInner(plaintext: Uint8Array, sender: SenderKeys, recipientX25519PublicKey: Uint8Array): Uint8Array {
  checkBytes(plaintext, 'plaintext');
  checkKeyHolder(sender, 'sender');
  checkBytes(sender.ed25519SecretKey, 'sender.ed25519SecretKey', 64);
  checkBytes(recipientX25519PublicKey, 'recipientX25519PublicKey', KEY_BYTES);
  const senderEd25519PublicKey = sender.ed25519SecretKey.subarray(KEY_BYTES);
  const signed = concatBytes(plaintext, senderEd25519PublicKey, recipientX25519PublicKey);
  try {
    const signature = sodium().crypto_sign_detached(signed, sender.ed25519SecretKey);
    return concatBytes(plaintext, senderEd25519PublicKey, signature);
  } finally {
    wipe(signed);
  }
}

/** libsodium refuses a recipient key whose shared secret is all zeros (a low-order point). */
function sealOrThrow(seal: () => Uint8Array): Uint8Array {
  try {
    return seal();
  } catch {
    throw new ParleyError('invalid_argument', 'recipientX25519PublicKey is not a usable X25519 key', {
      param: 'recipientX25519PublicKey',
      problem: 'point',
    });
  }
}

function verifyOrFalse(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  try {
    return sodium().crypto_sign_verify_detached(signature, message, publicKey);
  } catch {
    return false;
  }
}

function checkKeyHolder(value: unknown, name: string): asserts value is object {
  if (typeof value !== 'object' || value === null) {
    throw new ParleyError('invalid_argument', `${name} must be an object holding keys`, {
      param: name,
      problem: 'type',
    });
  }
}
