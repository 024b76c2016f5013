/**
 * This device's preferences (auto-lock, notifications) and the network facts Settings shows,
 * kept current by the engine's `preferences` events so that every tab agrees.
 */
import type { NetworkInfo, Preferences } from '../../core/api.ts';
import type { EngineState } from './engine.svelte.ts';

export class PreferencesState {
  /** Null until loaded. */
  values = $state<Preferences | null>(null);
  network = $state<NetworkInfo | null>(null);

  readonly #engine: EngineState;

  constructor(engine: EngineState) {
    this.#engine = engine;
    engine.on((event) => {
      if (event.type === 'preferences') this.values = event.preferences;
    });
  }

  async load(): Promise<void> {
    const [values, network] = await Promise.all([this.#engine.api.getPreferences(), this.#engine.api.getNetworkInfo()]);
    this.values = values;
    this.network = network;
  }

  async set(changes: Partial<Preferences>): Promise<void> {
    this.values = await this.#engine.api.setPreferences(changes);
  }
}
