import { beforeAll, describe, expect, it } from 'vitest';
import { toBase64, toHex, utf8 } from '../bytes.ts';
import { ready, sodium } from '../sodium.ts';
import { buildOnionRequest, decryptSnodeReply, decryptV4Reply, type BuildOnionOptions, type OnionHop } from './build.ts';
import { deriveClientKey, encrypt, type EncType } from './hop-encryption.ts';
import { encodeLayer, type Trailer } from './layer.ts';
import { encodeRelayBody, encryptSnodeReply, peelLayer, peelOnionBody, type PeelResult } from './peel.ts';
import { outerTrailer } from './routing.ts';
import { encryptV4Reply, openServerRequest } from './server.ts';
import { rejectionCodeOf } from '../../test/expect-code.ts';

interface TestNode extends OnionHop {
  secretKey: Uint8Array;
}

const CODED = ['onion_malformed', 'onion_decrypt_failed'];
let nodes: TestNode[];

beforeAll(async () => {
  await ready();
  nodes = [1, 2, 3, 4].map((i) => {
    const s = sodium();
    const ed = s.crypto_sign_seed_keypair(new Uint8Array(32).fill(i));
    return {
      ed25519PublicKeyHex: toHex(ed.publicKey),
      x25519PublicKey: s.crypto_sign_ed25519_pk_to_curve25519(ed.publicKey),
      secretKey: s.crypto_sign_ed25519_sk_to_curve25519(ed.privateKey),
    };
  });
});

const peelAt = (body: Uint8Array, node: TestNode) => peelOnionBody(body, node.secretKey, node.x25519PublicKey);

/** One layer for `node` around an arbitrary plaintext, as a posted body; returns the key the node will derive. */
async function sealFor(node: TestNode, plaintext: Uint8Array, encType: EncType = 'aes-gcm') {
  const ephemeral = sodium().crypto_box_keypair();
  const key = deriveClientKey(encType, ephemeral.privateKey, ephemeral.publicKey, node.x25519PublicKey);
  const blob = await encrypt(encType, key, plaintext);
  return { body: encodeLayer(blob, outerTrailer(ephemeral.publicKey, encType)), key };
}

async function peelSealed(trailer: Trailer, encType: EncType = 'aes-gcm'): Promise<PeelResult> {
  const { body } = await sealFor(nodes[0]!, encodeLayer(utf8('inner'), trailer), encType);
  return peelAt(body, nodes[0]!);
}

function smallOnion(encType: EncType) {
  return buildOnionRequest({
    path: [nodes[0]!, nodes[1]!, nodes[2]!],
    destination: { kind: 'snode', node: nodes[3]! },
    payload: utf8('{"method":"info","params":{}}'),
    encType,
  });
}

describe('peeling: damaged bodies give coded errors', () => {
  for (const encType of ['aes-gcm', 'xchacha20'] as const) {
    it(`${encType}: every truncation and every single-bit flip of a 3-hop onion is refused`, async () => {
      const { body } = await smallOnion(encType);
      for (let length = 0; length < body.length; length++) {
        expect(CODED).toContain(await rejectionCodeOf(peelAt(body.subarray(0, length), nodes[0]!)));
      }
      for (let i = 0; i < body.length; i++) {
        const flipped = body.slice();
        flipped[i]! ^= 0x01;
        expect(CODED).toContain(await rejectionCodeOf(peelAt(flipped, nodes[0]!)));
      }
    });

    it(`${encType}: a flipped byte inside a forwarded layer fails at the next hop`, async () => {
      const guard = await peelAt((await smallOnion(encType)).body, nodes[0]!);
      if (guard.kind !== 'relay') throw new Error('expected a relay');
      for (let i = 0; i < guard.inner.length; i += 7) {
        const inner = guard.inner.slice();
        inner[i]! ^= 0x80;
        expect(await rejectionCodeOf(peelAt(encodeRelayBody({ ...guard, inner }), nodes[1]!), 'reason', 'param')).toBe(
          'onion_decrypt_failed:authentication',
        );
      }
    });
  }

  it('names the outer faults', async () => {
    const { body } = await smallOnion('aes-gcm');
    const blob = body.subarray(4, 4 + new DataView(body.buffer).getUint32(0, true));
    const withTrailer = (trailer: Uint8Array, length = blob.length) => {
      const out = new Uint8Array(4 + blob.length + trailer.length);
      new DataView(out.buffer).setUint32(0, length, true);
      out.set(blob, 4);
      out.set(trailer, 4 + blob.length);
      return out;
    };
    const key = toHex(nodes[3]!.x25519PublicKey);
    expect(await rejectionCodeOf(peelAt(withTrailer(utf8('{}'), body.length), nodes[0]!), 'reason', 'param')).toBe('onion_malformed:length_exceeds_body');
    expect(await rejectionCodeOf(peelAt(withTrailer(utf8('ephemeral_key')), nodes[0]!), 'reason', 'param')).toBe('onion_malformed:trailer_not_json');
    expect(await rejectionCodeOf(peelAt(withTrailer(utf8(`["${key}"]`)), nodes[0]!), 'reason', 'param')).toBe('onion_malformed:trailer_not_object');
    expect(await rejectionCodeOf(peelAt(withTrailer(utf8('{"enc_type":"aes-gcm"}')), nodes[0]!), 'reason', 'param')).toBe(
      'onion_malformed:ephemeral_key',
    );
    expect(await rejectionCodeOf(peelAt(withTrailer(utf8(`{"ephemeral_key":"${key}","enc_type":"cbc"}`)), nodes[0]!), 'reason', 'param')).toBe(
      'onion_malformed:enc_type',
    );
    // A well-formed body under someone else's key: the node cannot decrypt it.
    expect(await rejectionCodeOf(peelAt(body, nodes[1]!), 'reason', 'param')).toBe('onion_decrypt_failed:authentication');
    expect(await rejectionCodeOf(peelAt(withTrailer(utf8(`{"ephemeral_key":"${'00'.repeat(32)}"}`)), nodes[0]!), 'reason', 'param')).toBe(
      'onion_decrypt_failed:weak_key',
    );
  });

  it('checks argument types and key lengths', async () => {
    const n = nodes[0]!;
    const { body } = await smallOnion('aes-gcm');
    expect(await rejectionCodeOf(() => peelOnionBody('body' as unknown as Uint8Array, n.secretKey, n.x25519PublicKey), 'reason', 'param')).toBe(
      'invalid_argument:body',
    );
    expect(await rejectionCodeOf(() => peelOnionBody(body, n.secretKey.subarray(1), n.x25519PublicKey), 'reason', 'param')).toBe(
      'invalid_argument:nodeX25519SecretKey',
    );
    expect(await rejectionCodeOf(() => peelOnionBody(body, n.secretKey, [] as unknown as Uint8Array), 'reason', 'param')).toBe(
      'invalid_argument:nodeX25519PublicKey',
    );
    expect(await rejectionCodeOf(() => peelLayer(body, n.secretKey, n.x25519PublicKey, null as never), 'reason', 'param')).toBe(
      'invalid_argument:routing',
    );
    expect(
      await rejectionCodeOf(() => peelLayer(body, n.secretKey, n.x25519PublicKey, { ephemeralKeyHex: 5 as unknown as string }), 'reason', 'param'),
    ).toBe('invalid_argument:routing.ephemeralKeyHex');
    expect(await rejectionCodeOf(() => peelLayer(body, n.secretKey, n.x25519PublicKey, { ephemeralKeyHex: 'abcd' }), 'reason', 'param')).toBe(
      'onion_malformed:ephemeral_key',
    );
    expect(await rejectionCodeOf(async () => encodeRelayBody({ kind: 'destination' } as never), 'reason', 'param')).toBe('invalid_argument:relay');
  });
});

describe('peeling: decrypted layers with unusable routing', () => {
  const dest = 'ab'.repeat(32);
  const eph = 'cd'.repeat(32);

  it('returns "Invalid json" with the layer key, which the client can read', async () => {
    const { body, key } = await sealFor(nodes[0]!, utf8('Hello world'), 'xchacha20');
    const result = await peelAt(body, nodes[0]!);
    expect(result).toMatchObject({ kind: 'invalid', reason: 'length_exceeds_body', replyStatus: 400, replyBody: 'Invalid json' });
    if (result.kind !== 'invalid') throw new Error('expected invalid');
    expect(result.replyKey).toEqual(key);
    const reply = await encryptSnodeReply(result.replyStatus, result.replyBody, result.replyKey, result.encType);
    expect(await decryptSnodeReply(reply, key, 'xchacha20')).toEqual({ status: 400, body: 'Invalid json' });
  });

  it('names each routing fault', async () => {
    const cases: [Trailer, string, string][] = [
      [{ destination: 'zz', ephemeral_key: eph }, 'destination', 'Invalid json'],
      [{ destination: dest }, 'ephemeral_key', 'Invalid json'],
      [{ destination: dest, ephemeral_key: eph, enc_type: 'aes-cbc' }, 'enc_type', 'Invalid json'],
      [{ ephemeral_key: eph }, 'destination', 'Invalid json'],
      [{ host: '', target: '/oxen/v4/lsrpc' }, 'host', 'Invalid json'],
      [{ host: 'h', target: 5 }, 'target', 'Invalid json'],
      [{ host: 'h', target: '/oxen/v4/lsrpc', port: 70000 }, 'port', 'Invalid json'],
      [{ host: 'h', target: '/oxen/v4/lsrpc', port: '80' }, 'port', 'Invalid json'],
      [{ host: 'h', target: '/oxen/v4/lsrpc', protocol: 1 }, 'protocol', 'Invalid json'],
      [{ host: 'h', target: '/oxen/v4/lsrpc', protocol: 'ftp' }, 'url', 'Invalid url'],
      [{ host: 'h', target: '/etc/passwd' }, 'url', 'Invalid url'],
      [{ host: 'h', target: '/oxen/v4/lsrpc?x=1' }, 'url', 'Invalid url'],
      [{ headers: {}, json: 'yes' }, 'reply_flags', 'Invalid json'],
      [{ headers: {}, base64: 0 }, 'reply_flags', 'Invalid json'],
    ];
    for (const [trailer, reason, replyBody] of cases) {
      expect(await peelSealed(trailer)).toMatchObject({ kind: 'invalid', reason, replyBody, hopNo: 0 });
    }
  });

  it('dispatches headers before host before destination, with defaults and aliases', async () => {
    expect(await peelSealed({ destination: dest, ephemeral_key: eph, host: 'h', target: '/loki/v3/lsrpc', headers: '' })).toMatchObject({
      kind: 'destination',
      json: false,
      base64: true,
    });
    expect(await peelSealed({ body: null, headers: { 'Content-Type': 'application/json' }, json: true, base64: false })).toMatchObject({
      kind: 'destination',
      json: true,
      base64: false,
    });
    expect(await peelSealed({ destination: dest, ephemeral_key: eph, host: 'h', target: '/loki/v3/lsrpc' })).toMatchObject({
      kind: 'proxy',
      protocol: 'https',
      port: 443,
    });
    expect(
      await peelSealed({ destination: dest.toUpperCase(), ephemeral_key: eph, enc_type: 'xchacha20-poly1305' }),
    ).toMatchObject({ kind: 'relay', nextEd25519Hex: dest, nextEphemeralKeyHex: eph, nextEncType: 'xchacha20' });
    expect(await peelSealed({ destination: dest, ephemeral_key: eph, enc_type: 'gcm' })).toMatchObject({
      kind: 'relay',
      nextEncType: 'aes-gcm',
    });
  });
});

describe('building: input checks', () => {
  const valid = (): BuildOnionOptions => ({
    path: [nodes[0]!, nodes[1]!, nodes[2]!],
    destination: { kind: 'snode', node: nodes[3]! },
    payload: utf8('{}'),
  });
  const server = { kind: 'server', host: 'h', target: '/oxen/v4/lsrpc', protocol: 'https', port: 443 } as const;

  it('refuses each bad option with the parameter named', async () => {
    const k = nodes[3]!.x25519PublicKey;
    const cases: [Partial<Record<keyof BuildOnionOptions, unknown>>, string][] = [
      [{ path: [], destination: { ...server, x25519PublicKey: k } }, 'path'],
      [{ path: Array(9).fill(nodes[0]) }, 'path'],
      [{ path: 'guard' }, 'path'],
      [{ path: [nodes[0], { ...nodes[1], ed25519PublicKeyHex: 'abc' }] }, 'path[1].ed25519PublicKeyHex'],
      [{ path: [{ ...nodes[0], x25519PublicKey: new Uint8Array(31) }] }, 'path[0].x25519PublicKey'],
      [{ path: [null] }, 'path[0]'],
      [{ destination: null }, 'destination'],
      [{ destination: { kind: 'sogs' } }, 'destination.kind'],
      [{ destination: { kind: 'snode' } }, 'destination.node'],
      [{ destination: { ...server, x25519PublicKey: k, target: '/v4/lsrpc' } }, 'destination.target'],
      [{ destination: { ...server, x25519PublicKey: k, protocol: 'ftp' } }, 'destination.protocol'],
      [{ destination: { ...server, x25519PublicKey: k, port: 0 } }, 'destination.port'],
      [{ destination: { ...server, x25519PublicKey: k, host: '' } }, 'destination.host'],
      [{ destination: { ...server, x25519PublicKey: 'k' } }, 'destination.x25519PublicKey'],
      [{ payload: '{}' }, 'payload'],
      [{ encType: 'aes-cbc' }, 'encType'],
      [{ deterministic: { ephemeralSecretKeys: [], ivs: [] } }, 'deterministic.ephemeralSecretKeys'],
      [
        { deterministic: { ephemeralSecretKeys: Array(4).fill(new Uint8Array(32)), ivs: Array(4).fill(new Uint8Array(24)) } },
        'deterministic.ivs[0]',
      ],
    ];
    for (const [override, param] of cases) {
      expect(await rejectionCodeOf(() => buildOnionRequest({ ...valid(), ...override } as BuildOnionOptions), 'reason', 'param')).toBe(
        `invalid_argument:${param}`,
      );
    }
    expect(await rejectionCodeOf(() => buildOnionRequest(null as unknown as BuildOnionOptions), 'reason', 'param')).toBe('invalid_argument:options');
    const lowOrder = { ...nodes[3]!, x25519PublicKey: new Uint8Array(32) };
    expect(await rejectionCodeOf(() => buildOnionRequest({ ...valid(), destination: { kind: 'snode', node: lowOrder } }), 'reason', 'param')).toBe(
      'invalid_argument:nodePublicKey',
    );
  });
});

describe('reading replies: damaged replies give coded errors', () => {
  const key = new Uint8Array(32).fill(9);
  const sealed = async (plaintext: string, encType: EncType = 'aes-gcm') => toBase64(await encrypt(encType, key, utf8(plaintext)));

  it('snode replies', async () => {
    const read = (reply: string | Uint8Array, encType: EncType = 'aes-gcm') => rejectionCodeOf(decryptSnodeReply(reply, key, encType), 'reason', 'param');
    expect(await read('!!!')).toBe('onion_malformed:reply_not_base64');
    expect(await read('{"status":200}')).toBe('onion_malformed:reply_not_base64');
    expect(await read('{"result":5}')).toBe('onion_malformed:reply_not_base64');
    expect(await read('{oops')).toBe('onion_malformed:reply_not_base64');
    expect(await read(Uint8Array.of(0xff, 0xfe))).toBe('onion_malformed:reply_not_utf8');
    expect(await read('')).toBe('onion_decrypt_failed:too_short');
    expect(await read(toBase64(new Uint8Array(60)))).toBe('onion_decrypt_failed:authentication');
    expect(await read(await sealed('not json'))).toBe('onion_malformed:reply_not_json');
    expect(await read(await sealed('[200]'))).toBe('onion_malformed:reply_not_object');
    expect(await read(await sealed('{"body":"x"}'))).toBe('onion_malformed:reply_status');
    expect(await read(await sealed('{"status":"200","body":"x"}'))).toBe('onion_malformed:reply_status');
    expect(await read(await sealed('{"status":200}'))).toBe('onion_malformed:reply_body');
    const badUtf8 = toBase64(await encrypt('aes-gcm', key, Uint8Array.of(0xc3, 0x28)));
    expect(await read(badUtf8)).toBe('onion_malformed:reply_not_utf8');
    const replies = await Promise.all([
      decryptSnodeReply(await sealed('{"status_code":421,"status":200,"body":"x"}'), key, 'aes-gcm'),
      decryptSnodeReply(await sealed('{"body":{"a":[1]},"status":200}'), key, 'aes-gcm'),
      decryptSnodeReply(await sealed('{"status":400,"body":"Invalid json"}'), key, 'xchacha20'), // legacy fallback
    ]);
    expect(replies).toEqual([
      { status: 421, body: 'x' },
      { status: 200, body: '{"a":[1]}' },
      { status: 400, body: 'Invalid json' },
    ]);
    expect(await rejectionCodeOf(() => decryptSnodeReply(5 as unknown as string, key, 'aes-gcm'), 'reason', 'param')).toBe('invalid_argument:reply');
    expect(await rejectionCodeOf(() => decryptSnodeReply('', key.subarray(1), 'aes-gcm'), 'reason', 'param')).toBe('invalid_argument:replyKey');
    expect(await rejectionCodeOf(() => decryptSnodeReply('', key, 'cbc' as EncType), 'reason', 'param')).toBe('invalid_argument:encType');
    expect(await rejectionCodeOf(() => encryptSnodeReply(200.5, '', key, 'aes-gcm'), 'reason', 'param')).toBe('invalid_argument:status');
    expect(await rejectionCodeOf(() => encryptSnodeReply(200, {} as unknown as string, key, 'aes-gcm'), 'reason', 'param')).toBe('invalid_argument:body');
  });

  it('v4 replies and server requests', async () => {
    const reply = { code: 200, headers: {}, body: utf8('ok') };
    for (const encType of ['aes-gcm', 'xchacha20'] as const) {
      const blob = await encryptV4Reply(reply, key, encType);
      for (let i = 0; i < blob.length; i++) {
        const flipped = blob.slice();
        flipped[i]! ^= 0x04;
        expect(await rejectionCodeOf(decryptV4Reply(flipped, key, encType), 'reason', 'param')).toBe('onion_decrypt_failed:authentication');
      }
    }
    expect(await decryptV4Reply(await encryptV4Reply(reply, key, 'aes-gcm'), key, 'xchacha20')).toEqual(reply);
    expect(await rejectionCodeOf(decryptV4Reply(await encrypt('aes-gcm', key, utf8('{"code":200}')), key, 'aes-gcm'), 'reason', 'param')).toBe(
      'onion_malformed:bencode_not_list',
    );
    expect(await rejectionCodeOf(() => decryptV4Reply('x' as unknown as Uint8Array, key, 'aes-gcm'), 'reason', 'param')).toBe('invalid_argument:reply');

    const server = nodes[3]!;
    const { body } = await sealFor(server, utf8('le'));
    expect(await rejectionCodeOf(openServerRequest(body, nodes[2]!.secretKey, nodes[2]!.x25519PublicKey), 'reason', 'param')).toBe(
      'onion_decrypt_failed:authentication',
    );
    expect(await rejectionCodeOf(openServerRequest(body.subarray(0, 10), server.secretKey, server.x25519PublicKey), 'reason', 'param')).toBe(
      'onion_malformed:length_exceeds_body',
    );
    expect(await rejectionCodeOf(() => openServerRequest(body, server.secretKey, new Uint8Array(0)), 'reason', 'param')).toBe(
      'invalid_argument:serverX25519PublicKey',
    );
  });
});
