/**
 * The browser's libsodium loader (libsodium-sumo-browser.ts) against libsodium's real Emscripten
 * module, its WASM served over HTTP on 127.0.0.1 as the relay serves it: it instantiates from the
 * file, and a file that does not come rejects instead of leaving libsodium waiting for ever.
 * `virtual:libsodium-sumo-split` is what the Vite plugin makes in the build; here it is
 * libsodium-sumo as shipped (its inlined copy is never read: the loader always passes a hook).
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

type ModuleFactory = (moduleArg: Record<string, unknown>) => Promise<unknown>;

const served = vi.hoisted(() => ({ url: '' }));

// Both imports are named through `as string`: libsodium-sumo has no typings, and the loader is
// browser code, type-checked with the worker's libraries by wasm/tsconfig.json rather than Node's.
vi.mock('virtual:libsodium-sumo-split', async () => {
  const shipped = (await import('libsodium-sumo' as string)) as { default: ModuleFactory };
  return {
    default: shipped.default,
    get wasmUrl() {
      return served.url;
    },
  };
});

const { default: createLibsodiumModule } = (await import('./libsodium-sumo-browser.ts' as string)) as { default: ModuleFactory };

async function libsodiumWasmBytes(): Promise<Buffer> {
  const wrappers = createRequire(import.meta.url).resolve('libsodium-wrappers-sumo');
  const esm = path.join(path.dirname(wrappers), '..', '..', '..', 'libsodium-sumo', 'dist', 'modules-sumo-esm', 'libsodium-sumo.mjs');
  const literal = /"(AGFzbQEAAAA[A-Za-z0-9+/]*={0,2})"/u.exec(await readFile(esm, 'utf8'));
  if (literal === null) throw new Error('libsodium-sumo inlines no WebAssembly');
  return Buffer.from(literal[1]!, 'base64');
}

let server: Server;
let origin = '';
let requests = 0;

beforeAll(async () => {
  const wasm = await libsodiumWasmBytes();
  server = createServer((request, response) => {
    requests++;
    if (request.url === '/assets/libsodium-sumo.wasm') response.writeHead(200, { 'content-type': 'application/wasm' }).end(wasm);
    else response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  origin = `http://127.0.0.1:${address.port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe("the browser's libsodium loader", () => {
  it('instantiates libsodium from the .wasm file, keeping the settings it was given', async () => {
    served.url = `${origin}/assets/libsodium-sumo.wasm`;
    const before = requests;
    const getRandomValue = () => 4;
    const module = (await createLibsodiumModule({ getRandomValue })) as { _sodium_init: () => number; getRandomValue: unknown };
    expect(requests).toBe(before + 1);
    expect(module.getRandomValue).toBe(getRandomValue);
    expect(module._sodium_init()).toBeGreaterThanOrEqual(0);
  });

  it('rejects when the file is not there, rather than never answering', async () => {
    served.url = `${origin}/assets/missing.wasm`;
    await expect(createLibsodiumModule({})).rejects.toThrow(/did not load/u);
  });
});
