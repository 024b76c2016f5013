/**
 * The secure engine's start-up state, as the UI shows it: starting → ready, or failed with a reason.
 */
import { isParleyError, type ErrorCode } from '../../wasm/errors.ts';
import type { CoreConnection } from './core-client.ts';

export type EnginePhase = 'starting' | 'ready' | 'failed';

export class EngineState {
  phase = $state<EnginePhase>('starting');
  sodiumVersion = $state('');
  /** Set when phase is 'failed' and the failure carried a code; undefined for a crashed worker. */
  errorCode = $state<ErrorCode | undefined>(undefined);
  workerCrashed = $state(false);

  async start(core: CoreConnection): Promise<void> {
    try {
      const status = await Promise.race([core.api.status(), core.crashed]);
      this.sodiumVersion = status.sodiumVersion;
      this.phase = status.sodiumReady ? 'ready' : 'failed';
    } catch (error) {
      console.error('secure engine failed to start', error);
      if (isParleyError(error)) this.errorCode = error.code;
      else this.workerCrashed = true;
      this.phase = 'failed';
    }
  }
}
