/**
 * Fuzzing onion decoding on both sides: the replies the client opens (decryptSnodeReply,
 * decryptV4Reply), the layers a node peels (parseLayer, peelOnionBody, which the devnet runs on
 * whatever a client posts) and the v4 bencoding. Random bytes and text, the ONION-3HOP vector's wire
 * body and reply cut and flipped, and well-encrypted plaintexts that are the wrong thing (not JSON,
 * no status, a body missing, a legacy wrapper around junk). Each returns or throws
 * onion_decrypt_failed or onion_malformed.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { bytesNear, resolvesOrRejectsOnly, returnsOrThrowsOnly, textMutationOf } from '../../test/fuzz-inputs.ts';
import { fuzzParameters, fuzzTimeoutMs } from '../../test/fuzz.ts';
import { casesOf, loadVectors } from '../../test/vectors.ts';
import type { ErrorCode } from '../../src/shared/errors.ts';
import { fromBase64, fromHex, toBase64, utf8 } from '../bytes.ts';
import { ready } from '../sodium.ts';
import { decryptSnodeReply, decryptV4Reply } from './build.ts';
import { encrypt, type EncType } from './hop-encryption.ts';
import { parseLayer } from './layer.ts';
import { encryptSnodeReply, peelOnionBody } from './peel.ts';
import { encryptV4Reply } from './server.ts';
import { decodeBencodedStrings, decodeV4Reply, decodeV4Request, encodeV4Request } from './v4.ts';

const ONION: ReadonlySet<ErrorCode> = new Set(['onion_decrypt_failed', 'onion_malformed']);

interface ThreeHopCase {
  nodes: { role: string; x25519_pk_hex: string; x25519_sk_hex: string }[];
  wire_body_hex: string;
  reply: { key_hex: string; ciphertext_b64: string };
}
interface ParseCase {
  layer_hex: string;
}

const vectors = loadVectors('onion');
const threeHop = casesOf<ThreeHopCase>(vectors, 'onion_build_and_peel')[0]!;
const parseCases = casesOf<ParseCase>(vectors, 'parse_layer');
const replyKey = fromHex(threeHop.reply.key_hex);
const guard = threeHop.nodes.find((n) => n.role === 'guard')!;

let replySamples: Uint8Array[];
let v4Samples: Uint8Array[];

beforeAll(async () => {
  await ready();
  replySamples = [
    utf8(threeHop.reply.ciphertext_b64),
    utf8(await encryptSnodeReply(421, '{"snodes":[]}', replyKey, 'xchacha20')),
    utf8(JSON.stringify({ result: await encryptSnodeReply(200, 'ok', replyKey, 'aes-gcm') })),
  ];
  v4Samples = [
    await encryptV4Reply({ code: 200, headers: { 'content-type': 'application/json' }, body: utf8('{"id":1}') }, replyKey, 'aes-gcm'),
    await encryptV4Reply({ code: 404, headers: {}, body: new Uint8Array(0) }, replyKey, 'xchacha20'),
  ];
});

const encTypes = fc.constantFrom<EncType>('aes-gcm', 'xchacha20');

describe('replies the client opens', () => {
  it('the samples open (the fuzzing starts from valid replies)', async () => {
    expect((await decryptSnodeReply(replySamples[0]!, replyKey, 'aes-gcm')).status).toBe(200);
    expect(await decryptSnodeReply(replySamples[1]!, replyKey, 'xchacha20')).toEqual({ status: 421, body: '{"snodes":[]}' });
    expect((await decryptV4Reply(v4Samples[0]!, replyKey, 'aes-gcm')).code).toBe(200);
  });

  it(
    'decryptSnodeReply: random bytes and text, and real replies cut, flipped, spliced',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constant(null).chain(() => bytesNear(replySamples)),
          fc.constant(null).chain(() => fc.constantFrom(...replySamples).chain((r) => textMutationOf(new TextDecoder().decode(r)))),
          encTypes,
          async (bytes, text, encType) => {
            for (const reply of [bytes, text]) {
              const opened = await resolvesOrRejectsOnly(ONION, () => decryptSnodeReply(reply, replyKey, encType));
              if (opened.ok) expect(Number.isSafeInteger(opened.value.status) && typeof opened.value.body === 'string').toBe(true);
            }
          },
        ),
        fuzzParameters(200),
      );
    },
    fuzzTimeoutMs(15_000),
  );

  it(
    'decryptSnodeReply: well encrypted, but not the reply shape (any JSON, non-UTF-8, no status, no body)',
    async () => {
      const plaintext = fc.oneof(
        fc.json().map(utf8),
        fc.uint8Array({ maxLength: 60 }),
        fc.record({ status: fc.oneof(fc.double(), fc.string(), fc.constant(null)), body: fc.jsonValue() }).map((o) => utf8(JSON.stringify(o))),
        fc.record({ status_code: fc.integer() }).map((o) => utf8(JSON.stringify(o))),
      );
      await fc.assert(
        fc.asyncProperty(plaintext, encTypes, fc.boolean(), async (inner, encType, legacyWrapper) => {
          const base64 = toBase64(await encrypt(encType, replyKey, inner));
          const reply = legacyWrapper ? JSON.stringify({ result: base64 }) : base64;
          await resolvesOrRejectsOnly(ONION, () => decryptSnodeReply(reply, replyKey, encType));
        }),
        fuzzParameters(200),
      );
    },
    fuzzTimeoutMs(15_000),
  );

  it(
    'decryptV4Reply: random bytes, real v4 replies cut and flipped, and well-encrypted junk bencoding',
    async () => {
      const encrypted = fc.tuple(fc.uint8Array({ maxLength: 80 }), encTypes).map(([inner, encType]) => ({ inner, encType }));
      await fc.assert(
        fc.asyncProperty(
          fc.constant(null).chain(() => bytesNear(v4Samples)),
          encrypted,
          encTypes,
          async (bytes, junk, encType) => {
            await resolvesOrRejectsOnly(ONION, () => decryptV4Reply(bytes, replyKey, encType));
            const sealed = await encrypt(junk.encType, replyKey, junk.inner);
            await resolvesOrRejectsOnly(ONION, () => decryptV4Reply(sealed, replyKey, junk.encType));
          },
        ),
        fuzzParameters(200),
      );
    },
    fuzzTimeoutMs(15_000),
  );
});

describe('layers a node peels, and the v4 bencoding', () => {
  it(
    'parseLayer and peelOnionBody (as the guard): the 3-hop wire body and the parse vectors cut, flipped, spliced',
    async () => {
      const samples = [fromHex(threeHop.wire_body_hex), ...parseCases.map((c) => fromHex(c.layer_hex))];
      const secretKey = fromHex(guard.x25519_sk_hex);
      const publicKey = fromHex(guard.x25519_pk_hex);
      // The unchanged body peels: the fuzzing starts from a valid onion.
      expect((await peelOnionBody(samples[0]!, secretKey, publicKey)).kind).toBe('relay');
      await fc.assert(
        fc.asyncProperty(bytesNear(samples), async (body) => {
          returnsOrThrowsOnly(ONION, () => parseLayer(body));
          await resolvesOrRejectsOnly(ONION, () => peelOnionBody(body, secretKey, publicKey));
        }),
        fuzzParameters(200),
      );
    },
    fuzzTimeoutMs(15_000),
  );

  it(
    'decodeBencodedStrings, decodeV4Request, decodeV4Reply: random bytes and real encodings changed',
    () => {
      const samples = [
        encodeV4Request({ method: 'GET', endpoint: '/room/x', headers: {} }),
        encodeV4Request({ method: 'POST', endpoint: '/subscribe', headers: { 'content-type': 'application/json' }, body: utf8('{"a":1}') }),
        fromBase64(toBase64(utf8('l3:abc0:e'))),
      ];
      fc.assert(
        fc.property(bytesNear(samples), (bytes) => {
          returnsOrThrowsOnly(ONION, () => decodeBencodedStrings(bytes));
          returnsOrThrowsOnly(ONION, () => decodeV4Request(bytes));
          returnsOrThrowsOnly(ONION, () => decodeV4Reply(bytes));
        }),
        fuzzParameters(400),
      );
    },
    fuzzTimeoutMs(10_000),
  );
});
