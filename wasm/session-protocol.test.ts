import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { casesOf, loadVectors } from '../test/vectors.ts';
import { concatBytes, fromHex, toHex, utf8 } from './bytes.ts';
import type { ErrorCode } from '../src/shared/errors.ts';
import type { Identity } from './identity.ts';
import { ed25519ToX25519PublicKey, identityFromEntropy } from './identity.ts';
import { padMessage } from './padding.ts';
import {
  decryptIncoming,
  decryptMessage,
  encryptForRecipient,
  encryptForRecipientDeterministic,
  encryptMessage,
  SESSION_PROTOCOL_OVERHEAD,
} from './session-protocol.ts';
import { ready, sodium } from './sodium.ts';
import { codeOf } from '../test/expect-code.ts';

const vectors = loadVectors('session-protocol');

interface EncryptDeterministic {
  sender: { ed25519_seed_hex: string; ed25519_pk_hex: string; ed25519_sk_hex: string; session_id: string };
  recipient: { x25519_pk_hex: string; session_id: string };
  plaintext_hex: string;
  ciphertext_hex: string;
  intermediate: { inner_plaintext_hex: string; signature_hex: string };
}
interface Decrypt {
  recipient: { ed25519_seed_hex: string; x25519_pk_hex: string; x25519_sk_hex: string; session_id: string };
  ciphertext_hex: string;
  expected_plaintext_hex: string;
  expected_sender_ed25519_pk_hex: string;
  expected_sender_session_id: string;
}
interface DecryptMustFail {
  recipient_x25519_sk_hex: string;
  recipient_x25519_pk_hex: string;
  ciphertext_hex: string;
  opened_inner_plaintext_hex?: string;
}
interface CiphertextLength {
  plaintext_length: number;
  expected_ciphertext_length: number;
}

/** Our own codes for the vectors' must-fail cases (the vectors call their reasons advisory). */
const MUST_FAIL_CODES: Record<string, ErrorCode> = {
  SP3: 'decrypt_failed',
  SP4: 'decrypt_failed',
  SP5: 'ciphertext_too_short',
  SP6: 'signature_invalid',
};

const invalid = expect.objectContaining({ code: 'invalid_argument' });

let alice: Identity;
let bob: Identity;
let carol: Identity;

beforeAll(async () => {
  await ready();
  alice = identityFromEntropy(new Uint8Array(16).fill(1));
  bob = identityFromEntropy(new Uint8Array(16).fill(2));
  carol = identityFromEntropy(new Uint8Array(16).fill(3));
});

describe('session-protocol vectors', () => {
  it.each(casesOf<EncryptDeterministic>(vectors, 'encrypt_deterministic'))(
    '$id: deterministic encryption reproduces the ciphertext byte for byte',
    (c) => {
      const sender = identityFromEntropy(fromHex(c.sender.ed25519_seed_hex));
      expect(toHex(sender.ed25519SecretKey)).toBe(c.sender.ed25519_sk_hex);
      expect(sender.sessionId).toBe(c.sender.session_id);
      const ciphertext = encryptForRecipientDeterministic(
        fromHex(c.plaintext_hex),
        sender,
        fromHex(c.recipient.x25519_pk_hex),
      );
      expect(toHex(ciphertext)).toBe(c.ciphertext_hex);
      expect(c.intermediate.inner_plaintext_hex.endsWith(c.intermediate.signature_hex)).toBe(true);
    },
  );

  it.each(casesOf<Decrypt>(vectors, 'decrypt'))('$id: decrypts and names the sender', (c) => {
    const recipient = identityFromEntropy(fromHex(c.recipient.ed25519_seed_hex));
    expect(toHex(recipient.x25519PublicKey)).toBe(c.recipient.x25519_pk_hex);
    expect(toHex(recipient.x25519SecretKey)).toBe(c.recipient.x25519_sk_hex);
    const opened = decryptIncoming(fromHex(c.ciphertext_hex), recipient);
    expect(toHex(opened.plaintext)).toBe(c.expected_plaintext_hex);
    expect(toHex(opened.senderEd25519PublicKey)).toBe(c.expected_sender_ed25519_pk_hex);
    expect(opened.senderSessionId).toBe(c.expected_sender_session_id);
    // The vector's M is unpadded "hello"; decryptMessage's unpad leaves such data as it is.
    expect(toHex(decryptMessage(fromHex(c.ciphertext_hex), recipient).content)).toBe(c.expected_plaintext_hex);
  });

  it.each(casesOf<DecryptMustFail>(vectors, 'decrypt_must_fail'))('$id: must be rejected', (c) => {
    const recipient = {
      x25519PublicKey: fromHex(c.recipient_x25519_pk_hex),
      x25519SecretKey: fromHex(c.recipient_x25519_sk_hex),
    };
    const ciphertext = fromHex(c.ciphertext_hex);
    const code = codeOf(() => decryptIncoming(ciphertext, recipient));
    expect(code).toBe(MUST_FAIL_CODES[c.id] ?? code);
    expect(['ciphertext_too_short', 'decrypt_failed', 'signature_invalid']).toContain(code);
    expect(codeOf(() => decryptMessage(ciphertext, recipient))).toBe(code);
    if (c.opened_inner_plaintext_hex !== undefined) {
      // The box itself opens (so the failure is the signature's): check the vector's claim with libsodium.
      const inner = sodium().crypto_box_seal_open(ciphertext, recipient.x25519PublicKey, recipient.x25519SecretKey);
      expect(toHex(inner)).toBe(c.opened_inner_plaintext_hex);
    }
  });

  it.each(casesOf<CiphertextLength>(vectors, 'ciphertext_length'))('$id: overhead is len(M) + 144', (c) => {
    const message = new Uint8Array(c.plaintext_length).fill(7);
    expect(SESSION_PROTOCOL_OVERHEAD).toBe(144);
    expect(encryptForRecipient(message, alice, bob.x25519PublicKey).length).toBe(c.expected_ciphertext_length);
    expect(encryptForRecipientDeterministic(message, alice, bob.x25519PublicKey).length).toBe(
      c.expected_ciphertext_length,
    );
  });
});

describe('session-protocol round trips', () => {
  const entropy = fc.uint8Array({ minLength: 16, maxLength: 16 });

  it('encryptMessage / decryptMessage between random identities', () => {
    fc.assert(
      fc.property(entropy, entropy, fc.uint8Array({ maxLength: 600 }), (a, b, content) => {
        const sender = identityFromEntropy(a);
        const recipient = identityFromEntropy(b);
        const ciphertext = encryptMessage(content, sender, recipient.x25519PublicKey);
        expect(ciphertext.length).toBe(padMessage(content).length + 144);
        const opened = decryptMessage(ciphertext, recipient);
        expect(opened.content).toEqual(content);
        expect(opened.senderSessionId).toBe(sender.sessionId);
        expect(opened.senderEd25519PublicKey).toEqual(sender.ed25519PublicKey);
      }),
      { numRuns: 50 },
    );
  });

  it('both constructions open with decryptIncoming, unpadded M kept as is', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (message) => {
        for (const encrypt of [encryptForRecipient, encryptForRecipientDeterministic]) {
          const opened = decryptIncoming(encrypt(message, alice, bob.x25519PublicKey), bob);
          expect(opened.plaintext).toEqual(message);
          expect(opened.senderSessionId).toBe(alice.sessionId);
        }
      }),
      { numRuns: 50 },
    );
  });

  it('the random box differs each time; the deterministic one does not', () => {
    const message = utf8('same words');
    expect(encryptForRecipient(message, alice, bob.x25519PublicKey)).not.toEqual(
      encryptForRecipient(message, alice, bob.x25519PublicKey),
    );
    expect(encryptForRecipientDeterministic(message, alice, bob.x25519PublicKey)).toEqual(
      encryptForRecipientDeterministic(message, alice, bob.x25519PublicKey),
    );
  });

  it('does not modify its inputs', () => {
    const message = utf8('keep me');
    const before = message.slice();
    const skBefore = alice.ed25519SecretKey.slice();
    const ciphertext = encryptMessage(message, alice, bob.x25519PublicKey);
    const ctBefore = ciphertext.slice();
    decryptMessage(ciphertext, bob);
    expect(message).toEqual(before);
    expect(alice.ed25519SecretKey).toEqual(skBefore);
    expect(ciphertext).toEqual(ctBefore);
  });
});

describe('decryptIncoming rejects', () => {
  it('truncated ciphertexts at several lengths', () => {
    const ciphertext = encryptForRecipient(utf8('hello there'), alice, bob.x25519PublicKey);
    for (const length of [0, 1, 32, 48, 100, 143]) {
      expect(codeOf(() => decryptIncoming(ciphertext.subarray(0, length), bob))).toBe('ciphertext_too_short');
    }
    for (const length of [144, 150, ciphertext.length - 1]) {
      expect(codeOf(() => decryptIncoming(ciphertext.subarray(0, length), bob))).toBe('decrypt_failed');
    }
    const extended = concatBytes(ciphertext, new Uint8Array([0]));
    expect(codeOf(() => decryptIncoming(extended, bob))).toBe('decrypt_failed');
  });

  it('every single-byte change of a short ciphertext', () => {
    const ciphertext = encryptForRecipient(utf8('hi'), alice, bob.x25519PublicKey);
    expect(ciphertext.length).toBe(146);
    for (let i = 0; i < ciphertext.length; i++) {
      for (const mask of [0x01, 0x80]) {
        const tampered = ciphertext.slice();
        tampered[i]! ^= mask;
        expect(codeOf(() => decryptIncoming(tampered, bob)), `byte ${i} ^ ${mask}`).toBe('decrypt_failed');
      }
    }
  });

  it('a box for another recipient', () => {
    const ciphertext = encryptMessage(utf8('for bob'), alice, bob.x25519PublicKey);
    expect(codeOf(() => decryptMessage(ciphertext, carol))).toBe('decrypt_failed');
    expect(codeOf(() => decryptMessage(ciphertext, alice))).toBe('decrypt_failed');
  });

  it('a signature by a different key than the one the message names', () => {
    const m = padMessage(utf8('forged'));
    const claimed = alice.ed25519PublicKey;
    const signature = sodium().crypto_sign_detached(concatBytes(m, claimed, bob.x25519PublicKey), carol.ed25519SecretKey);
    const sealed = sodium().crypto_box_seal(concatBytes(m, claimed, signature), bob.x25519PublicKey);
    expect(codeOf(() => decryptIncoming(sealed, bob))).toBe('signature_invalid');
  });

  it('a box re-sealed to another recipient (the signature covers the first one)', () => {
    const inner = sodium().crypto_box_seal_open(
      encryptForRecipient(utf8('to bob'), alice, bob.x25519PublicKey),
      bob.x25519PublicKey,
      bob.x25519SecretKey,
    );
    const resealed = sodium().crypto_box_seal(inner, carol.x25519PublicKey);
    expect(codeOf(() => decryptIncoming(resealed, carol))).toBe('signature_invalid');
  });

  it('a valid signature by a sender key that has no X25519 form (mixed-order point)', () => {
    const s = sodium();
    // A torsion point of order 8: A' = A + T still verifies for some signatures, but is outside
    // the prime-order subgroup, so libsodium refuses to convert it to X25519.
    const torsion = fromHex('26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05');
    const secretScalar = s.crypto_core_ed25519_scalar_random();
    const mixedKey = s.crypto_core_ed25519_add(s.crypto_scalarmult_ed25519_base_noclamp(secretScalar), torsion);
    const m = padMessage(utf8('odd key'));
    const signed = concatBytes(m, mixedKey, bob.x25519PublicKey);
    let signature: Uint8Array | undefined;
    // h·T vanishes when h ≡ 0 (mod 8); about one nonce in eight gives such an h.
    for (let attempt = 0; attempt < 500 && signature === undefined; attempt++) {
      const r = s.crypto_core_ed25519_scalar_random();
      const big_r = s.crypto_scalarmult_ed25519_base_noclamp(r);
      const h = s.crypto_core_ed25519_scalar_reduce(s.crypto_hash_sha512(concatBytes(big_r, mixedKey, signed)));
      if ((h[0]! & 7) !== 0) continue;
      signature = concatBytes(big_r, s.crypto_core_ed25519_scalar_add(r, s.crypto_core_ed25519_scalar_mul(h, secretScalar)));
    }
    expect(signature).toBeDefined();
    expect(s.crypto_sign_verify_detached(signature!, signed, mixedKey)).toBe(true);
    expect(() => ed25519ToX25519PublicKey(mixedKey)).toThrow(invalid);

    const sealed = s.crypto_box_seal(concatBytes(m, mixedKey, signature!), bob.x25519PublicKey);
    expect(codeOf(() => decryptIncoming(sealed, bob))).toBe('signature_invalid');
  });
});

describe('entry checks', () => {
  const wrongBytes: unknown[] = ['00', [0], null, undefined, 1, new ArrayBuffer(32)];
  const message = utf8('x');

  it('rejects wrong types for every parameter', () => {
    for (const bad of wrongBytes) {
      for (const encrypt of [encryptForRecipient, encryptForRecipientDeterministic, encryptMessage]) {
        expect(() => encrypt(bad as Uint8Array, alice, bob.x25519PublicKey)).toThrow(invalid);
        expect(() => encrypt(message, { ed25519SecretKey: bad as Uint8Array }, bob.x25519PublicKey)).toThrow(invalid);
        expect(() => encrypt(message, alice, bad as Uint8Array)).toThrow(invalid);
      }
      for (const decrypt of [decryptIncoming, decryptMessage]) {
        expect(() => decrypt(bad as Uint8Array, bob)).toThrow(invalid);
        expect(() => decrypt(new Uint8Array(200), { ...bob, x25519PublicKey: bad as Uint8Array })).toThrow(invalid);
        expect(() => decrypt(new Uint8Array(200), { ...bob, x25519SecretKey: bad as Uint8Array })).toThrow(invalid);
      }
    }
    for (const badHolder of [null, undefined, 'keys', 5]) {
      expect(() => encryptMessage(message, badHolder as never, bob.x25519PublicKey)).toThrow(invalid);
      expect(() => decryptMessage(new Uint8Array(200), badHolder as never)).toThrow(invalid);
    }
  });

  it('rejects wrong key lengths, naming the parameter', () => {
    for (const length of [0, 31, 32, 63, 65]) {
      expect(() => encryptMessage(message, { ed25519SecretKey: new Uint8Array(length) }, bob.x25519PublicKey)).toThrow(
        expect.objectContaining({ code: 'invalid_argument', details: expect.objectContaining({ param: 'sender.ed25519SecretKey' }) }),
      );
    }
    for (const length of [0, 31, 33, 64]) {
      expect(() => encryptMessage(message, alice, new Uint8Array(length))).toThrow(
        expect.objectContaining({ details: expect.objectContaining({ param: 'recipientX25519PublicKey' }) }),
      );
      expect(() => decryptIncoming(new Uint8Array(200), { ...bob, x25519PublicKey: new Uint8Array(length) })).toThrow(
        expect.objectContaining({ details: expect.objectContaining({ param: 'recipient.x25519PublicKey' }) }),
      );
      expect(() => decryptIncoming(new Uint8Array(200), { ...bob, x25519SecretKey: new Uint8Array(length) })).toThrow(
        expect.objectContaining({ details: expect.objectContaining({ param: 'recipient.x25519SecretKey' }) }),
      );
    }
  });

  it('rejects a recipient key that libsodium cannot box to, with a coded error', () => {
    const lowOrder = new Uint8Array(32); // the all-zero X25519 key gives an all-zero shared secret
    expect(() => encryptForRecipient(message, alice, lowOrder)).toThrow(invalid);
    expect(() => encryptForRecipientDeterministic(message, alice, lowOrder)).toThrow(invalid);
  });
});
