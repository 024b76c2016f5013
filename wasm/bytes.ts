import { checkBytes, checkString } from './check.ts';
import { ParleyError } from '../src/shared/errors.ts';

/** Byte helpers that need no libsodium, so they work before `ready()` and in any runtime. */

const HEX_PAIR = /^(?:[0-9a-fA-F]{2})*$/;
/** The base64 alphabet, then `=` padding; the length rules are checked apart (isBase64). */
const BASE64_SHAPE = /^[A-Za-z0-9+/]*(={0,2})$/;

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder('utf-8', { fatal: true });

export function toHex(bytes: Uint8Array): string {
  checkBytes(bytes, 'bytes');
  let out = '';
  for (const byte of bytes) out += byte.toString(16).padStart(2, '0');
  return out;
}

export function fromHex(hex: string, name = 'hex'): Uint8Array {
  checkString(hex, name);
  if (!HEX_PAIR.test(hex)) {
    throw new ParleyError('invalid_argument', `${name} is not an even-length hex string`, {
      param: name,
      problem: 'encoding',
    });
  }
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** Standard base64 with `=` padding, as the storage server sends and expects for `data`. */
export function toBase64(bytes: Uint8Array): string {
  checkBytes(bytes, 'bytes');
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/** Unpadded standard base64: the storage server's 43-character message-hash form. */
export function toBase64Unpadded(bytes: Uint8Array): string {
  return toBase64(bytes).replace(/=+$/, '');
}

/** Accepts standard base64 with or without `=` padding. */
export function fromBase64(text: string, name = 'base64'): Uint8Array {
  checkString(text, name);
  if (!isBase64(text)) {
    throw new ParleyError('invalid_argument', `${name} is not standard base64`, { param: name, problem: 'encoding' });
  }
  const binary = atob(text.padEnd(Math.ceil(text.length / 4) * 4, '='));
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/**
 * Groups of 4, then a tail of 2 (padded with `==` or not) or 3 (with `=` or not). Checked as a flat
 * character class plus arithmetic: a regular expression with a repeated group overflows the stack
 * on inputs of a few megabytes, as a node's answer can be.
 */
function isBase64(text: string): boolean {
  const shape = BASE64_SHAPE.exec(text);
  if (shape === null) return false;
  const padding = shape[1]!.length;
  const tail = (text.length - padding) % 4;
  return padding === 0 ? tail !== 1 : tail === 4 - padding;
}

export function utf8(text: string): Uint8Array {
  checkString(text, 'text');
  return textEncoder.encode(text);
}

/** Strict UTF-8 decoding: malformed bytes throw a coded error instead of turning into U+FFFD. */
export function fromUtf8(bytes: Uint8Array, name = 'bytes'): string {
  checkBytes(bytes, name);
  try {
    return textDecoder.decode(bytes);
  } catch {
    throw new ParleyError('invalid_argument', `${name} is not valid UTF-8`, { param: name, problem: 'encoding' });
  }
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const [i, part] of parts.entries()) {
    checkBytes(part, `parts[${i}]`);
    length += part.length;
  }
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  checkBytes(a, 'a');
  checkBytes(b, 'b');
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
