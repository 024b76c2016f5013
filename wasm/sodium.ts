/**
 * The one door to libsodium: the only import of libsodium-wrappers-sumo in the repository.
 * Everything else in wasm/ calls `sodium()` after `ready()` has resolved.
 */
import libsodium from 'libsodium-wrappers-sumo';
import { ParleyError } from '../src/shared/errors.ts';
import { randomUint32 } from './random-pool.ts';

export type Sodium = typeof libsodium;

let initialised = false;
let initialising: Promise<void> | undefined;

/** Loads and initialises libsodium's WASM build once; safe to call any number of times. */
export function ready(): Promise<void> {
  initialising ??= libsodium.ready.then(() => {
    useRandomPool();
    initialised = true;
  });
  return initialising;
}

/**
 * The Emscripten module under the wrappers reads `getRandomValue` on every 4 bytes of randomness
 * it needs; the wrappers' own answers one `crypto.getRandomValues` call per 4 bytes. Ours draws
 * from a pool (random-pool.ts): same source, a fraction of the calls. The module is reachable as
 * the wrappers' `libsodium` property; if a new version moved it, fail here rather than run slow.
 */
function useRandomPool(): void {
  const module = (libsodium as unknown as { libsodium?: { getRandomValue?: unknown } }).libsodium;
  if (typeof module?.getRandomValue !== 'function') {
    throw new ParleyError('sodium_not_ready', 'libsodium has no getRandomValue hook to draw randomness through');
  }
  module.getRandomValue = randomUint32;
}

export function isReady(): boolean {
  return initialised;
}

/** libsodium's own version string (e.g. "1.0.20"), for the UI's honest status line. */
export function sodiumVersion(): string {
  return sodium().sodium_version_string();
}

export function sodium(): Sodium {
  if (!initialised) {
    throw new ParleyError('sodium_not_ready', 'libsodium is not initialised: await ready() first');
  }
  return libsodium;
}

/** Overwrites secret material in place. Call on every buffer that held a secret once it is done with. */
export function wipe(...buffers: (Uint8Array | undefined)[]): void {
  for (const buffer of buffers) {
    if (buffer === undefined) continue;
    if (initialised) libsodium.memzero(buffer);
    else buffer.fill(0);
  }
}

/** Cryptographically secure random bytes (libsodium's randombytes_buf). */
export function randomBytes(length: number): Uint8Array {
  if (!Number.isSafeInteger(length) || length < 0 || length > 65_536) {
    throw new ParleyError('invalid_argument', `length must be an integer within [0, 65536], got ${String(length)}`, {
      param: 'length',
      problem: 'range',
    });
  }
  return sodium().randombytes_buf(length);
}
