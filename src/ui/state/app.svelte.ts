/**
 * Everything the screens read, in one object handed down as the `app` prop: the engine (and the
 * Core API behind it), the account, preferences, the route and the update flow. Start-up order:
 * the shell paints, the engine starts, the account is loaded, and only then do routes resolve.
 */
import type { CoreConnection } from '../core-client.ts';
import { AccountState } from './account.svelte.ts';
import { EngineState } from './engine.svelte.ts';
import { PreferencesState } from './preferences.svelte.ts';
import { RouteState } from './route.svelte.ts';
import { guard } from './routes.ts';
import { AppUpdate } from './updates.svelte.ts';

export class AppState {
  readonly engine = new EngineState();
  readonly account = new AccountState(this.engine);
  readonly preferences = new PreferencesState(this.engine);
  readonly route = new RouteState();
  readonly update = new AppUpdate();

  async start(core: CoreConnection): Promise<void> {
    if (!(await this.engine.start(core))) return;
    try {
      await this.account.load();
    } catch (error) {
      console.error('the account could not be read', error);
      this.engine.fail(error);
      return;
    }
    // Preferences and network facts are for Settings and the empty list: their failure blocks nothing.
    this.preferences.load().catch((error: unknown) => console.warn('preferences could not be read', error));
  }

  /** Moves away from a route the account's state does not allow (called whenever either changes). */
  enforceGuards(): void {
    if (!this.account.loaded) return;
    if (this.account.gate === 'none') this.route.forget();
    const next = guard(this.route.current, this.account.gate);
    if (next !== null) this.route.replace(next);
  }
}
