/**
 * The secure engine (the core worker) as the UI sees it: its start-up (starting → ready, or failed
 * with a reason), the typed Core API, and one subscription to its events that every state class
 * shares. Screens never call Comlink themselves; state classes do, through `api`.
 */
import { proxy, type Remote } from 'comlink';
import type { CoreApi, CoreEvent } from '../../core/api.ts';
import { isParleyError, type ErrorCode } from '../../shared/errors.ts';
import type { CoreConnection } from '../core-client.ts';

export type EnginePhase = 'starting' | 'ready' | 'failed';
export type EngineListener = (event: CoreEvent) => void;

export class EngineState {
  phase = $state<EnginePhase>('starting');
  sodiumVersion = $state('');
  /** Set when phase is 'failed' and the failure carried a code; undefined for a crashed worker. */
  errorCode = $state<ErrorCode | undefined>(undefined);
  workerCrashed = $state(false);

  #connection: CoreConnection | undefined;
  readonly #listeners = new Set<EngineListener>();

  /** The Core API; only valid once `phase` is 'ready'. */
  get api(): Remote<CoreApi> {
    if (this.#connection === undefined) throw new Error('the engine has not started');
    return this.#connection.api;
  }

  /** Hears every engine event from now on; returns the function that stops listening. */
  on(listener: EngineListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async start(core: CoreConnection): Promise<boolean> {
    this.#connection = core;
    try {
      const status = await Promise.race([core.api.status(), core.crashed]);
      this.sodiumVersion = status.sodiumVersion;
      // Subscribe before anything is loaded, so that no event falls between a load and its first update.
      await core.api.subscribe(proxy((event: CoreEvent) => this.#dispatch(event)));
      this.phase = 'ready';
      followVisibility(core);
      return true;
    } catch (error) {
      console.error('secure engine failed to start', error);
      this.fail(error);
      return false;
    }
  }

  /** The engine started but cannot serve the app (e.g. its storage refused to open). */
  fail(error: unknown): void {
    if (isParleyError(error)) this.errorCode = error.code;
    else this.workerCrashed = true;
    this.phase = 'failed';
  }

  #dispatch(event: CoreEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (error) {
        console.error(`a listener of the engine's ${event.type} event failed`, error);
      }
    }
  }
}

/** The engine polls fast while the app is on screen and slowly while it is hidden. */
function followVisibility(core: CoreConnection): void {
  const report = () => {
    core.api.setVisible(document.visibilityState === 'visible').catch((error: unknown) => {
      console.warn('could not tell the engine whether the app is visible', error);
    });
  };
  document.addEventListener('visibilitychange', report);
  report();
}
