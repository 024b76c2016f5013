import { describe, expect, it } from 'vitest';
import { encodeLayer } from '../../wasm/onion/index.ts';
import { OuterFrameError, readOuterFrame } from './onion-outer.ts';

const KEY = 'ab'.repeat(32);
const frame = (trailer: string, blob = new Uint8Array(30)): Uint8Array => {
  const json = new TextEncoder().encode(trailer);
  const out = new Uint8Array(4 + blob.length + json.length);
  new DataView(out.buffer).setUint32(0, blob.length, true);
  out.set(blob, 4);
  out.set(json, 4 + blob.length);
  return out;
};
const failure = (body: Uint8Array): string => {
  try {
    readOuterFrame(body);
  } catch (error) {
    expect(error).toBeInstanceOf(OuterFrameError);
    return (error as Error).message;
  }
  throw new Error('expected a failure');
};

describe('readOuterFrame', () => {
  it('reads blob, key, cipher and hop number, in any JSON formatting', () => {
    const blob = new Uint8Array([1, 2, 3]);
    expect(readOuterFrame(encodeLayer(blob, { ephemeral_key: KEY.toUpperCase() }))).toEqual({
      blob,
      ephemeralKeyHex: KEY,
      encType: 'aes-gcm',
      hopNo: undefined,
    });
    const spaced = readOuterFrame(frame(`{ "enc_type" : "xchacha20-poly1305", "ephemeral_key": "${KEY}", "hop_no": 3.7 }`));
    expect(spaced.encType).toBe('xchacha20-poly1305');
    expect(spaced.hopNo).toBe(3);
  });

  it('reports faults in the storage server’s words', () => {
    expect(failure(new Uint8Array(3))).toBe('Unexpected payload size; expected ciphertext size');
    expect(failure(new Uint8Array([9, 0, 0, 0, 1]))).toBe('Unexpected payload size 1, expected >= 9');
    expect(failure(frame(''))).toBe(
      "[json.exception.parse_error.101] parse error at line 1, column 1: syntax error while parsing value - unexpected end of input; expected '[', '{', or a literal",
    );
    expect(failure(frame('{oops'))).toMatch(/^\[json\.exception\.parse_error\.101\] parse error/);
    expect(failure(frame(new TextDecoder('latin1').decode(new Uint8Array([0xff]))))).toMatch(/parse_error\.101/);
    expect(failure(frame('[1]'))).toBe('[json.exception.type_error.304] cannot use at() with array');
    expect(failure(frame('{}'))).toBe("[json.exception.out_of_range.403] key 'ephemeral_key' not found");
    expect(failure(frame('{"ephemeral_key":5}'))).toBe('[json.exception.type_error.303] incompatible ReferenceType for get_ref, actual type is number');
    expect(failure(frame('{"ephemeral_key":"xyz"}'))).toBe('Hex key data is invalid: data is not hex');
    expect(failure(frame('{"ephemeral_key":"abcd"}'))).toBe('Hex key data is invalid: expected 32 hex digits, received 4');
    expect(failure(frame(`{"ephemeral_key":"${KEY}","enc_type":"rot13"}`))).toBe('Invalid encryption type rot13');
    expect(failure(frame(`{"ephemeral_key":"${KEY}","enc_type":null}`))).toBe(
      '[json.exception.type_error.303] incompatible ReferenceType for get_ref, actual type is null',
    );
    expect(failure(frame(`{"ephemeral_key":"${KEY}","hop_no":"1"}`))).toBe('[json.exception.type_error.302] type must be number, but is string');
  });
});
