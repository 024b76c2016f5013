import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { casesOf, loadVectors } from '../../test/vectors.ts';
import { fromHex, toHex, utf8 } from '../bytes.ts';
import { identityFromEntropy } from '../identity.ts';
import { ready, sodium } from '../sodium.ts';
import { buildOnionRequest, decryptSnodeReply } from './build.ts';
import { deriveClientKey, encrypt } from './hop-encryption.ts';
import { encodeLayer } from './layer.ts';
import { encodeRelayBody, encryptSnodeReply, peelLayer, peelOnionBody, type PeelResult } from './peel.ts';
import { destinationTrailer, outerTrailer, relayTrailer } from './routing.ts';

// Source: test/vectors/onion.json ONION-3HOP (Parley-generated, network-protocol.md §8.2).
const vectors = loadVectors('onion');

interface NodeVector {
  role: 'guard' | 'relay1' | 'relay2' | 'target';
  ed25519_seed_hex: string;
  ed25519_pk_hex: string;
  x25519_pk_hex: string;
  x25519_sk_hex: string;
}
interface LayerVector {
  encrypted_for: NodeVector['role'];
  ephemeral_x25519_sk_hex: string;
  ephemeral_x25519_pk_hex: string;
  iv_hex: string;
  key_hex: string;
  json_trailer_utf8: string;
  plaintext_length: number;
  plaintext_hex: string;
  ciphertext_length: number;
  ciphertext_hex: string;
}
interface OnionCase {
  nodes: NodeVector[];
  target_plaintext_hex: string;
  target_rpc_body_utf8: string;
  layers: LayerVector[];
  wire_body_hex: string;
  wire_body_length: number;
  wire_body_sha256_hex: string;
  wire_json_trailer_utf8: string;
  expected_peel: {
    guard_sees_json: object;
    relay1_sees_json: object;
    relay2_sees_json: object;
    target_sees_json_utf8: string;
    target_sees_body_utf8: string;
  };
  reply: {
    plaintext_utf8: string;
    iv_hex: string;
    key_hex: string;
    ciphertext_b64: string;
    expected_decrypted: { status: number; body_utf8: string; body_json: unknown };
  };
}

const [vector] = casesOf<OnionCase>(vectors, 'onion_build_and_peel');
const onion = vector!;
const node = (role: NodeVector['role']) => onion.nodes.find((n) => n.role === role)!;
const hop = (role: NodeVector['role']) => ({
  ed25519PublicKeyHex: node(role).ed25519_pk_hex,
  x25519PublicKey: fromHex(node(role).x25519_pk_hex),
});
const keysOf = (role: NodeVector['role']) =>
  [fromHex(node(role).x25519_sk_hex), fromHex(node(role).x25519_pk_hex)] as const;
const decoder = new TextDecoder();

beforeAll(ready);

function expectRelay(result: PeelResult) {
  if (result.kind !== 'relay') throw new Error(`expected a relay, got ${result.kind}`);
  return result;
}

describe('ONION-3HOP: building', () => {
  it('node keys follow from the Ed25519 seeds', () => {
    for (const n of onion.nodes) {
      const identity = identityFromEntropy(fromHex(n.ed25519_seed_hex));
      expect(toHex(identity.ed25519PublicKey)).toBe(n.ed25519_pk_hex);
      expect(toHex(identity.x25519PublicKey)).toBe(n.x25519_pk_hex);
      expect(toHex(identity.x25519SecretKey)).toBe(n.x25519_sk_hex);
    }
  });

  it('rebuilds every layer byte for byte from the primitives', async () => {
    const expectedTrailers = [
      destinationTrailer(),
      relayTrailer(node('target').ed25519_pk_hex, fromHex(onion.layers[0]!.ephemeral_x25519_pk_hex), 'aes-gcm'),
      relayTrailer(node('relay2').ed25519_pk_hex, fromHex(onion.layers[1]!.ephemeral_x25519_pk_hex), 'aes-gcm'),
      relayTrailer(node('relay1').ed25519_pk_hex, fromHex(onion.layers[2]!.ephemeral_x25519_pk_hex), 'aes-gcm'),
    ];
    let inner = utf8(onion.target_rpc_body_utf8);
    for (const [i, layer] of onion.layers.entries()) {
      const secretKey = fromHex(layer.ephemeral_x25519_sk_hex);
      const publicKey = sodium().crypto_scalarmult_base(secretKey);
      expect(toHex(publicKey)).toBe(layer.ephemeral_x25519_pk_hex);
      const key = deriveClientKey('aes-gcm', secretKey, publicKey, fromHex(node(layer.encrypted_for).x25519_pk_hex));
      expect(toHex(key)).toBe(layer.key_hex);
      expect(JSON.stringify(expectedTrailers[i])).toBe(layer.json_trailer_utf8);
      const plaintext = encodeLayer(inner, expectedTrailers[i]!);
      expect(plaintext.length).toBe(layer.plaintext_length);
      expect(toHex(plaintext)).toBe(layer.plaintext_hex);
      inner = await encrypt('aes-gcm', key, plaintext, fromHex(layer.iv_hex));
      expect(inner.length).toBe(layer.ciphertext_length);
      expect(toHex(inner)).toBe(layer.ciphertext_hex);
    }
    expect(toHex(encodeLayer(utf8(onion.target_rpc_body_utf8), destinationTrailer()))).toBe(onion.target_plaintext_hex);
    const wireTrailer = outerTrailer(fromHex(onion.layers[3]!.ephemeral_x25519_pk_hex), 'aes-gcm');
    expect(JSON.stringify(wireTrailer)).toBe(onion.wire_json_trailer_utf8);
    expect(toHex(encodeLayer(inner, wireTrailer))).toBe(onion.wire_body_hex);
  });

  it('buildOnionRequest with the fixed keys and IVs gives the wire body and the reply key', async () => {
    const built = await buildOnionRequest({
      path: [hop('guard'), hop('relay1'), hop('relay2')],
      destination: { kind: 'snode', node: hop('target') },
      payload: utf8(onion.target_rpc_body_utf8),
      deterministic: {
        ephemeralSecretKeys: onion.layers.map((l) => fromHex(l.ephemeral_x25519_sk_hex)),
        ivs: onion.layers.map((l) => fromHex(l.iv_hex)),
      },
    });
    expect(built.body.length).toBe(onion.wire_body_length);
    expect(createHash('sha256').update(built.body).digest('hex')).toBe(onion.wire_body_sha256_hex);
    expect(toHex(built.body)).toBe(onion.wire_body_hex);
    expect(toHex(built.replyKey)).toBe(onion.reply.key_hex);
    expect(built.encType).toBe('aes-gcm');
  });
});

describe('ONION-3HOP: peeling and the reply', () => {
  it('each hop sees the expected routing, and the target the RPC body', async () => {
    const [c0, c1, c2] = onion.layers.map((l) => l.ciphertext_hex);
    const guard = expectRelay(await peelOnionBody(fromHex(onion.wire_body_hex), ...keysOf('guard')));
    expect(guard.trailer).toEqual(onion.expected_peel.guard_sees_json);
    expect(guard.nextEd25519Hex).toBe(node('relay1').ed25519_pk_hex);
    expect(guard.hopNo).toBe(0);
    expect(toHex(guard.inner)).toBe(c2);

    const relay1 = expectRelay(await peelOnionBody(encodeRelayBody(guard), ...keysOf('relay1')));
    expect(relay1.trailer).toEqual(onion.expected_peel.relay1_sees_json);
    expect(relay1.hopNo).toBe(1);
    expect(toHex(relay1.inner)).toBe(c1);
    // The bare-blob form (routing carried beside it) peels the same layer identically.
    const relay1Bare = await peelLayer(guard.inner, ...keysOf('relay1'), {
      ephemeralKeyHex: guard.nextEphemeralKeyHex,
      encType: guard.nextEncType,
      hopNo: 1,
    });
    expect(relay1Bare).toEqual(relay1);

    const relay2 = expectRelay(await peelOnionBody(encodeRelayBody(relay1), ...keysOf('relay2')));
    expect(relay2.trailer).toEqual(onion.expected_peel.relay2_sees_json);
    expect(relay2.nextEd25519Hex).toBe(node('target').ed25519_pk_hex);
    expect(toHex(relay2.inner)).toBe(c0);

    const target = await peelOnionBody(encodeRelayBody(relay2), ...keysOf('target'));
    if (target.kind !== 'destination') throw new Error(`expected the destination, got ${target.kind}`);
    expect(JSON.stringify(target.trailer)).toBe(onion.expected_peel.target_sees_json_utf8);
    expect(decoder.decode(target.request)).toBe(onion.expected_peel.target_sees_body_utf8);
    expect(target).toMatchObject({ hopNo: 3, encType: 'aes-gcm', json: false, base64: true });
    expect(toHex(target.replyKey)).toBe(onion.reply.key_hex);

    const { status, body_utf8 } = onion.reply.expected_decrypted;
    expect(JSON.stringify({ status, body: body_utf8 })).toBe(onion.reply.plaintext_utf8);
    const reply = await encryptSnodeReply(status, body_utf8, target.replyKey, target.encType, fromHex(onion.reply.iv_hex));
    expect(reply).toBe(onion.reply.ciphertext_b64);
  });

  it('the client decrypts the reply with its innermost key, from text, bytes or the legacy wrapper', async () => {
    const { status, body_utf8, body_json } = onion.reply.expected_decrypted;
    const key = fromHex(onion.reply.key_hex);
    const b64 = onion.reply.ciphertext_b64;
    for (const reply of [b64, utf8(b64), `${b64}\n`, JSON.stringify({ result: b64 })]) {
      const decrypted = await decryptSnodeReply(reply, key, 'aes-gcm');
      expect(decrypted).toEqual({ status, body: body_utf8 });
      expect(JSON.parse(decrypted.body)).toEqual(body_json);
    }
  });
});
