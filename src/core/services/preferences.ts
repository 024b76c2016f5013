/**
 * The person's preferences for this device (Core API `Preferences`), kept in the settings store so
 * every tab and every reload sees the same; a change is announced with a `preferences` event.
 */
import { ParleyError } from '../../shared/errors.ts';
import type { Preferences } from '../api.ts';
import { getAllSettings, MAX_AUTO_LOCK_MINUTES, setSetting } from '../store/index.ts';
import type { CoreContext } from './context.ts';

export const DEFAULT_PREFERENCES: Preferences = { autoLockMinutes: null, notifications: 'off', autoDownloadMedia: true };

const NOTIFICATIONS: readonly Preferences['notifications'][] = ['off', 'anonymous', 'with_sender'];
const KEYS: readonly (keyof Preferences)[] = ['autoLockMinutes', 'notifications', 'autoDownloadMedia'];

export class PreferencesService {
  /** Writes run one at a time, so two quick changes from two tabs never read each other's half. */
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly ctx: CoreContext) {}

  async get(): Promise<Preferences> {
    const stored = await getAllSettings(this.ctx.db);
    return {
      autoLockMinutes: stored.autoLockMinutes ?? DEFAULT_PREFERENCES.autoLockMinutes,
      notifications: stored.notifications ?? DEFAULT_PREFERENCES.notifications,
      autoDownloadMedia: stored.autoDownloadMedia ?? DEFAULT_PREFERENCES.autoDownloadMedia,
    };
  }

  /**
   * Applies `changes` (only the keys given). `invalid_argument` {param, problem} for an unknown key
   * or a value out of range, and then nothing is changed.
   */
  async set(changes: Partial<Preferences>): Promise<Preferences> {
    checkChanges(changes);
    const run = this.chain.then(async () => {
      const before = await this.get();
      if (changes.autoLockMinutes !== undefined) await setSetting(this.ctx.db, 'autoLockMinutes', changes.autoLockMinutes);
      if (changes.notifications !== undefined) await setSetting(this.ctx.db, 'notifications', changes.notifications);
      if (changes.autoDownloadMedia !== undefined) await setSetting(this.ctx.db, 'autoDownloadMedia', changes.autoDownloadMedia);
      const after = await this.get();
      if (before.autoLockMinutes !== after.autoLockMinutes || before.notifications !== after.notifications || before.autoDownloadMedia !== after.autoDownloadMedia) {
        this.ctx.events.emit({ type: 'preferences', preferences: after });
      }
      return after;
    });
    this.chain = run.catch(() => undefined);
    return run;
  }
}

function checkChanges(changes: unknown): asserts changes is Partial<Preferences> {
  if (typeof changes !== 'object' || changes === null || Array.isArray(changes)) {
    throw invalid('changes', 'type', 'changes must be an object');
  }
  for (const key of Object.keys(changes)) {
    if (!(KEYS as readonly string[]).includes(key)) throw invalid(key, 'unknown', `no preference named ${key}`);
  }
  const { autoLockMinutes, notifications, autoDownloadMedia } = changes as Record<string, unknown>;
  if (autoDownloadMedia !== undefined && typeof autoDownloadMedia !== 'boolean') {
    throw invalid('autoDownloadMedia', 'value', 'autoDownloadMedia must be true or false');
  }
  if (
    autoLockMinutes !== undefined &&
    autoLockMinutes !== null &&
    !(typeof autoLockMinutes === 'number' && Number.isInteger(autoLockMinutes) && autoLockMinutes >= 1 && autoLockMinutes <= MAX_AUTO_LOCK_MINUTES)
  ) {
    throw invalid('autoLockMinutes', 'value', `autoLockMinutes must be null or a whole number of minutes from 1 to ${MAX_AUTO_LOCK_MINUTES}`);
  }
  if (notifications !== undefined && !(NOTIFICATIONS as readonly unknown[]).includes(notifications)) {
    throw invalid('notifications', 'value', `notifications must be one of ${NOTIFICATIONS.join(', ')}`);
  }
}

function invalid(param: string, problem: string, message: string): ParleyError {
  return new ParleyError('invalid_argument', message, { param, problem });
}
