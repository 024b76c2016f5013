/**
 * Slows down guessing the passphrase through the app: after FREE_ATTEMPTS wrong passphrases in a
 * row, each further wrong one makes the next attempt wait, 30 s, then 1, 2, 4, 8 and at most 15
 * minutes. While a wait runs, every passphrase (right or wrong) is refused at once with
 * `too_many_attempts` {retryAfterMs}, before Argon2id runs. A right passphrase clears the count.
 *
 * The count and the end of the wait sit in the settings store (not secret), so a reload, a new tab
 * or a restarted worker does not reset them. This guards the app's own door (unlock, reveal the
 * phrase, change or remove the passphrase); a thief with a copy of the database guesses offline,
 * where only Argon2id's cost per guess and the passphrase's strength count (docs/passphrase.md).
 */
import { isParleyError, ParleyError } from '../../shared/errors.ts';
import { deleteSetting, getSetting, setSetting, type PassphraseAttempts } from '../store/index.ts';
import type { CoreContext } from './context.ts';

/** Wrong passphrases in a row before any wait: typos and a forgotten capital cost nothing. */
export const FREE_ATTEMPTS = 5;
export const FIRST_WAIT_MS = 30_000;
export const MAX_WAIT_MS = 15 * 60_000;

/** The wait after `failures` wrong passphrases in a row: none up to FREE_ATTEMPTS - 1, then doubling. */
export function waitAfter(failures: number): number {
  if (failures < FREE_ATTEMPTS) return 0;
  return Math.min(MAX_WAIT_MS, FIRST_WAIT_MS * 2 ** Math.min(failures - FREE_ATTEMPTS, 16));
}

export class PassphraseAttemptsGuard {
  /** Attempts run one at a time, so two quick wrong ones both count. */
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly ctx: Pick<CoreContext, 'db' | 'clock'>) {}

  /**
   * Runs `check` (which throws `wrong_passphrase` for a wrong passphrase) unless a wait is running.
   * A wrong passphrase that starts a wait is still `wrong_passphrase`, with `retryAfterMs` in its
   * details, so the screen can count down at once.
   */
  attempt<T>(check: () => T | Promise<T>): Promise<T> {
    const run = this.chain.then(() => this.run(check));
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async run<T>(check: () => T | Promise<T>): Promise<T> {
    const state = await this.load();
    const now = this.ctx.clock();
    if (now < state.notBefore) {
      throw new ParleyError('too_many_attempts', 'too many wrong passphrases: wait before trying again', {
        retryAfterMs: state.notBefore - now,
      });
    }
    let result: T;
    try {
      result = await check();
    } catch (error) {
      if (!isParleyError(error, 'wrong_passphrase')) throw error;
      const failures = state.failures + 1;
      const wait = waitAfter(failures);
      await setSetting(this.ctx.db, 'passphraseAttempts', { failures, notBefore: now + wait });
      if (wait === 0) throw error;
      throw new ParleyError('wrong_passphrase', error.message, { ...error.details, retryAfterMs: wait });
    }
    if (state.failures > 0) await deleteSetting(this.ctx.db, 'passphraseAttempts');
    return result;
  }

  /** How long before the next attempt may run (0: now), so a screen opened during a wait can show it at once. */
  async retryAfterMs(): Promise<number> {
    const state = await this.load();
    return Math.max(0, state.notBefore - this.ctx.clock());
  }

  /**
   * The stored count. A wait longer than its count allows means the device's clock went back since
   * it was written: the wait then starts again from now, rather than locking the person out for as
   * long as the clock moved.
   */
  private async load(): Promise<PassphraseAttempts> {
    const stored = (await getSetting(this.ctx.db, 'passphraseAttempts')) ?? { failures: 0, notBefore: 0 };
    const now = this.ctx.clock();
    const longest = waitAfter(stored.failures);
    if (stored.notBefore - now <= longest) return stored;
    const restarted = { failures: stored.failures, notBefore: now + longest };
    await setSetting(this.ctx.db, 'passphraseAttempts', restarted);
    return restarted;
  }
}
