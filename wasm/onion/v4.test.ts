import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { casesOf, loadVectors } from '../../test/vectors.ts';
import { fromHex, toHex, utf8 } from '../bytes.ts';
import {
  decodeBencodedStrings,
  decodeV4Reply,
  decodeV4Request,
  encodeBencodedStrings,
  encodeV4Reply,
  encodeV4Request,
  type V4Request,
} from './v4.ts';
import { codeOf } from '../../test/expect-code.ts';

// Source: test/vectors/onion.json V4-* (three from the session-pysogs docstring, two Parley-computed).
const vectors = loadVectors('onion');

interface V4Case {
  meta_json_utf8: string;
  body_utf8?: string;
  expected_bencoded_utf8: string;
  expected_bencoded_hex: string;
}

const decoder = new TextDecoder();

describe('v4 vectors', () => {
  for (const c of casesOf<V4Case>(vectors, 'v4_request_encoding')) {
    it(`${c.id}: encodes and decodes the request`, () => {
      const meta = JSON.parse(c.meta_json_utf8) as V4Request;
      const body = c.body_utf8 === undefined ? undefined : utf8(c.body_utf8);
      const encoded = encodeV4Request({ ...meta, body });
      expect(toHex(encoded)).toBe(c.expected_bencoded_hex);
      expect(decoder.decode(encoded)).toBe(c.expected_bencoded_utf8);
      const decoded = decodeV4Request(fromHex(c.expected_bencoded_hex));
      expect({ method: decoded.method, endpoint: decoded.endpoint, headers: decoded.headers }).toEqual(meta);
      expect(decoded.body).toEqual(body);
    });
  }

  for (const c of casesOf<V4Case>(vectors, 'v4_reply_encoding')) {
    it(`${c.id}: encodes and decodes the reply`, () => {
      const meta = JSON.parse(c.meta_json_utf8) as { code: number; headers: Record<string, string> };
      const encoded = encodeV4Reply({ ...meta, body: utf8(c.body_utf8!) });
      expect(toHex(encoded)).toBe(c.expected_bencoded_hex);
      const decoded = decodeV4Reply(fromHex(c.expected_bencoded_hex));
      expect(decoded.code).toBe(meta.code);
      expect(decoded.headers).toEqual(meta.headers);
      expect(decoder.decode(decoded.body)).toBe(c.body_utf8);
    });
  }
});

describe('v4 properties and leniency', () => {
  it('round-trips any request and reply', () => {
    const headers = fc.dictionary(fc.string({ minLength: 1 }), fc.string());
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }),
        fc.string().map((s) => `/${s}`),
        headers,
        fc.option(fc.uint8Array({ maxLength: 300 }), { nil: undefined }),
        fc.integer({ min: 100, max: 599 }),
        (method, endpoint, h, body, code) => {
          const request = decodeV4Request(encodeV4Request({ method, endpoint, headers: h, body }));
          expect(request).toEqual(body === undefined ? { method, endpoint, headers: h } : { method, endpoint, headers: h, body });
          const reply = decodeV4Reply(encodeV4Reply({ code, headers: h, body: body ?? new Uint8Array(0) }));
          expect(reply).toEqual({ code, headers: h, body: body ?? new Uint8Array(0) });
        },
      ),
      { numRuns: 200 },
    );
  });

  it("reads pysogs's spaced meta, a one-part reply, and a request without headers", () => {
    const meta = '{"code": 404, "headers": {"x-a": "b"}}';
    const spaced = decodeV4Reply(utf8(`l${meta.length}:${meta}4:nopee`));
    expect(spaced).toEqual({ code: 404, headers: { 'x-a': 'b' }, body: utf8('nope') });
    expect(decodeV4Reply(utf8('l12:{"code":200}e'))).toEqual({ code: 200, headers: {}, body: new Uint8Array(0) });
    expect(decodeV4Request(encodeBencodedStrings([utf8('{"method":"GET","endpoint":"/abc"}')]))).toEqual({
      method: 'GET',
      endpoint: '/abc',
      headers: {},
    });
  });
});

describe('v4 strict decoding', () => {
  it('rejects every truncation and trailing byte', () => {
    const encoded = encodeV4Request({ method: 'POST', endpoint: '/file', headers: {}, body: utf8('hello') });
    for (let length = 0; length < encoded.length; length++) {
      expect(codeOf(() => decodeV4Request(encoded.subarray(0, length)), 'reason', 'param')).toMatch(/^onion_malformed:/);
    }
    const extra = new Uint8Array(encoded.length + 1);
    extra.set(encoded);
    expect(codeOf(() => decodeV4Request(extra), 'reason', 'param')).toBe('onion_malformed:bencode_trailing');
  });

  it('names each bencoding fault', () => {
    const cases: [string, string][] = [
      ['d1:ae', 'bencode_not_list'],
      ['', 'bencode_not_list'],
      ['l', 'bencode_truncated'],
      ['l3:abe', 'bencode_truncated'],
      ['l03:abce', 'bencode_length'],
      ['l-1:ae', 'bencode_length'],
      ['l3abce', 'bencode_length'],
      ['li3ee', 'bencode_length'],
      ['l99999999999:ae', 'bencode_length'],
      ['l1:aee', 'bencode_trailing'],
    ];
    for (const [text, reason] of cases) expect(codeOf(() => decodeBencodedStrings(utf8(text)), 'reason', 'param')).toBe(`onion_malformed:${reason}`);
    expect(decodeBencodedStrings(utf8('le'))).toEqual([]);
    expect(decodeBencodedStrings(utf8('l0:3:abce'))).toEqual([new Uint8Array(0), utf8('abc')]);
    expect(encodeBencodedStrings([utf8('ab'), new Uint8Array(0)])).toEqual(utf8('l2:ab0:e'));
  });

  it('names each v4 meta fault', () => {
    const request = (meta: string, ...more: string[]) =>
      codeOf(() => decodeV4Request(encodeBencodedStrings([utf8(meta), ...more.map((m) => utf8(m))])), 'reason', 'param');
    expect(codeOf(() => decodeV4Request(utf8('le')), 'reason', 'param')).toBe('onion_malformed:v4_parts');
    expect(request('{"method":"GET","endpoint":"/"}', 'a', 'b')).toBe('onion_malformed:v4_parts');
    expect(request('{"method":"GET"')).toBe('onion_malformed:meta_not_json');
    expect(request('[1]')).toBe('onion_malformed:meta_not_object');
    expect(request('{"endpoint":"/"}')).toBe('onion_malformed:meta_method');
    expect(request('{"method":"GET","endpoint":"room"}')).toBe('onion_malformed:meta_endpoint');
    expect(request('{"method":"GET","endpoint":"/","headers":{"a":1}}')).toBe('onion_malformed:meta_headers');
    expect(request('{"method":"GET","endpoint":"/","headers":[]}')).toBe('onion_malformed:meta_headers');
    const reply = (meta: string) => codeOf(() => decodeV4Reply(encodeBencodedStrings([utf8(meta)])), 'reason', 'param');
    expect(reply('{"code":"200"}')).toBe('onion_malformed:meta_code');
    expect(reply('{"code":20.5}')).toBe('onion_malformed:meta_code');
    expect(reply('{}')).toBe('onion_malformed:meta_code');
    expect(codeOf(() => decodeV4Reply(Uint8Array.of(0x6c, 0x31, 0x3a, 0xff, 0x65)), 'reason', 'param')).toBe('onion_malformed:meta_not_json');
  });

  it('checks encoder inputs', () => {
    const ok = { method: 'GET', endpoint: '/x', headers: {} };
    expect(codeOf(() => encodeV4Request({ ...ok, endpoint: 'x' }), 'reason', 'param')).toBe('invalid_argument:request.endpoint');
    expect(codeOf(() => encodeV4Request({ ...ok, method: 1 as unknown as string }), 'reason', 'param')).toBe('invalid_argument:request.method');
    expect(codeOf(() => encodeV4Request({ ...ok, headers: { a: 1 } as unknown as Record<string, string> }), 'reason', 'param')).toBe(
      'invalid_argument:request.headers',
    );
    expect(codeOf(() => encodeV4Request({ ...ok, body: 'b' as unknown as Uint8Array }), 'reason', 'param')).toBe('invalid_argument:request.body');
    expect(codeOf(() => encodeV4Request(null as unknown as V4Request), 'reason', 'param')).toBe('invalid_argument:request');
    expect(codeOf(() => encodeV4Reply({ code: 42, headers: {}, body: new Uint8Array(0) }), 'reason', 'param')).toBe('invalid_argument:reply.code');
    expect(codeOf(() => encodeBencodedStrings('ab' as unknown as Uint8Array[]), 'reason', 'param')).toBe('invalid_argument:parts');
    expect(codeOf(() => decodeV4Reply([108, 101] as unknown as Uint8Array), 'reason', 'param')).toBe('invalid_argument:reply');
  });
});
