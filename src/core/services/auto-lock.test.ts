import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AutoLock, DEFAULT_TIMERS } from './auto-lock.ts';

const MINUTE = 60_000;

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
});
afterEach(() => {
  vi.useRealTimers();
});

/** `lockNow` records the time and, as the Core's session change does, makes the count inactive. */
function autoLock() {
  const locks: number[] = [];
  const lock: AutoLock = new AutoLock(() => Date.now(), DEFAULT_TIMERS, async () => {
    locks.push(Date.now());
    lock.setActive(false);
  });
  return { lock, locks };
}

describe('auto-lock', () => {
  it('locks once after the chosen idle minutes, counted from the last use', () => {
    const { lock, locks } = autoLock();
    lock.setMinutes(10);
    lock.setActive(true);
    vi.advanceTimersByTime(9 * MINUTE);
    lock.used();
    vi.advanceTimersByTime(9 * MINUTE);
    expect(locks).toEqual([]);
    vi.advanceTimersByTime(MINUTE);
    expect(locks).toHaveLength(1);
    // Locked: nothing more until it is active again.
    vi.advanceTimersByTime(60 * MINUTE);
    expect(locks).toHaveLength(1);
  });

  it('counts only while active, and starts afresh when it becomes active', () => {
    const { lock, locks } = autoLock();
    lock.setMinutes(5);
    vi.advanceTimersByTime(30 * MINUTE); // locked, or no account: no count
    lock.setActive(true);
    vi.advanceTimersByTime(5 * MINUTE - 1);
    expect(locks).toEqual([]);
    lock.setActive(false);
    vi.advanceTimersByTime(30 * MINUTE);
    expect(locks).toEqual([]);
  });

  it('a change of the minutes applies to the idle time already passed; null stops it', () => {
    const { lock, locks } = autoLock();
    lock.setActive(true);
    lock.setMinutes(30);
    vi.advanceTimersByTime(10 * MINUTE);
    lock.setMinutes(null);
    vi.advanceTimersByTime(60 * MINUTE);
    expect(locks).toEqual([]);
    lock.used();
    vi.advanceTimersByTime(10 * MINUTE);
    lock.setMinutes(5); // 10 idle minutes already: due now
    vi.advanceTimersByTime(0);
    expect(locks).toHaveLength(1);
  });

  it('when locking fails (no passphrase yet), tries again after another idle period', async () => {
    let refuse = true;
    const attempts: number[] = [];
    const lock: AutoLock = new AutoLock(() => Date.now(), DEFAULT_TIMERS, async () => {
      attempts.push(Date.now());
      if (refuse) throw new Error('no passphrase');
      lock.setActive(false);
    });
    lock.setMinutes(5);
    lock.setActive(true);
    await vi.advanceTimersByTimeAsync(5 * MINUTE);
    expect(attempts).toHaveLength(1);
    refuse = false; // a passphrase was set meanwhile
    await vi.advanceTimersByTimeAsync(5 * MINUTE);
    expect(attempts).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(60 * MINUTE);
    expect(attempts).toHaveLength(2);
  });

  it('locks when due even if the device slept through the timer', () => {
    const { lock, locks } = autoLock();
    lock.setMinutes(5);
    lock.setActive(true);
    // The clock jumps (the device slept) without the timer having fired yet.
    vi.setSystemTime(Date.now() + 60 * MINUTE);
    vi.advanceTimersByTime(5 * MINUTE);
    expect(locks).toHaveLength(1);
  });
});
