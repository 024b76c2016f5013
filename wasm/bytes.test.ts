import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concatBytes, equalBytes, fromBase64, fromHex, fromUtf8, toBase64, toBase64Unpadded, toHex, utf8 } from './bytes.ts';
import { codeOf } from '../test/expect-code.ts';

describe('bytes', () => {
  it('round-trips hex and base64 for any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(fromHex(toHex(bytes))).toEqual(bytes);
        expect(fromBase64(toBase64(bytes))).toEqual(bytes);
        expect(fromBase64(toBase64Unpadded(bytes))).toEqual(bytes);
      }),
    );
  });

  it('rejects malformed hex and base64 with a coded error naming the parameter', () => {
    for (const bad of ['abc', 'zz', '0x00']) {
      expect(() => fromHex(bad, 'key')).toThrowError(expect.objectContaining({ code: 'invalid_argument', details: expect.objectContaining({ param: 'key' }) }));
    }
    for (const bad of ['a', 'ab=c', '****', 'YWJj\n']) {
      expect(() => fromBase64(bad)).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
    }
  });

  it('base64: the same verdict as the grammar (groups of 4, a tail of 2 or 3, optional padding)', () => {
    const grammar = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$/;
    const text = fc.string({ unit: fc.constantFrom('A', 'z', '0', '+', '/', '=', '-', ' '), maxLength: 14 });
    fc.assert(
      fc.property(text, (t) => {
        expect(codeOf(() => fromBase64(t)) === 'no error').toBe(grammar.test(t));
      }),
      { numRuns: 500 },
    );
  });

  it('base64 of a node-sized answer (8 MB) decodes without overflowing the stack', () => {
    // A grammar-shaped regular expression threw RangeError (not a ParleyError) from about 5 MB on.
    const large = 'QUJD'.repeat(2 * 1024 * 1024);
    expect(fromBase64(large).length).toBe(6 * 1024 * 1024);
    expect(codeOf(() => fromBase64(large + '!'))).toBe('invalid_argument');
  });

  it('rejects wrong types at the entry', () => {
    expect(() => toHex('00' as unknown as Uint8Array)).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
    expect(() => fromHex(5 as unknown as string)).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
    expect(() => concatBytes(new Uint8Array(1), [1] as unknown as Uint8Array)).toThrow(
      expect.objectContaining({ code: 'invalid_argument', details: expect.objectContaining({ param: 'parts[1]' }) }),
    );
  });

  it('decodes UTF-8 strictly', () => {
    expect(fromUtf8(utf8('héllo ✉'))).toBe('héllo ✉');
    expect(codeOf(() => fromUtf8(new Uint8Array([0xc3, 0x28])))).toBe('invalid_argument');
  });

  it('compares bytes', () => {
    expect(equalBytes(new Uint8Array([1, 2]), new Uint8Array([1, 2]))).toBe(true);
    expect(equalBytes(new Uint8Array([1, 2]), new Uint8Array([1, 3]))).toBe(false);
    expect(equalBytes(new Uint8Array([1]), new Uint8Array([1, 0]))).toBe(false);
  });
});
