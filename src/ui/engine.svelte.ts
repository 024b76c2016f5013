/**
 * The secure engine's start-up state, as the UI shows it: starting → ready, or failed with a reason.
 */
import { isParleyError, type ErrorCode } from '../shared/errors.ts';
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
      this.phase = 'ready';
      followVisibility(core);
    } catch (error) {
      console.error('secure engine failed to start', error);
      if (isParleyError(error)) this.errorCode = error.code;
      else this.workerCrashed = true;
      this.phase = 'failed';
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
