/**
 * Builds a bench page script with Vite (its workers included, as the app's build makes them) into
 * a temporary directory and serves it on 127.0.0.1 with a blank page that loads it. The core
 * worker asks `/v1/network` which network it fronts: answered "devnet", with nothing behind it.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'vite';
import { NETWORK_PATH } from '../../src/shared/relay-api.ts';
import { close, listen } from '../../relay/server.ts';
import { libsodiumWasm } from '../../scripts/libsodium-wasm-plugin.ts';

export interface ServedBundle {
  readonly url: string;
  stop(): Promise<void>;
}

export async function serveBundle(entry: string): Promise<ServedBundle> {
  const outDir = mkdtempSync(path.join(tmpdir(), 'parley-bench-'));
  const output = await build({
    configFile: false,
    logLevel: 'silent',
    // libsodium's WASM a file of its own, as in the app's build (vite.config.ts).
    worker: { format: 'es', plugins: () => [libsodiumWasm()] },
    build: { outDir, write: true, emptyOutDir: true, minify: true, target: 'es2022', rollupOptions: { input: entry } },
  });
  const outputs = (Array.isArray(output) ? output : [output]) as { output: { type: string; fileName: string; isEntry?: boolean }[] }[];
  const script = outputs.flatMap((o) => o.output).find((file) => file.type === 'chunk' && file.isEntry === true);
  if (script === undefined) throw new Error('vite built no entry chunk');
  const page = `<!doctype html><title>parley bench</title><script type="module" src="/${script.fileName}"></script>`;
  const server = createServer((request, response) => {
    const url = (request.url ?? '/').split('?')[0] ?? '/';
    if (url === NETWORK_PATH) {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ network: 'devnet' }));
      return;
    }
    if (url.endsWith('.js') || url.endsWith('.wasm')) {
      const file = path.join(outDir, path.normalize(url).replace(/^(\.\.[/\\])+/u, ''));
      try {
        // instantiateStreaming accepts only application/wasm, as the relay sends it.
        const type = url.endsWith('.wasm') ? 'application/wasm' : 'text/javascript';
        response.writeHead(200, { 'content-type': type }).end(readFileSync(file));
      } catch {
        response.writeHead(404).end();
      }
      return;
    }
    response.writeHead(200, { 'content-type': 'text/html' }).end(page);
  });
  const url = await listen(server, 0, '127.0.0.1');
  return {
    url,
    async stop() {
      await close(server);
      rmSync(outDir, { recursive: true, force: true });
    },
  };
}
