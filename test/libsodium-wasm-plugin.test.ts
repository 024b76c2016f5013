/**
 * scripts/libsodium-wasm-plugin.ts, through a real Vite build of a worker that loads libsodium as
 * the app's core worker does: the WebAssembly comes out as its own file, byte for byte the binary
 * libsodium-sumo inlines, and no base64 copy of it is left in the JavaScript.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Rolldown } from 'vite';
import { describe, expect, it } from 'vitest';
import { libsodiumWasm } from '../scripts/libsodium-wasm-plugin.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

/** libsodium-sumo's ESM file, as the wrappers import it, and the binary inlined in it. */
async function inlinedWasm(): Promise<Buffer> {
  const wrappers = createRequire(import.meta.url).resolve('libsodium-wrappers-sumo');
  const esm = path.join(path.dirname(wrappers), '..', '..', '..', 'libsodium-sumo', 'dist', 'modules-sumo-esm', 'libsodium-sumo.mjs');
  const code = await readFile(esm, 'utf8');
  const literal = /"(AGFzbQEAAAA[A-Za-z0-9+/]*={0,2})"/u.exec(code);
  if (literal === null) throw new Error('libsodium-sumo inlines no WebAssembly');
  return Buffer.from(literal[1]!, 'base64');
}

async function buildWorker(): Promise<Rolldown.OutputBundle[string][]> {
  const output = await build({
    configFile: false,
    root,
    logLevel: 'silent',
    plugins: [libsodiumWasm()],
    build: {
      write: false,
      minify: false,
      target: 'es2022',
      // sodium.ts as a library entry: its exports kept, so libsodium is not shaken away.
      rollupOptions: { input: path.join(root, 'wasm', 'sodium.ts'), preserveEntrySignatures: 'strict' },
    },
  });
  return (Array.isArray(output) ? output : [output]).flatMap((result) => ('output' in result ? result.output : []));
}

describe('libsodium WASM plugin', () => {
  it('emits the WebAssembly as a file and leaves no base64 copy in the JavaScript', async () => {
    const files = await buildWorker();
    const wasmFiles = files.filter((file) => file.fileName.endsWith('.wasm'));
    expect(wasmFiles.map((file) => file.fileName)).toEqual([expect.stringMatching(/^assets\/libsodium-sumo-[\w-]+\.wasm$/u)]);
    const wasm = wasmFiles[0]!;
    if (wasm.type !== 'asset') throw new Error('the wasm is not an asset');
    const bytes = Buffer.from(wasm.source);
    expect(bytes.equals(await inlinedWasm())).toBe(true);
    expect([...bytes.subarray(0, 4)]).toEqual([0x00, 0x61, 0x73, 0x6d]); // "\0asm"

    const chunks = files.filter((file) => file.type === 'chunk');
    const code = chunks.map((chunk) => (chunk.type === 'chunk' ? chunk.code : '')).join('\n');
    expect(code).not.toContain('AGFzbQEAAAA');
    expect(code).toContain(wasm.fileName);
    expect(code).toContain('instantiateStreaming');
  }, 120_000);
});
