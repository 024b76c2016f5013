import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex, utf8 } from '../bytes.ts';
import { encodeLayer, parseLayer } from './layer.ts';
import { isAllowedProxyTarget, readHopRouting } from './routing.ts';
import { codeOf } from '../../test/expect-code.ts';

function rawLayer(length: number, blob: Uint8Array, trailer: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + blob.length + trailer.length);
  new DataView(out.buffer).setUint32(0, length, true);
  out.set(blob, 4);
  out.set(trailer, 4 + blob.length);
  return out;
}

const jsonValue = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null));

describe('onion layer framing', () => {
  it('round-trips any blob and trailer object', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.dictionary(fc.string(), jsonValue), (blob, trailer) => {
        const encoded = encodeLayer(blob, trailer);
        expect(new DataView(encoded.buffer).getUint32(0, true)).toBe(blob.length);
        const parsed = parseLayer(encoded);
        expect(parsed.blob).toEqual(blob);
        expect(parsed.trailer).toEqual(JSON.parse(JSON.stringify(trailer)));
      }),
      { numRuns: 200 },
    );
  });

  it('writes the trailer compactly in insertion order and reads any JSON formatting', () => {
    const encoded = encodeLayer(fromHex('aabb'), { destination: 'x', ephemeral_key: 'y' });
    expect(toHex(encoded)).toBe('02000000aabb' + toHex(utf8('{"destination":"x","ephemeral_key":"y"}')));
    const spaced = rawLayer(1, fromHex('ff'), utf8(' {\n  "ephemeral_key" : "ab" ,\t"hop_no": 2 }\n'));
    expect(parseLayer(spaced).trailer).toEqual({ ephemeral_key: 'ab', hop_no: 2 });
  });

  it('accepts an empty blob', () => {
    expect(parseLayer(encodeLayer(new Uint8Array(0), { a: 1 }))).toEqual({ blob: new Uint8Array(0), trailer: { a: 1 } });
  });

  it('rejects every truncation of a layer', () => {
    const encoded = encodeLayer(new Uint8Array(20).fill(1), { ephemeral_key: 'ab', hop_no: 1 });
    for (let length = 0; length < encoded.length; length++) {
      expect(codeOf(() => parseLayer(encoded.subarray(0, length)), 'reason', 'param')).toMatch(/^onion_malformed:/);
    }
  });

  it('names each structural fault', () => {
    const blob = new Uint8Array(3);
    expect(codeOf(() => parseLayer(new Uint8Array(3)), 'reason', 'param')).toBe('onion_malformed:too_short');
    expect(codeOf(() => parseLayer(rawLayer(6, blob, utf8('{}'))), 'reason', 'param')).toBe('onion_malformed:length_exceeds_body');
    expect(codeOf(() => parseLayer(rawLayer(0xffffffff, blob, utf8('{}'))), 'reason', 'param')).toBe('onion_malformed:length_exceeds_body');
    expect(codeOf(() => parseLayer(rawLayer(3, blob, new Uint8Array(0))), 'reason', 'param')).toBe('onion_malformed:trailer_not_json');
    expect(codeOf(() => parseLayer(rawLayer(3, blob, utf8('{"a":'))), 'reason', 'param')).toBe('onion_malformed:trailer_not_json');
    expect(codeOf(() => parseLayer(rawLayer(3, blob, utf8('[1,2]'))), 'reason', 'param')).toBe('onion_malformed:trailer_not_object');
    expect(codeOf(() => parseLayer(rawLayer(3, blob, utf8('null'))), 'reason', 'param')).toBe('onion_malformed:trailer_not_object');
    expect(codeOf(() => parseLayer(rawLayer(3, blob, utf8('"s"'))), 'reason', 'param')).toBe('onion_malformed:trailer_not_object');
    expect(codeOf(() => parseLayer(rawLayer(3, blob, Uint8Array.of(0x7b, 0xff, 0x7d))), 'reason', 'param')).toBe(
      'onion_malformed:trailer_not_utf8',
    );
  });

  it('rejects wrong input types at the entry', () => {
    expect(codeOf(() => parseLayer('abcd' as unknown as Uint8Array), 'reason', 'param')).toBe('invalid_argument:layer');
    expect(codeOf(() => parseLayer([0, 0, 0, 0] as unknown as Uint8Array, 'body'), 'reason', 'param')).toBe('invalid_argument:body');
    expect(codeOf(() => encodeLayer('ab' as unknown as Uint8Array, {}), 'reason', 'param')).toBe('invalid_argument:blob');
    expect(codeOf(() => encodeLayer(new Uint8Array(1), [] as unknown as Record<string, unknown>), 'reason', 'param')).toBe(
      'invalid_argument:trailer',
    );
    expect(codeOf(() => encodeLayer(new Uint8Array(1), { n: 1n }), 'reason', 'param')).toBe('invalid_argument:trailer');
  });
});

describe('onion routing trailers', () => {
  const key = 'ab'.repeat(32);

  it('reads ephemeral_key, enc_type (with aliases) and hop_no', () => {
    expect(readHopRouting({ ephemeral_key: key })).toEqual({ ephemeralKey: fromHex(key), encType: 'aes-gcm', hopNo: 0 });
    expect(readHopRouting({ ephemeral_key: key.toUpperCase(), enc_type: 'xchacha20-poly1305', hop_no: 3 })).toEqual({
      ephemeralKey: fromHex(key),
      encType: 'xchacha20',
      hopNo: 3,
    });
  });

  it('rejects missing or malformed routing fields', () => {
    expect(codeOf(() => readHopRouting({}), 'reason', 'param')).toBe('onion_malformed:ephemeral_key');
    expect(codeOf(() => readHopRouting({ ephemeral_key: key.slice(2) }), 'reason', 'param')).toBe('onion_malformed:ephemeral_key');
    expect(codeOf(() => readHopRouting({ ephemeral_key: 5 }), 'reason', 'param')).toBe('onion_malformed:ephemeral_key');
    expect(codeOf(() => readHopRouting({ ephemeral_key: 'zz'.repeat(32) }), 'reason', 'param')).toBe('onion_malformed:ephemeral_key');
    expect(codeOf(() => readHopRouting({ ephemeral_key: key, enc_type: 'aes-cbc' }), 'reason', 'param')).toBe('onion_malformed:enc_type');
    expect(codeOf(() => readHopRouting({ ephemeral_key: key, hop_no: -1 }), 'reason', 'param')).toBe('onion_malformed:hop_no');
    expect(codeOf(() => readHopRouting({ ephemeral_key: key, hop_no: '1' }), 'reason', 'param')).toBe('onion_malformed:hop_no');
    expect(codeOf(() => readHopRouting({ ephemeral_key: key, hop_no: 1.5 }), 'reason', 'param')).toBe('onion_malformed:hop_no');
  });

  it('allows only the storage server proxy targets', () => {
    for (const ok of ['/loki/v3/lsrpc', '/loki/oxen/v4/lsrpc', '/oxen/v4/lsrpc']) expect(isAllowedProxyTarget(ok)).toBe(true);
    for (const bad of ['/not_loki/v3/lsrpc', '/loki/v3', '/loki/v3/lsrpc?foo=bar', 'oxen/v4/lsrpc', '']) {
      expect(isAllowedProxyTarget(bad)).toBe(false);
    }
  });
});
