/**
 * A Vite plugin for the browser build: libsodium's WebAssembly as its own `.wasm` file instead of
 * base64 text inside the worker's JavaScript.
 *
 * libsodium-sumo's ESM build carries its 278 KB WASM binary as one base64 string literal (380 KB
 * of JavaScript, 161 KB gzip), which the browser must parse as script and decode before it can
 * compile. Its Emscripten loader takes an `instantiateWasm` hook instead, and
 * wasm/libsodium-sumo-browser.ts gives it one that streams the binary from a file. This plugin:
 * - points libsodium-wrappers-sumo's import of `libsodium-sumo` at that module;
 * - serves that module `virtual:libsodium-sumo-split`: libsodium-sumo's own file with the base64
 *   literal cut out, emitted as the hashed asset `assets/libsodium-sumo-<hash>.wasm` (so the
 *   service worker precaches it), and its URL exported as `wasmUrl`.
 * Node (tests, devnet, peers) and `vite serve` do not use it: there libsodium stays as shipped.
 * The build fails if libsodium's file no longer has exactly one such literal.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';

const BROWSER_LOADER = fileURLToPath(new URL('../wasm/libsodium-sumo-browser.ts', import.meta.url));
const SPLIT_MODULE = 'virtual:libsodium-sumo-split';
const RESOLVED_SPLIT_MODULE = '\0libsodium-sumo-split.js';
/** A base64 string literal of a WebAssembly binary: "\0asm" and version 1 encode as "AGFzbQEAAAA". */
const WASM_BASE64_LITERAL = /"(AGFzbQEAAAA[A-Za-z0-9+/]*={0,2})"/gu;

export function libsodiumWasm(): Plugin {
  let libsodiumPath: string | undefined;
  return {
    name: 'parley:libsodium-wasm',
    apply: 'build',
    enforce: 'pre',
    async resolveId(source, importer) {
      if (source === SPLIT_MODULE) {
        // libsodium-sumo as the wrappers would have it (the package's "import" export).
        const resolved = await this.resolve('libsodium-sumo', BROWSER_LOADER, { skipSelf: true });
        if (resolved === null) this.error('libsodium-sumo cannot be resolved');
        libsodiumPath = resolved.id;
        return RESOLVED_SPLIT_MODULE;
      }
      if (source === 'libsodium-sumo' && importer !== undefined && /[\\/]libsodium-wrappers-sumo[\\/]/u.test(importer)) {
        return BROWSER_LOADER;
      }
      return null;
    },
    async load(id) {
      if (id !== RESOLVED_SPLIT_MODULE) return null;
      if (libsodiumPath === undefined) this.error('libsodium-sumo was not resolved');
      const code = await readFile(libsodiumPath, 'utf8');
      const literals = [...code.matchAll(WASM_BASE64_LITERAL)];
      if (literals.length !== 1) {
        this.error(`expected one base64 WebAssembly literal in ${libsodiumPath}, found ${literals.length}`);
      }
      const [literal] = literals as [RegExpExecArray];
      const wasm = Buffer.from(literal[1]!, 'base64');
      const reference = this.emitFile({ type: 'asset', name: 'libsodium-sumo.wasm', source: wasm });
      // The literal is only read when no instantiateWasm hook is given; the loader always gives one.
      const withoutLiteral = code.slice(0, literal.index) + '""' + code.slice(literal.index + literal[0].length);
      return `${withoutLiteral}\nexport const wasmUrl = import.meta.ROLLUP_FILE_URL_${reference};\n`;
    },
  };
}
