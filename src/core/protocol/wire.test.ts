import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { equalBytes, fromHex, toHex } from '../../../wasm/bytes.ts';
import { Reader, WIRE_FIXED64, WIRE_LEN, WIRE_VARINT, Writer } from './wire.ts';
import { errorOf } from '../../../test/expect-code.ts';


function readOne<T>(hex: string, read: (r: Reader, wireType: number) => T): T {
  const r = new Reader(fromHex(hex), 'm');
  const tag = r.tag();
  const value = read(r, tag.wireType);
  expect(r.done).toBe(true);
  return value;
}

describe('varints', () => {
  const numbers: [number, string][] = [
    [0, '00'],
    [1, '01'],
    [127, '7f'],
    [128, '8001'],
    [300, 'ac02'],
    [16_384, '808001'],
    [2 ** 31, '8080808008'],
    [2 ** 32 - 1, 'ffffffff0f'],
    [2 ** 32, '8080808010'],
    [1_700_000_000_000, '80d095ffbc31'],
    [Number.MAX_SAFE_INTEGER, 'ffffffffffffff0f'],
  ];

  it.each(numbers)('uint64 %d is %s and reads back', (value, hex) => {
    const w = new Writer('m');
    w.uint64(1, value, 'f');
    expect(toHex(w.finish())).toBe('08' + hex);
    expect(readOne('08' + hex, (r, wt) => r.uint64(wt, 'f'))).toBe(value);
    expect(readOne('08' + hex, (r, wt) => r.uint64Big(wt, 'f'))).toBe(BigInt(value));
  });

  it('uint64 as bigint covers the full 64 bits', () => {
    const w = new Writer('m');
    w.uint64Big(1, 2n ** 64n - 1n, 'f');
    expect(toHex(w.finish())).toBe('08ffffffffffffffffff01');
    expect(readOne('08ffffffffffffffffff01', (r, wt) => r.uint64Big(wt, 'f'))).toBe(2n ** 64n - 1n);
    expect(readOne('0880808080808080808001', (r, wt) => r.uint64Big(wt, 'f'))).toBe(2n ** 63n);
  });

  it('round-trips any uint64 (bigint) and any safe integer', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (big, small) => {
        const w = new Writer('m');
        w.uint64Big(1, big, 'a');
        w.uint64(2, small, 'b');
        const r = new Reader(w.finish(), 'm');
        expect(r.uint64Big(r.tag().wireType, 'a')).toBe(big);
        expect(r.uint64(r.tag().wireType, 'b')).toBe(small);
        expect(r.done).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('accepts non-minimal encodings, as protobuf does', () => {
    expect(readOne('088000', (r, wt) => r.uint64(wt, 'f'))).toBe(0);
    expect(readOne('08ff8000', (r, wt) => r.uint32(wt, 'f'))).toBe(127);
  });

  it('refuses more than 10 bytes and values past 2^64', () => {
    expect(errorOf(() => readOne('08' + '80'.repeat(10) + '00', (r, wt) => r.uint64Big(wt, 'f'))).details).toMatchObject({
      problem: 'varint_too_long',
      path: 'm.f',
    });
    expect(errorOf(() => readOne('08' + 'ff'.repeat(9) + '02', (r, wt) => r.uint64Big(wt, 'f'))).details['problem']).toBe(
      'varint_too_long',
    );
    // an over-long varint is refused in a skipped (unknown) field and in a tag as well
    const unknown = new Reader(fromHex('08' + '80'.repeat(10) + '01'), 'm');
    expect(errorOf(() => unknown.skip(unknown.tag())).details['problem']).toBe('varint_too_long');
    expect(errorOf(() => new Reader(fromHex('80'.repeat(11)), 'm').tag()).details['problem']).toBe('varint_too_long');
  });

  it('refuses truncated varints', () => {
    for (const hex of ['08', '0880', '08ffffffff', '80']) {
      const error = errorOf(() => readOne(hex, (r, wt) => r.uint64(wt, 'f')));
      expect(error.code).toBe('protobuf_malformed');
      expect(error.details['problem']).toBe('truncated');
    }
  });

  it('refuses values that do not fit the field type', () => {
    expect(errorOf(() => readOne('088080808010', (r, wt) => r.uint32(wt, 'f'))).details).toMatchObject({
      problem: 'range',
      path: 'm.f',
    });
    expect(errorOf(() => readOne('08808080808080808001', (r, wt) => r.uint64(wt, 'f'))).details['problem']).toBe('range');
    expect(readOne('08ffffffffffffff0f', (r, wt) => r.uint64(wt, 'f'))).toBe(Number.MAX_SAFE_INTEGER);
    expect(errorOf(() => readOne('08808080808080801000', (r, wt) => r.uint64(wt, 'f'))).details['problem']).toBe('range'); // 2^53
  });

  it('reads enums as int32 from the low 32 bits (negative values included)', () => {
    expect(readOne('08ffffffffffffffffff01', (r, wt) => r.enumValue(wt, 'e'))).toBe(-1);
    expect(readOne('0806', (r, wt) => r.enumValue(wt, 'e'))).toBe(6);
  });

  it('reads any non-zero varint as true', () => {
    expect(readOne('0800', (r, wt) => r.bool(wt, 'b'))).toBe(false);
    expect(readOne('0801', (r, wt) => r.bool(wt, 'b'))).toBe(true);
    expect(readOne('08808080808001', (r, wt) => r.bool(wt, 'b'))).toBe(true);
  });
});

describe('fixed64 and length-delimited fields', () => {
  it('fixed64 is little-endian', () => {
    const w = new Writer('m');
    w.fixed64(1, 0x0102030405060708n, 'id');
    expect(toHex(w.finish())).toBe('090807060504030201');
    expect(readOne('090807060504030201', (r, wt) => r.fixed64(wt, 'id'))).toBe(0x0102030405060708n);
    expect(readOne('09ffffffffffffffff', (r, wt) => r.fixed64(wt, 'id'))).toBe(2n ** 64n - 1n);
    expect(errorOf(() => readOne('0901020304050607', (r, wt) => r.fixed64(wt, 'id'))).details['problem']).toBe('truncated');
  });

  it('bytes and strings, with unicode', () => {
    const w = new Writer('m');
    w.bytes(1, Uint8Array.of(1, 2, 3), 'b');
    w.string(2, 'é😀', 's');
    w.string(3, '', 'empty');
    expect(toHex(w.finish())).toBe('0a03010203' + '1206c3a9f09f9880' + '1a00');
  });

  it('a decoded bytes field is a copy, not a view of the input', () => {
    const input = fromHex('0a03010203');
    const value = readOne(toHex(input), (r, wt) => r.bytes(wt, 'b'));
    input[2] = 9;
    expect(Array.from(value)).toEqual([1, 2, 3]);
  });

  it('strings decode leniently (malformed UTF-8 becomes U+FFFD)', () => {
    expect(readOne('0a02c328', (r, wt) => r.string(wt, 's'))).toBe('\uFFFD(');
  });

  it('refuses a length past the end, at every shortfall', () => {
    for (const hex of ['0a01', '0a05010203', '0aff01', '0affffffff0f00', '0a8080808010']) {
      const error = errorOf(() => readOne(hex, (r, wt) => r.bytes(wt, 'b')));
      expect(error.code).toBe('protobuf_malformed');
      expect(error.details['problem']).toBe('length');
    }
  });

  it('packed and unpacked repeated uint64 both read', () => {
    const unpacked = new Reader(fromHex('1001' + '1002'), 'm');
    const out: number[] = [];
    while (!unpacked.done) unpacked.repeatedUint64(unpacked.tag().wireType, 't', out);
    const packed = new Reader(fromHex('12030102' + '03'), 'm');
    while (!packed.done) packed.repeatedUint64(packed.tag().wireType, 't', out);
    expect(out).toEqual([1, 2, 1, 2, 3]);
    expect(errorOf(() => new Reader(fromHex('120201'), 'm').repeatedUint64(WIRE_LEN, 't', [])).code).toBe('protobuf_malformed');
    expect(errorOf(() => new Reader(fromHex('0180'), 'm').repeatedUint64(WIRE_LEN, 't', [])).details['problem']).toBe('truncated');
  });
});

describe('tags, wire types, unknown fields', () => {
  it('a known field with another wire type is malformed', () => {
    const error = errorOf(() => readOne('0a0101', (r, wt) => r.uint64(wt, 'timestamp')));
    expect(error.details).toMatchObject({ problem: 'wire_type', path: 'm.timestamp' });
    expect(errorOf(() => readOne('0801', (r, wt) => r.bytes(wt, 'b'))).details['problem']).toBe('wire_type');
    expect(errorOf(() => readOne('0801', (r, wt) => r.fixed64(wt, 'id'))).details['problem']).toBe('wire_type');
    expect(errorOf(() => readOne('090000000000000000', (r, wt) => r.uint32(wt, 'n'))).details['problem']).toBe('wire_type');
  });

  it('skips unknown varint, fixed64, length-delimited and fixed32 fields', () => {
    const r = new Reader(fromHex('f806ac02' + '0901020304050607 08'.replace(' ', '') + '1a03616263' + '2d01020304' + '3007'), 'm');
    for (let i = 0; i < 4; i++) r.skip(r.tag());
    expect(r.uint32(r.tag().wireType, 'last')).toBe(7);
    expect(r.done).toBe(true);
  });

  it('refuses groups (wire types 3, 4), invalid wire types (6, 7) and field number 0', () => {
    for (const [hex, problem] of [
      ['0b', 'group'],
      ['0c', 'group'],
      ['0e', 'wire_type'],
      ['0f', 'wire_type'],
    ] as const) {
      const r = new Reader(fromHex(hex), 'm');
      expect(errorOf(() => r.skip(r.tag())).details['problem']).toBe(problem);
    }
    expect(errorOf(() => new Reader(fromHex('0001'), 'm').tag()).details['problem']).toBe('field_number');
    expect(errorOf(() => new Reader(fromHex('8080808080808001'), 'm').tag()).details['problem']).toBe('field_number');
  });

  it('field numbers up to 2^29 - 1 round-trip', () => {
    const w = new Writer('m');
    w.uint32(2 ** 29 - 1, 5, 'f');
    const r = new Reader(w.finish(), 'm');
    const tag = r.tag();
    expect(tag).toEqual({ field: 2 ** 29 - 1, wireType: WIRE_VARINT });
    expect(r.uint32(tag.wireType, 'f')).toBe(5);
  });

  it('a Reader refuses something that is not bytes', () => {
    expect(errorOf(() => new Reader('0801' as unknown as Uint8Array, 'm')).code).toBe('invalid_argument');
  });
});

describe('Writer entry checks', () => {
  const bad: [string, (w: Writer) => void, string][] = [
    ['negative uint32', (w) => w.uint32(1, -1, 'f'), 'range'],
    ['uint32 past 2^32 - 1', (w) => w.uint32(1, 2 ** 32, 'f'), 'range'],
    ['fractional uint32', (w) => w.uint32(1, 1.5, 'f'), 'type'],
    ['uint32 as string', (w) => w.uint32(1, '1', 'f'), 'type'],
    ['uint64 past 2^53 - 1', (w) => w.uint64(1, 2 ** 53, 'f'), 'type'],
    ['uint64 NaN', (w) => w.uint64(1, Number.NaN, 'f'), 'type'],
    ['uint64 as bigint', (w) => w.uint64(1, 1n, 'f'), 'type'],
    ['uint64Big as number', (w) => w.uint64Big(1, 1, 'f'), 'type'],
    ['uint64Big past 2^64 - 1', (w) => w.uint64Big(1, 2n ** 64n, 'f'), 'range'],
    ['negative fixed64', (w) => w.fixed64(1, -1n, 'f'), 'range'],
    ['bool as number', (w) => w.bool(1, 1, 'f'), 'type'],
    ['bytes as array', (w) => w.bytes(1, [1, 2], 'f'), 'type'],
    ['string as number', (w) => w.string(1, 5, 'f'), 'type'],
    ['string with a lone surrogate', (w) => w.string(1, 'a\uD800b', 'f'), 'encoding'],
    ['null (absent is undefined)', (w) => w.string(1, null, 'f'), 'type'],
  ];

  it.each(bad)('%s: invalid_argument naming the field', (_, write, problem) => {
    const error = errorOf(() => write(new Writer('msg')));
    expect(error.code).toBe('invalid_argument');
    expect(error.details).toMatchObject({ param: 'msg.f', problem });
  });

  it('undefined writes nothing; zero values are written', () => {
    const w = new Writer('m');
    w.uint32(1, undefined, 'a');
    w.string(2, undefined, 'b');
    expect(w.finish().length).toBe(0);
    w.uint32(1, 0, 'a');
    w.string(2, '', 'b');
    w.bool(3, false, 'c');
    w.bytes(4, new Uint8Array(0), 'd');
    expect(toHex(w.finish())).toBe('0800' + '1200' + '1800' + '2200');
  });

  it('grows past its first buffer', () => {
    const w = new Writer('m');
    const big = new Uint8Array(100_000).fill(7);
    w.bytes(1, big, 'b');
    w.fixed64(2, 1n, 'f');
    const r = new Reader(w.finish(), 'm');
    expect(equalBytes(r.bytes(r.tag().wireType, 'b'), big)).toBe(true);
    expect(r.fixed64(r.tag().wireType, 'f')).toBe(1n);
    expect(WIRE_FIXED64).toBe(1);
  });
});
