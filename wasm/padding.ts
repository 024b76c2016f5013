/**
 * Padding of 1:1 message content before it is sealed (client-protocol.md §3): the content, one 0x80
 * terminator, then 0x00 bytes up to a size that hides the exact length. Two target sizes interoperate
 * because the receiver only looks for the terminator.
 */
import { checkBytes } from './check.ts';

export const PADDING_BLOCK = 160;

const TERMINATOR = 0x80;

/** Padded size of the current libsession scheme: a multiple of 160 with room for the terminator. */
export function paddedLength(contentLength: number): number {
  const withTerminator = contentLength + 1;
  // When content + terminator fill a block exactly, libsession still adds a whole block of zeros;
  // we keep that quirk so our sizes match what libsession-based clients send.
  return withTerminator + (PADDING_BLOCK - (withTerminator % PADDING_BLOCK));
}

/** Padded size of the Signal-era scheme (older desktop, Android): 159, 319, 479, … */
export function paddedLengthLegacy(contentLength: number): number {
  return Math.ceil((contentLength + 2) / PADDING_BLOCK) * PADDING_BLOCK - 1;
}

/** Pads content the way current Session clients do. This is what Parley sends. */
export function padMessage(plaintext: Uint8Array): Uint8Array {
  checkBytes(plaintext, 'plaintext');
  return padTo(plaintext, paddedLength(plaintext.length));
}

/** Pads content the Signal-era way. Parley never sends this; it exists to test that we read it. */
export function padMessageLegacy(plaintext: Uint8Array): Uint8Array {
  checkBytes(plaintext, 'plaintext');
  return padTo(plaintext, paddedLengthLegacy(plaintext.length));
}

/**
 * Removes either scheme's padding and returns a fresh copy (the caller may wipe `padded` afterwards).
 *
 * Scanning back from the end over 0x00 bytes: a 0x80 there is the terminator and is cut with
 * everything after it; any other byte means the sender did not pad, and the data stays as it is.
 * Two inputs no conforming sender produces are handled as libsession's `unpad_message` does, not as
 * the old desktop code did (the vectors' `unpad_divergent` cases allow either): trailing zeros with
 * no terminator are stripped (old desktop kept them), and an all-zero or empty input gives empty
 * content (old desktop threw "Invalid padding"). So this function never throws on bytes.
 */
export function unpadMessage(padded: Uint8Array): Uint8Array {
  checkBytes(padded, 'padded');
  let end = padded.length;
  while (end > 0 && padded[end - 1] === 0x00) end--;
  if (end > 0 && padded[end - 1] === TERMINATOR) end--;
  return padded.slice(0, end);
}

function padTo(plaintext: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  out.set(plaintext);
  out[plaintext.length] = TERMINATOR;
  return out;
}
