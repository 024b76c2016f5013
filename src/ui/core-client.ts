/**
 * Starts the core in its dedicated module Web Worker and gives the UI a typed Comlink proxy.
 * The UI holds no key material: it only calls the Core API and renders what comes back.
 */
import { wrap, type Remote } from 'comlink';
import type { CoreApi } from '../core/api.ts';
import { registerErrorTransfer } from '../core/errors-transfer.ts';

export interface CoreConnection {
  readonly api: Remote<CoreApi>;
  /** Rejects if the worker script fails to load or throws at top level; never resolves otherwise. */
  readonly crashed: Promise<never>;
}

export function startCore(): CoreConnection {
  registerErrorTransfer();
  const worker = new Worker(new URL('../core/worker.ts', import.meta.url), { type: 'module', name: 'parley-core' });
  const crashed = new Promise<never>((_, reject) => {
    worker.addEventListener('error', (event) => {
      reject(new Error(`core worker failed: ${event.message || 'script error'}`));
    });
  });
  crashed.catch(() => undefined); // observed by whoever races on it; avoid an unhandled rejection meanwhile
  return { api: wrap<CoreApi>(worker), crashed };
}
