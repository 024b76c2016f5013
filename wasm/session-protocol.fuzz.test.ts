/**
 * Fuzzing the 1:1 decryption a received message goes through (decryptIncoming: the sealed box, the
 * sender's signature; decryptMessage: and the padding): random bytes, the vectors' ciphertexts cut
 * and flipped, and boxes that open but hold the wrong thing (random inner bytes, a signature by
 * another key, over another recipient, or by a key with no X25519 form). Each returns a verified
 * message or throws ciphertext_too_short, decrypt_failed or signature_invalid.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { bytesNear, returnsOrThrowsOnly } from '../test/fuzz-inputs.ts';
import { fuzzParameters, fuzzTimeoutMs } from '../test/fuzz.ts';
import { casesOf, loadVectors } from '../test/vectors.ts';
import type { ErrorCode } from '../src/shared/errors.ts';
import { concatBytes, fromHex } from './bytes.ts';
import { identityFromEntropy, type Identity } from './identity.ts';
import { padMessage } from './padding.ts';
import { decryptIncoming, decryptMessage, encryptMessage } from './session-protocol.ts';
import { ready, sodium } from './sodium.ts';

const DECRYPT: ReadonlySet<ErrorCode> = new Set(['ciphertext_too_short', 'decrypt_failed', 'signature_invalid']);

interface DecryptCase {
  recipient: { ed25519_seed_hex: string };
  ciphertext_hex: string;
}

const vectors = loadVectors('session-protocol');
const sp2 = casesOf<DecryptCase>(vectors, 'decrypt')[0]!;

let recipient: Identity;
let sender: Identity;
let samples: Uint8Array[];

beforeAll(async () => {
  await ready();
  // The vector's seed is 16 bytes of entropy followed by 16 zeros.
  recipient = identityFromEntropy(fromHex(sp2.recipient.ed25519_seed_hex).subarray(0, 16));
  sender = identityFromEntropy(new Uint8Array(16).fill(9));
  samples = [
    fromHex(sp2.ciphertext_hex),
    encryptMessage(new TextEncoder().encode('a padded message'), sender, recipient.x25519PublicKey),
    encryptMessage(new Uint8Array(0), sender, recipient.x25519PublicKey),
  ];
});

describe('decryptIncoming / decryptMessage on junk', () => {
  it('the samples open (the fuzzing starts from valid ciphertexts)', () => {
    expect(new TextDecoder().decode(decryptIncoming(samples[0]!, recipient).plaintext)).toBe('hello');
    expect(new TextDecoder().decode(decryptMessage(samples[1]!, recipient).content)).toBe('a padded message');
  });

  it(
    'random bytes, and real ciphertexts cut, flipped, spliced',
    () => {
      fc.assert(
        fc.property(
          fc.constant(null).chain(() => bytesNear(samples)),
          (input) => {
            const incoming = returnsOrThrowsOnly(DECRYPT, () => decryptIncoming(input, recipient));
            const message = returnsOrThrowsOnly(DECRYPT, () => decryptMessage(input, recipient));
            expect(message.ok).toBe(incoming.ok);
            if (incoming.ok) expect(incoming.value.senderSessionId).toMatch(/^05[0-9a-f]{64}$/);
          },
        ),
        fuzzParameters(300),
      );
    },
    fuzzTimeoutMs(10_000),
  );

  it(
    'boxes that open but hold the wrong thing: random inner bytes, a signature that covers something else',
    () => {
      const s = sodium();
      const other = identityFromEntropy(new Uint8Array(16).fill(4));
      const inner = fc.oneof(
        // anything at all, at least as long as a key and a signature
        fc.uint8Array({ minLength: 96, maxLength: 300 }),
        // M ‖ A ‖ SIG where SIG is by another key, or over another recipient, or garbled
        fc.tuple(fc.uint8Array({ maxLength: 200 }), fc.integer({ min: 0, max: 3 })).map(([m, how]) => {
          const padded = padMessage(m);
          const signer = how === 0 ? other : sender;
          const over = how === 1 ? other.x25519PublicKey : recipient.x25519PublicKey;
          const signature = s.crypto_sign_detached(concatBytes(padded, sender.ed25519PublicKey, over), signer.ed25519SecretKey);
          if (how === 2) signature[signature.length - 1]! ^= 0x80;
          // how 3: a "public key" of all 0xff bytes, which is no curve point (and so has no X25519 form)
          const senderKey = how === 3 ? new Uint8Array(32).fill(0xff) : sender.ed25519PublicKey;
          return concatBytes(padded, senderKey, signature);
        }),
      );
      fc.assert(
        fc.property(inner, (bytes) => {
          const sealed = s.crypto_box_seal(bytes, recipient.x25519PublicKey);
          const opened = returnsOrThrowsOnly(DECRYPT, () => decryptMessage(sealed, recipient));
          // Only the sender's own signature over our key would verify, and none of these is one.
          expect(opened.ok).toBe(false);
        }),
        fuzzParameters(150),
      );
    },
    fuzzTimeoutMs(10_000),
  );
});
