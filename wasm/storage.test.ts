import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { casesOf, loadVectors } from '../test/vectors.ts';
import { fromBase64, fromHex, toBase64, toBase64Unpadded, toHex } from './bytes.ts';
import type { Identity } from './identity.ts';
import { identityFromEntropy } from './identity.ts';
import { ready, sodium } from './sodium.ts';
import type { SignedRequest } from './storage.ts';
import { messageHash, signatureString, signedRetrieveParams, signRequest, verifyRequestSignature } from './storage.ts';

const vectors = loadVectors('storage');

interface MessageHashCase {
  pubkey_hex: string;
  namespace: number;
  data_b64: string;
  data_hex: string;
  preimage_hex: string;
  expected_hash: string;
}
interface RequestSignatureCase {
  method: string;
  params: Record<string, unknown>;
  signed_string_utf8: string;
  ed25519_seed_hex: string;
  ed25519_pk_hex: string;
  pubkey: string;
  expected_signature_b64: string;
}
interface RequestExampleCase {
  request_json: { method: string; params: Record<string, unknown> };
}
interface TestAccount {
  ed25519_seed_hex: string;
  ed25519_pk_hex: string;
  session_id: string;
}

interface WireParams {
  namespace?: number | 'all';
  timestamp?: number;
  sig_timestamp?: number;
  messages?: string[];
  expiry?: number | number[];
  shorten?: boolean;
  extend?: boolean;
}

/** The vectors write params as the wire does; this is the mapping a caller (or the devnet) makes. */
function requestFromParams(method: string, params: Record<string, unknown>): SignedRequest {
  const p = params as WireParams;
  const namespace = p.namespace ?? 0;
  switch (method) {
    case 'retrieve':
    case 'store':
      return { method, namespace: namespace as number, timestamp: (p.sig_timestamp ?? p.timestamp)! };
    case 'delete':
      return { method, messages: p.messages! };
    case 'delete_all':
      return { method, namespace, timestamp: p.timestamp! };
    case 'expire':
      return { method, messages: p.messages!, expiry: p.expiry!, shorten: p.shorten, extend: p.extend };
    case 'get_expiries':
      return { method, messages: p.messages!, timestamp: p.timestamp! };
    default:
      throw new Error(`the test does not map method ${method}`);
  }
}

const HASH_A = 'SHpOiupvBW6BNdF6fHuYrA4JxSEBflu9BHSDSNj2+eY';
const HASH_B = 'R8QP6UvioOvFBwo74i9zGhqZ++URCA+NcjlNQflzLSk';
const invalid = expect.objectContaining({ code: 'invalid_argument' });

let account: Identity;
let other: Identity;

beforeAll(async () => {
  await ready();
  const testAccount = vectors.test_account as TestAccount;
  account = identityFromEntropy(fromHex(testAccount.ed25519_seed_hex));
  expect(toHex(account.ed25519PublicKey)).toBe(testAccount.ed25519_pk_hex);
  expect(account.sessionId).toBe(testAccount.session_id);
  other = identityFromEntropy(new Uint8Array(16).fill(9));
});

describe('storage vectors', () => {
  it.each(casesOf<MessageHashCase>(vectors, 'message_hash'))('$id: message hash', (c) => {
    const data = fromHex(c.data_hex);
    expect(fromBase64(c.data_b64)).toEqual(data);
    expect(toBase64Unpadded(sodium().crypto_generichash(32, fromHex(c.preimage_hex), null))).toBe(c.expected_hash);
    expect(messageHash(c.pubkey_hex, c.namespace, data)).toBe(c.expected_hash);
    expect(messageHash(c.pubkey_hex.toUpperCase(), c.namespace, data)).toBe(c.expected_hash);
    expect(messageHash(fromHex(c.pubkey_hex), c.namespace, data)).toBe(c.expected_hash);
    expect(c.expected_hash).toHaveLength(43);
  });

  it.each(casesOf<RequestSignatureCase>(vectors, 'request_signature'))('$id: $method signature', (c) => {
    const signer = identityFromEntropy(fromHex(c.ed25519_seed_hex));
    expect(toHex(signer.ed25519PublicKey)).toBe(c.ed25519_pk_hex);
    expect(signer.sessionId).toBe(c.pubkey);
    const request = requestFromParams(c.method, c.params);
    expect(signatureString(request)).toBe(c.signed_string_utf8);
    const signature = signRequest(request, signer.ed25519SecretKey);
    expect(signature).toBe(c.expected_signature_b64);
    expect(signature).toHaveLength(88);
    expect(verifyRequestSignature(request, c.expected_signature_b64, signer.ed25519PublicKey)).toBe(true);
    expect(verifyRequestSignature(request, c.expected_signature_b64.replace(/=+$/, ''), signer.ed25519PublicKey)).toBe(
      true,
    );
    expect(verifyRequestSignature(request, c.expected_signature_b64, other.ed25519PublicKey)).toBe(false);
  });

  it.each(casesOf<RequestExampleCase>(vectors, 'request_example'))('$id: signed retrieve params', (c) => {
    const expected = c.request_json.params as { namespace: number; timestamp: number; last_hash: string; max_size: number };
    const params = signedRetrieveParams(account, {
      namespace: expected.namespace,
      timestamp: expected.timestamp,
      lastHash: expected.last_hash,
      maxSize: expected.max_size,
    });
    expect(params).toEqual(expected);
    // Same key order as the vector, so the JSON text is identical too.
    expect(JSON.stringify({ method: 'retrieve', params })).toBe(JSON.stringify(c.request_json));
  });
});

describe('signature strings of the methods the vectors do not cover', () => {
  it.each<[SignedRequest, string]>([
    [{ method: 'retrieve', namespace: -10, timestamp: 5 }, 'retrieve-105'],
    [{ method: 'store', namespace: 0, timestamp: 1700000000000 }, 'store1700000000000'],
    [{ method: 'delete_all', namespace: 3, timestamp: 7 }, 'delete_all37'],
    [{ method: 'delete_before', namespace: 'all', before: 1700000000000 }, 'delete_beforeall1700000000000'],
    [{ method: 'delete_before', namespace: 0, before: 9 }, 'delete_before9'],
    [{ method: 'delete_before', namespace: -11, before: 9 }, 'delete_before-119'],
    [{ method: 'expire_all', namespace: 'all', expiry: 12 }, 'expire_allall12'],
    [{ method: 'expire_all', namespace: 0, expiry: 12 }, 'expire_all12'],
    [{ method: 'expire_all', namespace: 5, expiry: 12 }, 'expire_all512'],
    [{ method: 'expire', messages: [HASH_A], expiry: 3, extend: true }, `expireextend3${HASH_A}`],
    [{ method: 'expire', messages: [HASH_A], expiry: 3, shorten: false, extend: false }, `expire3${HASH_A}`],
    [{ method: 'expire', messages: [HASH_A, HASH_B], expiry: [10, 20] }, `expire1020${HASH_A}${HASH_B}`],
    [{ method: 'get_expiries', messages: [HASH_B, HASH_A], timestamp: 4 }, `get_expiries4${HASH_B}${HASH_A}`],
  ])('%o → %s', (request, expected) => {
    expect(signatureString(request)).toBe(expected);
    const signature = signRequest(request, account.ed25519SecretKey);
    expect(verifyRequestSignature(request, signature, account.ed25519PublicKey)).toBe(true);
  });
});

describe('sign / verify properties', () => {
  const hash = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((bytes) => toBase64Unpadded(bytes));
  const request: fc.Arbitrary<SignedRequest> = fc.oneof(
    fc.record({
      method: fc.constant('retrieve' as const),
      namespace: fc.integer({ min: -32768, max: 32767 }),
      timestamp: fc.nat(),
    }),
    fc.record({ method: fc.constant('delete' as const), messages: fc.array(hash, { minLength: 1, maxLength: 5 }) }),
    fc.record({
      method: fc.constant('delete_all' as const),
      namespace: fc.oneof(fc.constant('all' as const), fc.integer({ min: -32768, max: 32767 })),
      timestamp: fc.nat(),
    }),
  );

  it('a signature verifies for its request and key only', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), request, request, (entropy, signed, different) => {
        const signer = identityFromEntropy(entropy);
        const signature = signRequest(signed, signer.ed25519SecretKey);
        expect(signature).toHaveLength(88);
        expect(verifyRequestSignature(signed, signature, signer.ed25519PublicKey)).toBe(true);
        expect(verifyRequestSignature(signed, signature.slice(0, 86), signer.ed25519PublicKey)).toBe(true);
        expect(verifyRequestSignature(signed, signature, other.ed25519PublicKey)).toBe(false);
        const sameString = signatureString(different) === signatureString(signed);
        expect(verifyRequestSignature(different, signature, signer.ed25519PublicKey)).toBe(sameString);
      }),
      { numRuns: 100 },
    );
  });

  it('a message hash is always 43 characters and depends on every input', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.integer({ min: -32768, max: 32767 }), (data, namespace) => {
        const h = messageHash(account.sessionId, namespace, data);
        expect(h).toMatch(/^[A-Za-z0-9+/]{43}$/);
        expect(messageHash(other.sessionId, namespace, data)).not.toBe(h);
        expect(messageHash(account.sessionId, namespace === 1 ? 2 : 1, data)).not.toBe(h);
      }),
      { numRuns: 100 },
    );
  });
});

describe('verifyRequestSignature on bad input', () => {
  const request: SignedRequest = { method: 'retrieve', namespace: 0, timestamp: 1700000000000 };
  let good: string;
  beforeAll(() => {
    good = signRequest(request, account.ed25519SecretKey);
  });

  it('returns false for malformed signatures', () => {
    const bytes = fromBase64(good);
    const flipped = bytes.slice();
    flipped[10]! ^= 1;
    const malformed: unknown[] = [
      '',
      good.slice(0, 87),
      good.slice(0, 85),
      good.slice(0, 86) + 'A=',
      good + '=',
      good.replace(/^./, '*'),
      good.replace(/==$/, 'AA'),
      toHex(bytes),
      toBase64(bytes.subarray(0, 63)),
      toBase64(flipped),
      toBase64(new Uint8Array(64)),
      null,
      undefined,
      64,
      bytes,
    ];
    for (const signature of malformed) {
      expect(verifyRequestSignature(request, signature as string, account.ed25519PublicKey), String(signature)).toBe(
        false,
      );
    }
  });

  it('returns false for a signature by a different key, or over a different request', () => {
    expect(verifyRequestSignature(request, signRequest(request, other.ed25519SecretKey), account.ed25519PublicKey)).toBe(
      false,
    );
    expect(verifyRequestSignature({ ...request, timestamp: 1700000000001 }, good, account.ed25519PublicKey)).toBe(false);
    expect(verifyRequestSignature({ ...request, namespace: 2 }, good, account.ed25519PublicKey)).toBe(false);
    expect(verifyRequestSignature({ ...request, method: 'store' }, good, account.ed25519PublicKey)).toBe(false);
    // The X25519 key is not the signing key (a 05 account must send pubkey_ed25519).
    expect(verifyRequestSignature(request, good, account.x25519PublicKey)).toBe(false);
    expect(verifyRequestSignature(request, good, new Uint8Array(32))).toBe(false);
  });

  it('throws invalid_argument for a key of the wrong type or length', () => {
    for (const key of [new Uint8Array(31), new Uint8Array(33), new Uint8Array(64), 'ab'.repeat(32), null]) {
      expect(() => verifyRequestSignature(request, good, key as Uint8Array)).toThrow(
        expect.objectContaining({ code: 'invalid_argument', details: expect.objectContaining({ param: 'ed25519PublicKey' }) }),
      );
    }
  });
});

describe('entry checks', () => {
  it('rejects malformed requests', () => {
    const bad: unknown[] = [
      null,
      'retrieve',
      { method: 'info' },
      { method: 'retrieve', namespace: 'all', timestamp: 1 },
      { method: 'store', namespace: 'all', timestamp: 1 },
      { method: 'retrieve', namespace: 32768, timestamp: 1 },
      { method: 'retrieve', namespace: -32769, timestamp: 1 },
      { method: 'retrieve', namespace: 1.5, timestamp: 1 },
      { method: 'retrieve', namespace: '2', timestamp: 1 },
      { method: 'retrieve', namespace: 0, timestamp: -1 },
      { method: 'retrieve', namespace: 0, timestamp: 1.5 },
      { method: 'retrieve', namespace: 0, timestamp: '1700000000000' },
      { method: 'retrieve', namespace: 0 },
      { method: 'delete_all', namespace: 'ALL', timestamp: 1 },
      { method: 'delete_before', namespace: 0, before: -5 },
      { method: 'delete', messages: [] },
      { method: 'delete', messages: HASH_A },
      { method: 'delete', messages: [HASH_A.slice(1)] },
      { method: 'delete', messages: [HASH_A + 'A'] },
      { method: 'delete', messages: [HASH_A.replace('+', '-')] },
      { method: 'delete', messages: [HASH_A, 7] },
      { method: 'expire', messages: [HASH_A], expiry: 1, shorten: true, extend: true },
      { method: 'expire', messages: [HASH_A], expiry: 1, shorten: 'yes' },
      { method: 'expire', messages: [HASH_A], expiry: [1, 2] },
      { method: 'expire', messages: [HASH_A], expiry: [] },
      { method: 'expire', messages: [HASH_A], expiry: [-1] },
      { method: 'expire_all', namespace: 0 },
      { method: 'get_expiries', messages: [HASH_A] },
    ];
    for (const request of bad) {
      expect(() => signatureString(request as SignedRequest), JSON.stringify(request)).toThrow(invalid);
      expect(() => signRequest(request as SignedRequest, account.ed25519SecretKey)).toThrow(invalid);
      expect(() => verifyRequestSignature(request as SignedRequest, 'A'.repeat(88), account.ed25519PublicKey)).toThrow(
        invalid,
      );
    }
  });

  it('rejects a secret key of the wrong type or length', () => {
    for (const key of [new Uint8Array(32), new Uint8Array(63), new Uint8Array(65), 'key', undefined]) {
      expect(() => signRequest({ method: 'retrieve', namespace: 0, timestamp: 1 }, key as Uint8Array)).toThrow(
        expect.objectContaining({ details: expect.objectContaining({ param: 'ed25519SecretKey' }) }),
      );
    }
  });

  it('messageHash rejects bad pubkeys, namespaces and data', () => {
    const data = new Uint8Array([1]);
    for (const pubkey of ['05' + 'ab'.repeat(31), '05' + 'ab'.repeat(33), '05' + 'zz'.repeat(32), new Uint8Array(32), 5, null]) {
      expect(() => messageHash(pubkey as string, 0, data)).toThrow(invalid);
    }
    for (const namespace of [32768, -32769, 1.5, '2', 'all', Number.NaN]) {
      expect(() => messageHash(account.sessionId, namespace as number, data)).toThrow(invalid);
    }
    for (const bad of ['abc', [1], null, new ArrayBuffer(1)]) {
      expect(() => messageHash(account.sessionId, 0, bad as unknown as Uint8Array)).toThrow(invalid);
    }
  });

  it('signedRetrieveParams checks its inputs and leaves out max_size when not given', () => {
    const params = signedRetrieveParams(account, { namespace: 2, timestamp: 1700000000000 });
    expect(params).toEqual({
      pubkey: account.sessionId,
      pubkey_ed25519: toHex(account.ed25519PublicKey),
      namespace: 2,
      timestamp: 1700000000000,
      signature: 'JsgbO8n+RdOn49uadQ/tiLaloQ0Feqho5Bfe7aIPR/nd6Z7IBz/IWyAf7qDtTY1Jy4zKVqQXdei/O13/cWFpAg==',
      last_hash: '',
    });
    expect('max_size' in params).toBe(false);
    expect('max_count' in params).toBe(false);
    const limited = signedRetrieveParams(account, { namespace: 0, timestamp: 1, maxCount: 500, maxSize: -2 });
    expect([limited.max_count, limited.max_size]).toEqual([500, -2]);
    expect(signedRetrieveParams(account, { namespace: 0, timestamp: 1, lastHash: HASH_A }).last_hash).toBe(HASH_A);

    const options = { namespace: 0, timestamp: 1 };
    expect(() => signedRetrieveParams(null as never, options)).toThrow(invalid);
    expect(() => signedRetrieveParams({ ...account, sessionId: '05' }, options)).toThrow(invalid);
    expect(() => signedRetrieveParams({ ...account, ed25519PublicKey: new Uint8Array(31) }, options)).toThrow(invalid);
    expect(() => signedRetrieveParams({ ...account, ed25519SecretKey: new Uint8Array(32) }, options)).toThrow(invalid);
    expect(() => signedRetrieveParams(account, null as never)).toThrow(invalid);
    expect(() => signedRetrieveParams(account, { namespace: 0.5, timestamp: 1 })).toThrow(invalid);
    expect(() => signedRetrieveParams(account, { namespace: 0, timestamp: -1 })).toThrow(invalid);
    expect(() => signedRetrieveParams(account, { ...options, lastHash: 'abc' })).toThrow(invalid);
    expect(() => signedRetrieveParams(account, { ...options, lastHash: 5 as never })).toThrow(invalid);
    expect(() => signedRetrieveParams(account, { ...options, maxSize: 1.5 })).toThrow(invalid);
  });
});
