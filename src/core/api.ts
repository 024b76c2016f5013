/**
 * The Core API: everything the UI may ask of the messaging engine in the worker.
 * The UI imports these with `import type` only, so no core code ends up on the main thread.
 * Every method returns a Promise (it crosses the worker boundary through Comlink), and every
 * failure arrives as a ParleyError with a `code` the UI turns into a sentence.
 */

export interface CoreStatus {
  /** libsodium's WASM build is initialised inside the worker. */
  readonly sodiumReady: boolean;
  /** libsodium's own version string, e.g. "1.0.20". */
  readonly sodiumVersion: string;
}

export interface CoreApi {
  /** Resolves once the engine is ready to work (libsodium loaded), with what it runs on. */
  status(): Promise<CoreStatus>;
}
