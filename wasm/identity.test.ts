import { beforeAll, describe, expect, it } from 'vitest';
import { casesOf, loadVectors } from '../test/vectors.ts';
import { toHex } from './bytes.ts';
import { ed25519ToX25519PublicKey, identityFromEntropy, seedFromEntropy, wipeIdentity } from './identity.ts';
import { decodeMnemonic, encodeMnemonic } from './mnemonic.ts';
import { parseSessionId } from './session-id.ts';
import { ready } from './sodium.ts';

interface Chain {
  phrase: string;
  entropy_hex: string;
  ed25519_seed_hex: string;
  ed25519_pk_hex: string;
  ed25519_sk_hex: string;
  x25519_pk_hex: string;
  x25519_sk_hex: string;
  session_id: string;
}

const chains = casesOf<Chain>(loadVectors('identity'), 'mnemonic_to_session_id');

beforeAll(async () => {
  await ready();
});

describe('recovery phrase → Session ID', () => {
  it.each(chains)('$id derives every intermediate', (c) => {
    const entropy = decodeMnemonic(c.phrase);
    expect(toHex(entropy)).toBe(c.entropy_hex);
    expect(encodeMnemonic(entropy)).toBe(c.phrase);

    expect(toHex(seedFromEntropy(entropy))).toBe(c.ed25519_seed_hex);
    const identity = identityFromEntropy(entropy);
    expect(toHex(identity.ed25519Seed)).toBe(c.ed25519_seed_hex);
    expect(toHex(identity.ed25519PublicKey)).toBe(c.ed25519_pk_hex);
    expect(toHex(identity.ed25519SecretKey)).toBe(c.ed25519_sk_hex);
    expect(toHex(identity.x25519PublicKey)).toBe(c.x25519_pk_hex);
    expect(toHex(identity.x25519SecretKey)).toBe(c.x25519_sk_hex);
    expect(identity.sessionId).toBe(c.session_id);

    expect(toHex(ed25519ToX25519PublicKey(identity.ed25519PublicKey))).toBe(c.x25519_pk_hex);
    expect(parseSessionId(identity.sessionId).x25519PublicKey).toEqual(identity.x25519PublicKey);
  });

  it('wipes the secret halves', () => {
    const identity = identityFromEntropy(decodeMnemonic(chains[0]!.phrase));
    wipeIdentity(identity);
    for (const secret of [identity.ed25519Seed, identity.ed25519SecretKey, identity.x25519SecretKey]) {
      expect(secret.every((b) => b === 0)).toBe(true);
    }
    expect(toHex(identity.ed25519PublicKey)).toBe(chains[0]!.ed25519_pk_hex);
  });

  it('rejects entropy of the wrong type or length', () => {
    for (const bad of ['00', null, new Array(16).fill(0)]) {
      expect(() => identityFromEntropy(bad as unknown as Uint8Array)).toThrow(
        expect.objectContaining({ code: 'invalid_argument', details: expect.objectContaining({ param: 'entropy' }) }),
      );
    }
    for (const length of [0, 15, 17, 31, 33, 64]) {
      expect(() => identityFromEntropy(new Uint8Array(length))).toThrow(
        expect.objectContaining({ code: 'invalid_argument', details: expect.objectContaining({ problem: 'length' }) }),
      );
    }
  });

  it('rejects an Ed25519 public key of the wrong length', () => {
    expect(() => ed25519ToX25519PublicKey(new Uint8Array(31))).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
  });
});
