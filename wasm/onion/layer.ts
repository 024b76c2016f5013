/**
 * The framing of every onion layer (network-protocol.md §4.3):
 * `u32 little-endian N ‖ N bytes (ciphertext or inner payload) ‖ UTF-8 JSON object (routing)`.
 * Pure byte handling, no crypto.
 */
import { fromUtf8, utf8 } from '../bytes.ts';
import { checkBytes, checkObject } from '../check.ts';
import { ParleyError } from '../../src/shared/errors.ts';

export type Trailer = Readonly<Record<string, unknown>>;

export interface ParsedLayer {
  /** The N bytes after the length field (a copy). */
  readonly blob: Uint8Array;
  /** The JSON object after the blob; any JSON formatting is accepted. */
  readonly trailer: Trailer;
}

const LENGTH_BYTES = 4;
const MAX_U32 = 0xffff_ffff;

/** Frames `blob` with its length and the JSON trailer. Key order follows the object's insertion order. */
export function encodeLayer(blob: Uint8Array, trailer: Trailer): Uint8Array {
  checkBytes(blob, 'blob');
  if (blob.length > MAX_U32) {
    throw new ParleyError('invalid_argument', 'blob is longer than a u32 length field allows', {
      param: 'blob',
      problem: 'length',
    });
  }
  checkObject(trailer, 'trailer');
  let json: string;
  try {
    json = JSON.stringify(trailer);
  } catch {
    throw new ParleyError('invalid_argument', 'trailer is not serialisable as JSON', {
      param: 'trailer',
      problem: 'encoding',
    });
  }
  const jsonBytes = utf8(json);
  const out = new Uint8Array(LENGTH_BYTES + blob.length + jsonBytes.length);
  new DataView(out.buffer).setUint32(0, blob.length, true);
  out.set(blob, LENGTH_BYTES);
  out.set(jsonBytes, LENGTH_BYTES + blob.length);
  return out;
}

/** Splits a layer; every structural fault is onion_malformed with a `reason`. */
export function parseLayer(bytes: Uint8Array, name = 'layer'): ParsedLayer {
  checkBytes(bytes, name);
  if (bytes.length < LENGTH_BYTES) malformed('too_short', `${name} is shorter than its length field`);
  const length = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true);
  if (length > bytes.length - LENGTH_BYTES) {
    malformed('length_exceeds_body', `${name} length field exceeds the bytes that follow it`);
  }
  const blob = bytes.slice(LENGTH_BYTES, LENGTH_BYTES + length);
  return { blob, trailer: parseTrailer(bytes.subarray(LENGTH_BYTES + length), name) };
}

function parseTrailer(bytes: Uint8Array, name: string): Trailer {
  let text: string;
  try {
    text = fromUtf8(bytes);
  } catch {
    return malformed('trailer_not_utf8', `${name} trailer is not UTF-8`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return malformed('trailer_not_json', `${name} trailer is not JSON`);
  }
  if (!isPlainObject(value)) return malformed('trailer_not_object', `${name} trailer is not a JSON object`);
  return value;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function malformed(reason: string, message: string): never {
  throw new ParleyError('onion_malformed', message, { reason });
}
