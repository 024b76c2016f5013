/**
 * What a hidden tab's timers do: a page that chains setTimeout in its window and in a dedicated
 * worker of its own (1 s and 7.5 s, the hidden poller's pace) and keeps the time of every firing.
 * bench/background.bench.ts opens it as one more background tab next to the app's, so each run
 * states how Chromium throttled a hidden page and its worker, minute by minute.
 *
 * Served on 127.0.0.1 by a small server of its own (the relay's CSP forbids inline scripts).
 */
import { createServer, type Server } from 'node:http';
import type { Page } from '@playwright/test';
import { percentile } from './delivery-clients.ts';

/** Timer name → the times (Date.now, ms) it fired. */
export type TimerFirings = Record<'page1s' | 'page7500ms' | 'worker1s' | 'worker7500ms', number[]>;

const PAGE = `<!doctype html><title>timer probe</title><script>
  window.__firings = { page1s: [], page7500ms: [], worker1s: [], worker7500ms: [] };
  const chain = (name, ms) => {
    const tick = () => { window.__firings[name].push(Date.now()); setTimeout(tick, ms); };
    setTimeout(tick, ms);
  };
  chain('page1s', 1000);
  chain('page7500ms', 7500);
  const worker = new Worker(URL.createObjectURL(new Blob([
    "const chain = (name, ms) => { const tick = () => { postMessage([name, Date.now()]); setTimeout(tick, ms); }; setTimeout(tick, ms); };" +
    "chain('worker1s', 1000); chain('worker7500ms', 7500);"
  ], { type: 'text/javascript' })));
  worker.onmessage = (event) => window.__firings[event.data[0]].push(event.data[1]);
</script>`;

export class TimerProbe {
  readonly #server: Server = createServer((_request, response) => {
    response.setHeader('content-type', 'text/html; charset=utf-8');
    response.end(PAGE);
  });

  async url(): Promise<string> {
    if (!this.#server.listening) await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    const address = this.#server.address();
    if (address === null || typeof address === 'string') throw new Error('timer probe: no port');
    return `http://127.0.0.1:${address.port}/`;
  }

  close(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}

export async function firings(page: Page): Promise<TimerFirings> {
  return (await page.evaluate('window.__firings')) as TimerFirings;
}

/** The gaps between consecutive firings that both fell in [from, to). */
export function gapsBetween(times: readonly number[], from: number, to: number): number[] {
  const inside = times.filter((t) => t >= from && t < to);
  return inside.slice(1).map((t, i) => t - inside[i]!);
}

/** "median 1,000 ms, max 1,020 ms, 60 firings" for one timer over [from, to). */
export function describeGaps(times: readonly number[], from: number, to: number): string {
  const gaps = gapsBetween(times, from, to);
  if (gaps.length === 0) return `${times.filter((t) => t >= from && t < to).length} firing(s)`;
  return `median ${Math.round(percentile(gaps, 50)).toLocaleString('en-US')} ms, max ${Math.max(...gaps).toLocaleString('en-US')} ms, ${gaps.length + 1} firings`;
}
