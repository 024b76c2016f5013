/**
 * The text encodings the storage server checks and writes: its base64 and hex validity rules,
 * z-base-32 for `.snode` addresses, and sizes counted in UTF-8 bytes (the server's strings are bytes).
 */

const BASE64_CHAR = /^[A-Za-z0-9+/]*$/;
const HEX = /^(?:[0-9a-fA-F]{2})*$/;
const ZBASE32_ALPHABET = 'ybndrfg8ejkmcpqxot1uwisza345h769';

/**
 * Base64 as the server accepts it: the standard alphabet, `=` padding optional but only as one or
 * two characters that complete a multiple of four, and never a length of 4n+1. The empty string
 * is valid (empty data).
 */
export function isServerBase64(text: string): boolean {
  if (text.length % 4 === 1) return false;
  let body = text;
  if (text.length > 0 && text.length % 4 === 0) {
    if (body.endsWith('=')) body = body.slice(0, -1);
    if (body.endsWith('=')) body = body.slice(0, -1);
  }
  return BASE64_CHAR.test(body);
}

/** Decodes text that passed `isServerBase64`; trailing pad bits are ignored, as the server does. */
export function decodeServerBase64(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'base64'));
}

export function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** Even-length hex, either case. */
export function isHex(text: string): boolean {
  return HEX.test(text);
}

export function hexOf(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

export function bytesOfHex(hex: string): Uint8Array {
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

/** The bytes of a JSON string as the server holds it (UTF-8). */
export function utf8Bytes(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'utf8'));
}

export function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** z-base-32: 5-bit groups from the most significant bit, the last group zero-filled on the right. */
export function zbase32(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = ((buffer << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += ZBASE32_ALPHABET[(buffer >> bits) & 31];
    }
  }
  if (bits > 0) out += ZBASE32_ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}
