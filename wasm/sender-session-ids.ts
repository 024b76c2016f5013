/**
 * The Session ID ("05" + X25519 key) of a message's sender, from the Ed25519 key inside the
 * message. libsodium's conversion checks the point is in the prime-order subgroup, a full scalar
 * multiplication: as much as the sealed box's own key agreement. A conversation brings the same
 * few senders again and again, so the answers are kept (public keys only, nothing secret).
 */
import { toHex } from './bytes.ts';
import { SESSION_ID_PREFIX } from './identity.ts';
import { sodium } from './sodium.ts';

/** Enough for every conversation a user has going; the oldest entry goes first beyond it. */
export const SENDER_CACHE_ENTRIES = 512;

const sessionIdByEd25519Hex = new Map<string, string>();

/**
 * The sender's Session ID, or undefined when the Ed25519 key has no X25519 form (not a point, or
 * not in the prime-order subgroup). Only answers are cached, so a refused key is checked each time.
 */
export function senderSessionId(ed25519PublicKey: Uint8Array): string | undefined {
  const ed25519Hex = toHex(ed25519PublicKey);
  const cached = sessionIdByEd25519Hex.get(ed25519Hex);
  if (cached !== undefined) return cached;
  let x25519PublicKey: Uint8Array;
  try {
    x25519PublicKey = sodium().crypto_sign_ed25519_pk_to_curve25519(ed25519PublicKey);
  } catch {
    return undefined;
  }
  const sessionId = SESSION_ID_PREFIX + toHex(x25519PublicKey);
  if (sessionIdByEd25519Hex.size >= SENDER_CACHE_ENTRIES) {
    // A Map iterates in insertion order: the first key is the oldest.
    const oldest = sessionIdByEd25519Hex.keys().next().value;
    if (oldest !== undefined) sessionIdByEd25519Hex.delete(oldest);
  }
  sessionIdByEd25519Hex.set(ed25519Hex, sessionId);
  return sessionId;
}
