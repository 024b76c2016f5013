/**
 * libsodium's Emscripten module as the browser build gives it to libsodium-wrappers-sumo
 * (scripts/libsodium-wasm-plugin.ts points the wrappers' `libsodium-sumo` import here): the same
 * module, whose WebAssembly is streamed from its own `.wasm` file and compiled while it downloads
 * (`WebAssembly.instantiateStreaming`, which needs the `application/wasm` type the relay sends)
 * instead of decoded from base64 text in the worker's JavaScript. Node uses libsodium as shipped.
 */
import createSplitModule, { wasmUrl } from 'virtual:libsodium-sumo-split';

type ReceiveInstance = (instance: WebAssembly.Instance, module: WebAssembly.Module) => void;

/** The factory the wrappers call with their module settings (their random source). */
export default function createLibsodiumModule(moduleArg: Record<string, unknown> = {}): Promise<unknown> {
  // Emscripten has no way for the hook to report a failure, and would wait for ever: a failed
  // download or compile rejects the factory's promise here instead, and so libsodium's `ready`.
  let fail: (reason: unknown) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => {
    fail = reject;
  });
  const instantiateWasm = (imports: WebAssembly.Imports, receive: ReceiveInstance): object => {
    WebAssembly.instantiateStreaming(fetch(wasmUrl), imports).then(
      ({ instance, module }) => receive(instance, module),
      (cause: unknown) => fail(new Error(`libsodium's WebAssembly (${wasmUrl}) did not load`, { cause })),
    );
    // Emscripten's contract: an empty object now, the exports once `receive` is called.
    return {};
  };
  return Promise.race([createSplitModule({ ...moduleArg, instantiateWasm }), failed]);
}
