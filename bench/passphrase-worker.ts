/**
 * Runs in a Web Worker in Chromium for bench/passphrase.bench.ts: unlocks a lock made with each
 * cost it is sent and answers the times (ms), as the app's core worker would pay them.
 */
import { lockSecret, unlockSecret, type LockCost } from '../wasm/passphrase.ts';
import { ready } from '../wasm/sodium.ts';

interface Ask {
  readonly cost: LockCost;
  readonly runs: number;
}

const scope = globalThis as unknown as { onmessage: (event: { data: Ask }) => void; postMessage: (answer: unknown) => void };

scope.onmessage = async ({ data }) => {
  try {
    await ready();
    const secret = new Uint8Array(32).fill(7);
    const locked = lockSecret(secret, 'correct horse battery staple', data.cost);
    const times: number[] = [];
    for (let run = 0; run < data.runs; run++) {
      const start = performance.now();
      unlockSecret(locked, 'correct horse battery staple');
      times.push(performance.now() - start);
    }
    scope.postMessage({ times });
  } catch (error) {
    scope.postMessage({ error: String((error as { code?: string }).code ?? error) });
  }
};
