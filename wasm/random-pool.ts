/**
 * libsodium's WASM build asks JavaScript for randomness 4 bytes at a time (its Emscripten
 * `getRandomValue` hook), and libsodium-wrappers answers each with its own
 * `crypto.getRandomValues` call: 8 calls for one X25519 key pair, about 10 µs each in a
 * Chromium worker. This hands out the same CSPRNG output from a pool filled 1 KiB per call, and
 * zeroes each word once it is handed out, so no number is ever given twice or kept after use.
 */
const POOL_WORDS = 256;

const pool = new Uint32Array(POOL_WORDS);
let nextWord = POOL_WORDS;

/** A uniformly random 32-bit unsigned integer from the platform's CSPRNG (`crypto.getRandomValues`). */
export function randomUint32(): number {
  if (nextWord === POOL_WORDS) {
    crypto.getRandomValues(pool);
    nextWord = 0;
  }
  const value = pool[nextWord]!;
  pool[nextWord] = 0;
  nextWord++;
  return value;
}
