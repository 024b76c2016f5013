/**
 * The page script of bench/worker-crypto.bench.ts, bundled with Vite: starts the crypto worker
 * (crypto-worker.ts) and the app's own core worker (src/ui/core-client.ts, Comlink), and gives the
 * bench two functions to call from Playwright.
 */
import { startCore } from '../../src/ui/core-client.ts';
import type { CryptoAnswer } from './crypto-worker.ts';

interface Bench {
  crypto(ask: { budgetMs: number; unlockRuns: number }): Promise<CryptoAnswer | { error: string }>;
  /**
   * ms per Comlink round trip, the mean over `rounds` (the page's clock is coarsened to 0.1 ms, so
   * one trip cannot be timed alone): `status()` (through the engine) and `checkSessionId` (the worker alone).
   */
  comlink(rounds: number): Promise<{ status: number; pure: number }>;
}

const bench: Bench = {
  crypto: (ask) =>
    new Promise((resolve) => {
      const worker = new Worker(new URL('./crypto-worker.ts', import.meta.url), { type: 'module' });
      worker.onmessage = (event: MessageEvent<CryptoAnswer | { error: string }>) => {
        resolve(event.data);
        worker.terminate();
      };
      worker.onerror = (event) => {
        resolve({ error: event.message });
        worker.terminate();
      };
      worker.postMessage(ask);
    }),
  async comlink(rounds) {
    const { api } = startCore();
    // The first call waits for libsodium and the engine to start: not a round trip's cost.
    await api.status();
    const time = async (call: () => Promise<unknown>): Promise<number> => {
      const start = performance.now();
      for (let i = 0; i < rounds; i++) await call();
      return (performance.now() - start) / rounds;
    };
    const status = await time(() => api.status());
    const pure = await time(() => api.checkSessionId(`05${'ab'.repeat(32)}`));
    return { status, pure };
  },
};

(globalThis as unknown as { parleyBench: Bench }).parleyBench = bench;
