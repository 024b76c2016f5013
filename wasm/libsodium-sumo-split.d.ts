/** The module scripts/libsodium-wasm-plugin.ts makes of libsodium-sumo for the browser build. */
declare module 'virtual:libsodium-sumo-split' {
  /** Emscripten's module factory; resolves to the module once its WebAssembly is instantiated. */
  export default function createModule(moduleArg: Record<string, unknown>): Promise<unknown>;
  /** The URL of the emitted `libsodium-sumo-<hash>.wasm`. */
  export const wasmUrl: string;
}
