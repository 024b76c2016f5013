/**
 * proto2 wire format, the parts Session's messages use: varints (uint32, uint64, bool, enum),
 * fixed64, length-delimited fields (bytes, string, embedded messages, packed repeated). A small
 * explicit codec instead of protobufjs, which generates code with `new Function` and so cannot run
 * under the app's CSP without 'unsafe-eval'.
 *
 * Decoding untrusted bytes never throws anything but ParleyError `protobuf_malformed`, whose details
 * name the field path and the problem: `truncated`, `varint_too_long` (more than 10 bytes, or a value
 * past 2^64), `length` (a length past the end), `wire_type` (a known field sent with another wire
 * type), `range` (a value that does not fit the field's type), `field_number`, `group`, `required`.
 *
 * Decisions:
 * - Unknown fields are skipped (forward compatibility), except groups (wire types 3 and 4): no
 *   Session message has ever used them, proto3 has none, and skipping them safely needs recursion
 *   and end-tag matching. They are rejected as `group`.
 * - A repeated field may come packed or not, whatever the .proto says (protobuf parsers accept both).
 * - A singular field seen twice: the last one wins, embedded messages included (protobuf would
 *   merge two embedded occurrences; no Session encoder writes a field twice).
 * - Strings decode leniently: malformed UTF-8 becomes U+FFFD, as protobuf's proto2 C++ parser does
 *   not validate UTF-8 either, so one bad file name does not sink a whole message. Encoding refuses
 *   strings with lone surrogates, which TextEncoder would silently replace.
 * - uint32 values past 2^32 − 1 and uint64 values read as numbers past 2^53 − 1 are `range` errors
 *   rather than silently truncated.
 *
 * Encoding writes a field whenever its value is not `undefined`, zero values included: that is what
 * "explicitly set" means in proto2, and what the E2E-1 vector's bytes assume. Callers write fields
 * in field-number order.
 */
import { checkArray, checkObject } from '../../../wasm/check.ts';
import { ParleyError } from '../../shared/errors.ts';
import type { EnumCodec } from './enums.ts';

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LEN = 2;
export const WIRE_START_GROUP = 3;
export const WIRE_END_GROUP = 4;
export const WIRE_FIXED32 = 5;

const MAX_FIELD_NUMBER = 2 ** 29 - 1;
const MAX_UINT32 = 2 ** 32 - 1;
const MAX_UINT64 = 2n ** 64n - 1n;
/** hi word limit of a uint64 that still fits a JS number exactly (2^53 − 1). */
const MAX_SAFE_HI = 2 ** 21;

const textDecoder = new TextDecoder('utf-8');
const textEncoder = new TextEncoder();
/** The cheap test first: most text has no surrogates at all, and the lookbehind scan is slower. */
const ANY_SURROGATE = /[\uD800-\uDFFF]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function malformed(path: string, problem: string, message: string, offset?: number): ParleyError {
  const details: Record<string, string | number> = { path, problem };
  if (offset !== undefined) details['offset'] = offset;
  return new ParleyError('protobuf_malformed', `${path}: ${message}`, details);
}

export function invalid(path: string, problem: string, message: string): ParleyError {
  return new ParleyError('invalid_argument', `${path}: ${message}`, { param: path, problem });
}

export interface Tag {
  readonly field: number;
  readonly wireType: number;
}

/** Reads one message's fields in order. Every read is bounds-checked; nothing reads past `end`. */
export class Reader {
  private pos = 0;

  /** `path` names the message in errors, e.g. "content.dataMessage". */
  constructor(
    private readonly buf: Uint8Array,
    readonly path: string,
  ) {
    if (!(buf instanceof Uint8Array)) throw invalid(path, 'type', 'bytes to decode must be a Uint8Array');
  }

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  tag(): Tag {
    const at = this.pos;
    const [lo, hi] = this.varintParts(this.path);
    if (hi !== 0) throw malformed(this.path, 'field_number', 'tag does not fit 32 bits', at);
    const field = lo >>> 3;
    const wireType = lo & 7;
    if (field === 0 || field > MAX_FIELD_NUMBER) {
      throw malformed(this.path, 'field_number', `invalid field number ${field}`, at);
    }
    return { field, wireType };
  }

  uint32(wireType: number, name: string): number {
    this.expect(wireType, WIRE_VARINT, name);
    const at = this.pos;
    const [lo, hi] = this.varintParts(this.field(name));
    if (hi !== 0) throw malformed(this.field(name), 'range', 'value does not fit uint32', at);
    return lo;
  }

  /** A uint64 that must fit a JS number exactly (timestamps, seconds). */
  uint64(wireType: number, name: string): number {
    this.expect(wireType, WIRE_VARINT, name);
    const at = this.pos;
    const [lo, hi] = this.varintParts(this.field(name));
    if (hi >= MAX_SAFE_HI) throw malformed(this.field(name), 'range', 'value is past 2^53 - 1', at);
    return hi * 2 ** 32 + lo;
  }

  uint64Big(wireType: number, name: string): bigint {
    this.expect(wireType, WIRE_VARINT, name);
    const [lo, hi] = this.varintParts(this.field(name));
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  /** An enum's raw value, read as protobuf does: an int32 from the low 32 bits of the varint. */
  enumValue(wireType: number, name: string): number {
    this.expect(wireType, WIRE_VARINT, name);
    return this.varintParts(this.field(name))[0] | 0;
  }

  bool(wireType: number, name: string): boolean {
    this.expect(wireType, WIRE_VARINT, name);
    const [lo, hi] = this.varintParts(this.field(name));
    return lo !== 0 || hi !== 0;
  }

  fixed64(wireType: number, name: string): bigint {
    this.expect(wireType, WIRE_FIXED64, name);
    const bytes = this.take(8, this.field(name));
    let value = 0n;
    for (let i = 7; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i]!);
    return value;
  }

  /** A copy, so the result neither aliases nor keeps alive the (possibly large) input. */
  bytes(wireType: number, name: string): Uint8Array {
    return this.view(wireType, name).slice();
  }

  string(wireType: number, name: string): string {
    return textDecoder.decode(this.view(wireType, name));
  }

  /** An embedded message, handed to its own decoder with its own path. */
  message<T>(wireType: number, name: string, decode: (bytes: Uint8Array, path: string) => T): T {
    return decode(this.view(wireType, name), this.field(name));
  }

  /** The bytes of a length-delimited field without copying: for embedded messages. */
  view(wireType: number, name: string): Uint8Array {
    this.expect(wireType, WIRE_LEN, name);
    const at = this.pos;
    const [length, hi] = this.varintParts(this.field(name));
    if (hi !== 0 || length > this.buf.length - this.pos) {
      throw malformed(this.field(name), 'length', 'length runs past the end of the message', at);
    }
    return this.take(length, this.field(name));
  }

  /** Appends a repeated uint64 (as numbers) in either encoding: one varint, or a packed run. */
  repeatedUint64(wireType: number, name: string, into: number[]): void {
    if (wireType !== WIRE_LEN) {
      into.push(this.uint64(wireType, name));
      return;
    }
    const packed = new Reader(this.view(wireType, name), this.field(name));
    while (!packed.done) into.push(packed.uint64(WIRE_VARINT, '[]'));
  }

  /** Steps over a field this decoder does not know. */
  skip(tag: Tag): void {
    const name = `#${tag.field}`;
    switch (tag.wireType) {
      case WIRE_VARINT:
        this.varintParts(this.field(name));
        return;
      case WIRE_FIXED64:
        this.take(8, this.field(name));
        return;
      case WIRE_LEN:
        this.view(WIRE_LEN, name);
        return;
      case WIRE_FIXED32:
        this.take(4, this.field(name));
        return;
      case WIRE_START_GROUP:
      case WIRE_END_GROUP:
        throw malformed(this.field(name), 'group', 'groups (wire types 3 and 4) are not supported', this.pos);
      default:
        throw malformed(this.field(name), 'wire_type', `invalid wire type ${tag.wireType}`, this.pos);
    }
  }

  field(name: string): string {
    return `${this.path}.${name}`;
  }

  private expect(actual: number, expected: number, name: string): void {
    if (actual !== expected) {
      throw malformed(this.field(name), 'wire_type', `expected wire type ${expected}, got ${actual}`, this.pos);
    }
  }

  private take(length: number, path: string): Uint8Array {
    if (length > this.buf.length - this.pos) {
      throw malformed(path, 'truncated', `needs ${length} more bytes`, this.pos);
    }
    const out = this.buf.subarray(this.pos, this.pos + length);
    this.pos += length;
    return out;
  }

  /** A varint as [low 32 bits, high 32 bits], both unsigned. At most 10 bytes and 64 bits. */
  private varintParts(path: string): [number, number] {
    const start = this.pos;
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.buf.length) throw malformed(path, 'truncated', 'varint runs past the end', start);
      const byte = this.buf[this.pos++]!;
      const bits = byte & 0x7f;
      if (i < 4) {
        lo |= bits << (7 * i);
      } else if (i === 4) {
        lo |= bits << 28; // the low 4 bits land in lo, the other 3 in hi
        hi |= bits >>> 4;
      } else if (i < 9) {
        hi |= bits << (7 * i - 32);
      } else if (bits > 1) {
        throw malformed(path, 'varint_too_long', 'varint value is past 2^64', start);
      } else {
        hi |= bits << 31;
      }
      if ((byte & 0x80) === 0) return [lo >>> 0, hi >>> 0];
    }
    throw malformed(path, 'varint_too_long', 'varint is longer than 10 bytes', start);
  }
}

/**
 * Builds one message. Each method writes its field when the value is not `undefined` and checks
 * the value's type and range first, naming the field path in an `invalid_argument` error.
 */
export class Writer {
  private buf = new Uint8Array(64);
  private length = 0;

  constructor(readonly path: string) {}

  uint32(field: number, value: unknown, name: string): void {
    if (value === undefined) return;
    this.checkInteger(value, name, MAX_UINT32);
    this.tag(field, WIRE_VARINT);
    this.varint(value);
  }

  /** uint64 given as a number: up to 2^53 − 1, which covers every millisecond timestamp. */
  uint64(field: number, value: unknown, name: string): void {
    if (value === undefined) return;
    this.checkInteger(value, name, Number.MAX_SAFE_INTEGER);
    this.tag(field, WIRE_VARINT);
    this.varint(value);
  }

  uint64Big(field: number, value: unknown, name: string): void {
    if (value === undefined) return;
    this.checkBigint(value, name);
    this.tag(field, WIRE_VARINT);
    let rest = value;
    while (rest >= 0x80n) {
      this.byte(Number(rest & 0x7fn) | 0x80);
      rest >>= 7n;
    }
    this.byte(Number(rest));
  }

  fixed64(field: number, value: unknown, name: string): void {
    if (value === undefined) return;
    this.checkBigint(value, name);
    this.tag(field, WIRE_FIXED64);
    let rest = value;
    for (let i = 0; i < 8; i++) {
      this.byte(Number(rest & 0xffn));
      rest >>= 8n;
    }
  }

  bool(field: number, value: unknown, name: string): void {
    if (value === undefined) return;
    if (typeof value !== 'boolean') throw invalid(this.field(name), 'type', 'must be a boolean');
    this.tag(field, WIRE_VARINT);
    this.byte(value ? 1 : 0);
  }

  /** An enum given by name, mapped to its number by the enum's codec (enums.ts). */
  enumOf(field: number, value: unknown, codec: EnumCodec<string>, name: string): void {
    if (value === undefined) return;
    const number = codec.encode(value, this.field(name));
    this.tag(field, WIRE_VARINT);
    this.varint(number);
  }

  bytes(field: number, value: unknown, name: string): void {
    if (value === undefined) return;
    if (!(value instanceof Uint8Array)) throw invalid(this.field(name), 'type', 'must be a Uint8Array');
    this.lengthDelimited(field, value);
  }

  string(field: number, value: unknown, name: string): void {
    if (value === undefined) return;
    this.lengthDelimited(field, encodeString(value, this.field(name)));
  }

  /** An embedded message, already encoded by its own Writer. */
  message(field: number, encoded: Uint8Array | undefined): void {
    if (encoded === undefined) return;
    this.lengthDelimited(field, encoded);
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.length);
  }

  field(name: string): string {
    return `${this.path}.${name}`;
  }

  private lengthDelimited(field: number, payload: Uint8Array): void {
    this.tag(field, WIRE_LEN);
    this.varint(payload.length);
    this.reserve(payload.length);
    this.buf.set(payload, this.length);
    this.length += payload.length;
  }

  private tag(field: number, wireType: number): void {
    this.varint(field * 8 + wireType);
  }

  /** A non-negative safe integer as a varint (division, since bit operators stop at 32 bits). */
  private varint(value: number): void {
    let rest = value;
    while (rest >= 0x80) {
      this.byte((rest % 0x80) | 0x80);
      rest = Math.floor(rest / 0x80);
    }
    this.byte(rest);
  }

  private byte(value: number): void {
    this.reserve(1);
    this.buf[this.length++] = value;
  }

  private reserve(extra: number): void {
    if (this.length + extra <= this.buf.length) return;
    const grown = new Uint8Array(Math.max(this.buf.length * 2, this.length + extra));
    grown.set(this.buf.subarray(0, this.length));
    this.buf = grown;
  }

  private checkInteger(value: unknown, name: string, max: number): asserts value is number {
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
      throw invalid(this.field(name), 'type', 'must be an integer');
    }
    if (value < 0 || value > max) throw invalid(this.field(name), 'range', `must be within [0, ${max}]`);
  }

  private checkBigint(value: unknown, name: string): asserts value is bigint {
    if (typeof value !== 'bigint') throw invalid(this.field(name), 'type', 'must be a bigint');
    if (value < 0n || value > MAX_UINT64) throw invalid(this.field(name), 'range', 'must be within [0, 2^64 - 1]');
  }
}

export function encodeString(value: unknown, path: string): Uint8Array {
  if (typeof value !== 'string') throw invalid(path, 'type', 'must be a string');
  if (ANY_SURROGATE.test(value) && LONE_SURROGATE.test(value)) {
    throw invalid(path, 'encoding', 'has a lone surrogate (not valid Unicode)');
  }
  return textEncoder.encode(value);
}

/** The encoder's side of proto2 `required`: refuse to produce bytes that libsession would not parse. */
export function requireForEncode(value: unknown, path: string): void {
  if (value === undefined) throw invalid(path, 'required', 'is a required field');
}

/** The decoder's side of proto2 `required`, as protobuf's ParseFromArray checks it. */
export function requireDecoded(value: unknown, path: string): void {
  if (value === undefined) throw malformed(path, 'required', 'required field is missing');
}

/** A decoded message under construction: every field optional and writable until the required checks. */
export type Draft<T> = { -readonly [K in keyof T]?: T[K] };

/** Encodes an optional embedded message after checking it is an object. */
export function encodeOptional<T>(
  value: T | undefined,
  path: string,
  encode: (value: T, path: string) => Uint8Array,
): Uint8Array | undefined {
  if (value === undefined) return undefined;
  checkObject(value, path);
  return encode(value, path);
}

/** Visits a repeated field's items with their paths ("…attachments[2]"), after checking it is an array. */
export function encodeEach<T>(
  items: readonly T[] | undefined,
  path: string,
  write: (item: T, itemPath: string) => void,
): void {
  if (items === undefined) return;
  checkArray(items, path);
  items.forEach((item, i) => write(item, `${path}[${i}]`));
}
