import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesOfHex, isServerBase64, zbase32 } from './encoding.ts';
import { parseJsonBody, stringifyJson } from './json.ts';

const text = (s: string) => new TextEncoder().encode(s);

describe('zbase32 (known answers from oxen-encoding tests/test_encoding.cpp)', () => {
  it.each([
    ['0000000000', 'yyyyyyyy'],
    ['68656c6c6f', 'pb1sa5dx'],
    ['00ff', 'yd9o'],
    ['00443217', 'ybndrfa'],
    ['0123456789abcdef'.repeat(4), 'yrtwk3hjixg66yjdeiuauk6p7hy1gtm8tgih55abrpnsxnpm3zzo'],
    ['f16ba5591039f089b42a834175093094074d0d937a79e53e5ce730f946e14b88', '6fi4kseo88aeupbkopyzknjo1odw4dcuxjh6kx1hhhax1tzbjqry'],
  ])('%s → %s', (hex, expected) => {
    expect(zbase32(bytesOfHex(hex))).toBe(expected);
  });

  it('gives ceil(8n/5) characters', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        expect(zbase32(bytes)).toHaveLength(Math.ceil((bytes.length * 8) / 5));
      }),
      { numRuns: 100 },
    );
  });
});

describe('isServerBase64 (the server encoding library rules)', () => {
  it.each(['', 'YWJjZGVm', 'YWJjZGU', 'YWJjZGU=', 'YWJjZA==', 'YWJjZA', 'YWJjZB', 'A+/A'])('accepts %j', (s) => {
    expect(isServerBase64(s)).toBe(true);
  });
  it.each(['YWJjZ=', 'YYYYA', 'YWJj=', 'YWJj=A', 'YWJjA===', 'YWJ[', 'YWJ.', '_YWJ', 'YW-j', 'YWJjZA=', 'é'])('rejects %j', (s) => {
    expect(isServerBase64(s)).toBe(false);
  });
  it('accepts whatever standard base64 encodes, padded or not', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        const b = Buffer.from(bytes).toString('base64');
        expect(isServerBase64(b)).toBe(true);
        expect(isServerBase64(b.replace(/=+$/, ''))).toBe(true);
      }),
      { numRuns: 100 },
    );
  });
});

describe('JSON', () => {
  it('writes compactly with sorted keys and exact u64 values', () => {
    expect(stringifyJson({ t: 1, hf: [19, 3], a: { z: null, b: 'é' }, id: 18446744073709551615n })).toBe(
      '{"a":{"b":"é","z":null},"hf":[19,3],"id":18446744073709551615,"t":1}',
    );
  });

  it('rejects what the server parser rejects', () => {
    expect(parseJsonBody(text('{"a":"\\ud800"}'))).toBeUndefined();
    expect(parseJsonBody(text('{"a":"\\udc00"}'))).toBeUndefined();
    expect(parseJsonBody(text('{"a":"\\ud800x"}'))).toBeUndefined();
    expect(parseJsonBody(new Uint8Array([0x22, 0xc3, 0x22]))).toBeUndefined();
    expect(parseJsonBody(text("{'a':1}"))).toBeUndefined();
    expect(parseJsonBody(text(''))).toBeUndefined();
  });

  it('accepts surrogate pairs, escaped backslashes and a BOM', () => {
    expect(parseJsonBody(text('{"a":"\\ud83d\\ude00"}'))).toEqual({ a: '😀' });
    expect(parseJsonBody(text('{"a":"\\\\ud800"}'))).toEqual({ a: '\\ud800' });
    expect(parseJsonBody(text('\ufeff[1]'))).toEqual([1]);
  });

  it('round-trips any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const back = parseJsonBody(text(stringifyJson(value as never)));
        expect(back).toEqual(JSON.parse(JSON.stringify(value)));
      }),
      { numRuns: 100 },
    );
  });
});
