import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadVectors, casesOf } from '../test/vectors.ts';
import { fromHex, toHex } from './bytes.ts';
import { padMessage, padMessageLegacy, paddedLength, paddedLengthLegacy, unpadMessage } from './padding.ts';

const vectors = loadVectors('session-protocol');

interface PadLengths {
  plaintext_length: number;
  padded_length_current: number;
  padded_length_legacy: number;
}
interface PadBytes {
  plaintext_hex: string;
  padded_current_hex: string;
  padded_legacy_hex: string;
}
interface Unpad {
  input_hex: string;
  expected_hex: string;
}
interface UnpadDivergent {
  input_hex: string;
  expected_libsession_hex: string;
  expected_desktop_legacy_hex?: string;
  expected_desktop_legacy_error?: string;
}

const invalidCode = expect.objectContaining({ code: 'invalid_argument' });

describe('padding vectors (session-protocol.json)', () => {
  it.each(casesOf<PadLengths>(vectors, 'pad_lengths'))('$id: padded lengths', (c) => {
    const content = new Uint8Array(c.plaintext_length).fill(0x41);
    expect(paddedLength(c.plaintext_length)).toBe(c.padded_length_current);
    expect(paddedLengthLegacy(c.plaintext_length)).toBe(c.padded_length_legacy);
    expect(padMessage(content).length).toBe(c.padded_length_current);
    expect(padMessageLegacy(content).length).toBe(c.padded_length_legacy);
    expect(unpadMessage(padMessage(content))).toEqual(content);
    expect(unpadMessage(padMessageLegacy(content))).toEqual(content);
  });

  it.each(casesOf<PadBytes>(vectors, 'pad_bytes'))('$id: padded bytes', (c) => {
    const content = fromHex(c.plaintext_hex);
    expect(toHex(padMessage(content))).toBe(c.padded_current_hex);
    expect(toHex(padMessageLegacy(content))).toBe(c.padded_legacy_hex);
  });

  it.each(casesOf<Unpad>(vectors, 'unpad'))('$id: unpad', (c) => {
    expect(toHex(unpadMessage(fromHex(c.input_hex)))).toBe(c.expected_hex);
  });

  it.each(casesOf<UnpadDivergent>(vectors, 'unpad_divergent'))('$id: unpad follows libsession', (c) => {
    expect(toHex(unpadMessage(fromHex(c.input_hex)))).toBe(c.expected_libsession_hex);
  });
});

describe('padding properties', () => {
  it('round-trips any content of 0..1000 bytes through both schemes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 1000 }), (content) => {
        const current = padMessage(content);
        const legacy = padMessageLegacy(content);
        expect(current.length % 160).toBe(0);
        expect(current.length).toBeGreaterThan(content.length);
        expect(legacy.length % 160).toBe(159);
        expect(legacy.length).toBeGreaterThan(content.length);
        expect(current[content.length]).toBe(0x80);
        expect(current.subarray(content.length + 1).every((b) => b === 0)).toBe(true);
        expect(unpadMessage(current)).toEqual(content);
        expect(unpadMessage(legacy)).toEqual(content);
      }),
      { numRuns: 200 },
    );
  });

  it('adds a whole extra block when content and terminator fill a block exactly (current scheme only)', () => {
    expect(padMessage(new Uint8Array(159)).length).toBe(320);
    expect(padMessageLegacy(new Uint8Array(158)).length).toBe(159);
  });

  it('returns a copy, so wiping the padded buffer leaves the content intact', () => {
    const padded = padMessage(new Uint8Array([1, 2, 3]));
    const content = unpadMessage(padded);
    padded.fill(0);
    expect(content).toEqual(new Uint8Array([1, 2, 3]));
    const unpadded = new Uint8Array([1, 2, 3]);
    const same = unpadMessage(unpadded);
    unpadded.fill(9);
    expect(same).toEqual(new Uint8Array([1, 2, 3]));
  });

  it('leaves data without padding as it is, and handles the empty input', () => {
    expect(unpadMessage(new Uint8Array([1, 2, 0x7f]))).toEqual(new Uint8Array([1, 2, 0x7f]));
    expect(unpadMessage(new Uint8Array(0))).toEqual(new Uint8Array(0));
    expect(unpadMessage(new Uint8Array([0x80, 0x80]))).toEqual(new Uint8Array([0x80]));
  });
});

describe('padding entry checks', () => {
  const wrongTypes: unknown[] = ['abc', [1, 2], null, undefined, 5, new ArrayBuffer(4), { length: 3 }];

  it.each(wrongTypes.map((value) => ({ value })))('rejects $value for every function', ({ value }) => {
    expect(() => padMessage(value as Uint8Array)).toThrow(invalidCode);
    expect(() => padMessageLegacy(value as Uint8Array)).toThrow(invalidCode);
    expect(() => unpadMessage(value as Uint8Array)).toThrow(invalidCode);
  });
});
