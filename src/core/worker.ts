/**
 * The core's entry point: a dedicated module Web Worker. It exposes the Core API through Comlink
 * and nothing else. Secret keys will live here, never on the UI thread.
 */
import { expose } from 'comlink';
import { ParleyError } from '../../wasm/errors.ts';
import { ready, sodiumVersion } from '../../wasm/sodium.ts';
import type { CoreApi, CoreStatus } from './api.ts';
import { registerErrorTransfer } from './errors-transfer.ts';

registerErrorTransfer();

async function loadSodium(): Promise<void> {
  try {
    await ready();
  } catch (cause) {
    // The raw failure (e.g. WebAssembly refused by a CSP) stays in the worker's console; the UI gets a code.
    console.error('libsodium failed to initialise', cause);
    throw new ParleyError('sodium_not_ready', 'libsodium failed to initialise in the worker');
  }
}

// Start loading libsodium at once, so it is (nearly) ready when the UI first asks.
const sodiumLoaded = loadSodium();
sodiumLoaded.catch(() => undefined); // reported through status(); no unhandled rejection meanwhile

const core: CoreApi = {
  async status(): Promise<CoreStatus> {
    await sodiumLoaded;
    return { sodiumReady: true, sodiumVersion: sodiumVersion() };
  },
};

expose(core);
