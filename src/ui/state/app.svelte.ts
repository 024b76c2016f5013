/**
 * Everything the screens read, in one object handed down as the `app` prop: the engine (and the
 * Core API behind it), the account, preferences, the route and the update flow. Start-up order:
 * the shell paints, the engine starts, the account is loaded, and only then do routes resolve.
 */
import type { CoreConnection } from '../core-client.ts';
import { IdleLock } from './idle-lock.ts';
import { AccountState } from './account.svelte.ts';
import { EngineState } from './engine.svelte.ts';
import { PreferencesState } from './preferences.svelte.ts';
import { RouteState } from './route.svelte.ts';
import { guard } from './routes.ts';
import { AppUpdate } from './updates.svelte.ts';

/** localStorage key of the last time the person used any Parley tab (a timestamp; nothing secret). */
const LAST_ACTIVITY_KEY = 'parley.lastActivity';
const IDLE_CHECK_MS = 15_000;

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
    this.#watchIdle();
  }

  /** Auto-lock (Settings → Lock after): the page watches for input and locks the account when idle. */
  #watchIdle(): void {
    const idle = new IdleLock({
      now: () => Date.now(),
      readShared: () => Number(readLocal(LAST_ACTIVITY_KEY)) || 0,
      writeShared: (at) => writeLocal(LAST_ACTIVITY_KEY, String(at)),
      limitMinutes: () => {
        const view = this.account.view;
        if (view === null || view.locked || !view.hasPassphrase) return null;
        return this.preferences.values?.autoLockMinutes ?? null;
      },
      lock: () => {
        this.account.lock().catch((error: unknown) => console.warn('auto-lock failed', error));
      },
    });
    for (const type of ['pointerdown', 'keydown', 'wheel', 'touchstart'] as const) {
      window.addEventListener(type, () => idle.activity(), { capture: true, passive: true });
    }
    setInterval(() => idle.check(), IDLE_CHECK_MS);
  }

  /** Moves away from a route the account's state does not allow (called whenever either changes). */
  enforceGuards(): void {
    if (!this.account.loaded) return;
    const next = guard(this.route.current, this.account.gate);
    if (next !== null) this.route.replace(next);
  }
}

function readLocal(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null; // storage blocked: each tab keeps its own time
  }
}

function writeLocal(key: string, value: string): void {
  try {
    window.localStorage.setItem(key, value);
  } catch {
    // storage blocked or full: each tab keeps its own time
  }
}
