import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { toHex } from './bytes.ts';
import { ed25519ToX25519PublicKey, identityFromEntropy, SESSION_ID_PREFIX } from './identity.ts';
import { decryptMessage, encryptMessage } from './session-protocol.ts';
import { SENDER_CACHE_ENTRIES, senderSessionId } from './sender-session-ids.ts';
import { ready, sodium } from './sodium.ts';

beforeAll(ready);
afterEach(() => {
  vi.restoreAllMocks();
});

const conversions = () => vi.spyOn(sodium(), 'crypto_sign_ed25519_pk_to_curve25519');

describe('sender Session IDs', () => {
  it('are "05" and the X25519 form of the Ed25519 key', () => {
    for (const fill of [3, 4, 5]) {
      const identity = identityFromEntropy(new Uint8Array(16).fill(fill));
      expect(senderSessionId(identity.ed25519PublicKey)).toBe(identity.sessionId);
      expect(senderSessionId(identity.ed25519PublicKey)).toBe(SESSION_ID_PREFIX + toHex(ed25519ToX25519PublicKey(identity.ed25519PublicKey)));
    }
  });

  it('convert a sender once however many of its messages are opened', () => {
    const alice = identityFromEntropy(new Uint8Array(16).fill(11));
    const bob = identityFromEntropy(new Uint8Array(16).fill(12));
    const spy = conversions();
    for (let i = 0; i < 5; i++) {
      const sealed = encryptMessage(new Uint8Array([i]), alice, bob.x25519PublicKey);
      expect(decryptMessage(sealed, bob).senderSessionId).toBe(alice.sessionId);
    }
    expect(spy).toHaveBeenCalledTimes(1);
  });

  it('are not kept for a key that has none: it is checked again each time', () => {
    // Not a point on the curve: y = 2 has no x.
    const notAPoint = new Uint8Array(32);
    notAPoint[0] = 2;
    const spy = conversions();
    expect(senderSessionId(notAPoint)).toBeUndefined();
    expect(senderSessionId(notAPoint)).toBeUndefined();
    expect(spy).toHaveBeenCalledTimes(2);
  });

  it(`keep at most ${SENDER_CACHE_ENTRIES} senders, the oldest going first`, () => {
    const keys = Array.from({ length: SENDER_CACHE_ENTRIES + 1 }, () => sodium().crypto_sign_keypair().publicKey);
    for (const key of keys) senderSessionId(key);
    const spy = conversions();
    // The newest are still there; the first was dropped to make room for the last.
    senderSessionId(keys[SENDER_CACHE_ENTRIES]!);
    senderSessionId(keys[1]!);
    expect(spy).toHaveBeenCalledTimes(0);
    senderSessionId(keys[0]!);
    expect(spy).toHaveBeenCalledTimes(1);
  });
});
