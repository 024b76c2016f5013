import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { casesOf, loadVectors } from '../../test/vectors.ts';
import { fromHex, toHex, utf8 } from '../bytes.ts';
import { ready, sodium } from '../sodium.ts';
import {
  decrypt,
  decryptReply,
  deriveClientKey,
  deriveNodeKey,
  encrypt,
  encryptionOverhead,
  encTypeFromWire,
  type EncType,
} from './hop-encryption.ts';
import { parseLayer } from './layer.ts';
import { readHopRouting } from './routing.ts';
import { codeOf, rejectionCodeOf } from '../../test/expect-code.ts';

// Source: test/vectors/onion.json (libsession-util tests/test_onionreq.cpp); see test/vectors/README.md.
const vectors = loadVectors('onion');

interface HopCase {
  enc_type: EncType;
  client_x25519_sk_hex: string;
  client_x25519_pk_hex: string;
  server_x25519_sk_hex: string;
  server_x25519_pk_hex: string;
  shared_secret_hex: string;
  expected_key_hex: string;
  ciphertext_hex: string;
  expected_plaintext_utf8: string;
}
interface BrokenCase {
  enc_type: EncType;
  server_x25519_sk_hex: string;
  client_x25519_pk_hex: string;
  ciphertext_hex: string;
}
interface ParseCase {
  enc_type: EncType;
  layer_hex: string;
  server_x25519_sk_hex: string;
  server_x25519_pk_hex: string;
  expected_length_field: number;
  expected_ciphertext_hex: string;
  expected_json_utf8: string;
  expected_remote_pubkey_hex: string;
  client_x25519_sk_hex: string;
  derived_key_hex: string;
  expected_plaintext_utf8: string;
  expected_reply_length_for_13_byte_plaintext: number;
}

const ENC_TYPES: EncType[] = ['aes-gcm', 'xchacha20'];
const decoder = new TextDecoder();

beforeAll(ready);

describe('hop encryption: LSU known answers (HOP-*)', () => {
  for (const c of casesOf<HopCase>(vectors, 'hop_decrypt')) {
    it(`${c.id}: derives the shared secret and key on both sides and decrypts`, async () => {
      const clientSk = fromHex(c.client_x25519_sk_hex);
      const clientPk = fromHex(c.client_x25519_pk_hex);
      const serverSk = fromHex(c.server_x25519_sk_hex);
      const serverPk = fromHex(c.server_x25519_pk_hex);
      expect(toHex(sodium().crypto_scalarmult_base(clientSk))).toBe(c.client_x25519_pk_hex);
      expect(toHex(sodium().crypto_scalarmult(clientSk, serverPk))).toBe(c.shared_secret_hex);
      const clientKey = deriveClientKey(c.enc_type, clientSk, clientPk, serverPk);
      const nodeKey = deriveNodeKey(c.enc_type, serverSk, serverPk, clientPk);
      expect(toHex(clientKey)).toBe(c.expected_key_hex);
      expect(toHex(nodeKey)).toBe(c.expected_key_hex);
      const plaintext = await decrypt(c.enc_type, nodeKey, fromHex(c.ciphertext_hex));
      expect(decoder.decode(plaintext)).toBe(c.expected_plaintext_utf8);
      expect(decoder.decode(await decryptReply(c.enc_type, nodeKey, fromHex(c.ciphertext_hex)))).toBe('Hello world');
    });
  }

  for (const c of casesOf<BrokenCase>(vectors, 'hop_decrypt_must_fail')) {
    it(`${c.id}: fails with onion_decrypt_failed under either cipher`, async () => {
      const serverSk = fromHex(c.server_x25519_sk_hex);
      const serverPk = sodium().crypto_scalarmult_base(serverSk);
      for (const encType of ENC_TYPES) {
        const key = deriveNodeKey(encType, serverSk, serverPk, fromHex(c.client_x25519_pk_hex));
        expect(await rejectionCodeOf(decrypt(encType, key, fromHex(c.ciphertext_hex)))).toBe('onion_decrypt_failed');
        expect(await rejectionCodeOf(decryptReply(encType, key, fromHex(c.ciphertext_hex)))).toBe('onion_decrypt_failed');
      }
    });
  }
});

describe('hop encryption: LSU parser vectors (PARSE-*)', () => {
  for (const c of casesOf<ParseCase>(vectors, 'parse_layer')) {
    it(`${c.id}: splits the layer, derives the key from its trailer and decrypts`, async () => {
      const layer = fromHex(c.layer_hex);
      expect(new DataView(layer.buffer).getUint32(0, true)).toBe(c.expected_length_field);
      const { blob, trailer } = parseLayer(layer);
      expect(toHex(blob)).toBe(c.expected_ciphertext_hex);
      expect(trailer).toEqual(JSON.parse(c.expected_json_utf8));
      const routing = readHopRouting(trailer);
      expect(routing.encType).toBe(c.enc_type);
      expect(toHex(routing.ephemeralKey)).toBe(c.expected_remote_pubkey_hex);

      const serverSk = fromHex(c.server_x25519_sk_hex);
      const serverPk = fromHex(c.server_x25519_pk_hex);
      const key = deriveNodeKey(routing.encType, serverSk, serverPk, routing.ephemeralKey);
      expect(toHex(key)).toBe(c.derived_key_hex);
      const clientSk = fromHex(c.client_x25519_sk_hex);
      const clientKey = deriveClientKey(c.enc_type, clientSk, sodium().crypto_scalarmult_base(clientSk), serverPk);
      expect(toHex(clientKey)).toBe(c.derived_key_hex);
      expect(decoder.decode(await decrypt(routing.encType, key, blob))).toBe(c.expected_plaintext_utf8);

      const reply = await encrypt(routing.encType, key, utf8('Goodbye world'));
      expect(reply.length).toBe(c.expected_reply_length_for_13_byte_plaintext);
      expect(decoder.decode(await decrypt(routing.encType, clientKey, reply))).toBe('Goodbye world');
    });
  }
});

describe('hop encryption: properties', () => {
  it('round-trips any plaintext under both ciphers, with the documented overhead', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ENC_TYPES),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ maxLength: 1500 }),
        async (encType, key, plaintext) => {
          const blob = await encrypt(encType, key, plaintext);
          expect(blob.length).toBe(plaintext.length + encryptionOverhead(encType));
          expect(await decrypt(encType, key, blob)).toEqual(plaintext);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('client and node derive the same key for random key pairs', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ENC_TYPES), fc.uint8Array({ minLength: 32, maxLength: 32 }), (encType, seed) => {
        const s = sodium();
        const client = s.crypto_box_seed_keypair(seed);
        const node = s.crypto_box_keypair();
        expect(deriveClientKey(encType, client.privateKey, client.publicKey, node.publicKey)).toEqual(
          deriveNodeKey(encType, node.privateKey, node.publicKey, client.publicKey),
        );
      }),
      { numRuns: 50 },
    );
  });

  it('uses a fresh IV per call, and the fixed IV when given one', async () => {
    const key = new Uint8Array(32).fill(7);
    const a = await encrypt('aes-gcm', key, utf8('same'));
    const b = await encrypt('aes-gcm', key, utf8('same'));
    expect(toHex(a)).not.toBe(toHex(b));
    const iv = new Uint8Array(24).fill(9);
    const c = await encrypt('xchacha20', key, utf8('same'), iv);
    expect(c.subarray(0, 24)).toEqual(iv);
    expect(await encrypt('xchacha20', key, utf8('same'), iv)).toEqual(c);
  });

  it('decryptReply falls back to aes-gcm for an xchacha20 request (legacy servers), never the other way', async () => {
    const key = new Uint8Array(32).fill(3);
    const aesBlob = await encrypt('aes-gcm', key, utf8('legacy error'));
    expect(decoder.decode(await decryptReply('xchacha20', key, aesBlob))).toBe('legacy error');
    expect(await rejectionCodeOf(decrypt('xchacha20', key, aesBlob))).toBe('onion_decrypt_failed');
    const xBlob = await encrypt('xchacha20', key, utf8('x'));
    expect(await rejectionCodeOf(decryptReply('aes-gcm', key, xBlob))).toBe('onion_decrypt_failed');
  });

  it('flipping any bit of a blob fails authentication', async () => {
    for (const encType of ENC_TYPES) {
      const key = new Uint8Array(32).fill(5);
      const blob = await encrypt(encType, key, utf8('flip me'));
      for (let i = 0; i < blob.length; i++) {
        const bad = blob.slice();
        bad[i]! ^= 1 << (i % 8);
        expect(await rejectionCodeOf(decrypt(encType, key, bad))).toBe('onion_decrypt_failed');
      }
    }
  });
});

describe('hop encryption: input checks', () => {
  it('parses enc_type names and aliases from the wire', () => {
    expect(encTypeFromWire(undefined)).toBe('aes-gcm');
    expect(encTypeFromWire('gcm')).toBe('aes-gcm');
    expect(encTypeFromWire('xchacha20-poly1305')).toBe('xchacha20');
    for (const bad of ['aes-cbc', 'cbc', 'XCHACHA20', '', 5, null]) {
      expect(codeOf(() => encTypeFromWire(bad))).toBe('onion_malformed');
    }
  });

  it('rejects wrong key, IV and blob inputs with coded errors', async () => {
    const key = new Uint8Array(32);
    expect(await rejectionCodeOf(encrypt('aes-gcm', new Uint8Array(31), utf8('x')))).toBe('invalid_argument');
    expect(await rejectionCodeOf(encrypt('aes-gcm', key, utf8('x'), new Uint8Array(24)))).toBe('invalid_argument');
    expect(await rejectionCodeOf(encrypt('xchacha20', key, utf8('x'), new Uint8Array(12)))).toBe('invalid_argument');
    expect(await rejectionCodeOf(encrypt('aes-cbc' as EncType, key, utf8('x')))).toBe('invalid_argument');
    expect(await rejectionCodeOf(encrypt('aes-gcm', key, 'x' as unknown as Uint8Array))).toBe('invalid_argument');
    expect(await rejectionCodeOf(decrypt('aes-gcm', [0] as unknown as Uint8Array, new Uint8Array(40)))).toBe('invalid_argument');
    expect(await rejectionCodeOf(decrypt('aes-gcm', key, null as unknown as Uint8Array))).toBe('invalid_argument');
    for (const encType of ENC_TYPES) {
      for (let length = 0; length < encryptionOverhead(encType); length++) {
        expect(await rejectionCodeOf(decrypt(encType, key, new Uint8Array(length)))).toBe('onion_decrypt_failed');
      }
    }
  });

  it('rejects wrong key lengths and low-order points in derivation', () => {
    const k = new Uint8Array(32).fill(1);
    expect(codeOf(() => deriveClientKey('aes-gcm', new Uint8Array(33), k, k))).toBe('invalid_argument');
    expect(codeOf(() => deriveNodeKey('xchacha20', k, new Uint8Array(0), k))).toBe('invalid_argument');
    expect(codeOf(() => deriveClientKey('aes-gcm', k, k, 'ab' as unknown as Uint8Array))).toBe('invalid_argument');
    const lowOrder = new Uint8Array(32); // the identity point: X25519 with it is all zeros
    expect(codeOf(() => deriveClientKey('aes-gcm', k, k, lowOrder))).toBe('invalid_argument');
    expect(codeOf(() => deriveNodeKey('aes-gcm', k, k, lowOrder))).toBe('onion_decrypt_failed');
  });
});
