/**
 * Auto-lock: the engine locks the account after `autoLockMinutes` without use. "Use" is a Core API
 * call that a person's action causes (Core marks them: sending, opening, typing a check, bringing
 * the app back on screen …); reads the UI makes by itself when events arrive do not count, so an
 * open app that only receives messages still locks (docs/core.md "Auto-lock").
 * The clock and the timer are injected, so tests drive it with fake time.
 */

export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const DEFAULT_TIMERS: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** setTimeout's longest delay; a day of minutes is far below it. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export class AutoLock {
  private minutes: number | null = null;
  private active = false;
  private lastUse: number;
  private timer: unknown;

  constructor(
    private readonly clock: () => number,
    private readonly timers: Timers,
    /** Locks the account (then the session's change makes this inactive); a failure (no passphrase yet) waits another idle period. */
    private readonly lockNow: () => Promise<unknown>,
  ) {
    this.lastUse = clock();
  }

  /** The person's choice; null stops the countdown. */
  setMinutes(minutes: number | null): void {
    this.minutes = minutes;
    this.schedule();
  }

  /** Counting runs only while the account is unlocked; unlocking starts it afresh. */
  setActive(active: boolean): void {
    if (active && !this.active) this.lastUse = this.clock();
    this.active = active;
    this.schedule();
  }

  /** The person did something: the idle time starts again. */
  used(): void {
    this.lastUse = this.clock();
    if (this.active) this.schedule();
  }

  stop(): void {
    this.active = false;
    this.schedule();
  }

  private schedule(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.active || this.minutes === null) return;
    const due = this.lastUse + this.minutes * 60_000;
    this.timer = this.timers.setTimeout(() => this.due(), Math.min(MAX_TIMER_MS, Math.max(0, due - this.clock())));
  }

  private due(): void {
    this.timer = undefined;
    if (!this.active || this.minutes === null) return;
    // The device may have slept, or been used just as the timer fired: decide by the clock.
    if (this.clock() < this.lastUse + this.minutes * 60_000) {
      this.schedule();
      return;
    }
    void this.lockNow().catch(() => {
      this.lastUse = this.clock();
      this.schedule();
    });
  }
}
