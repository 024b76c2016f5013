import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IdleLock, type IdleLockHost } from './idle-lock.ts';

function host(limit: number | null): IdleLockHost & { shared: number; locks: number } {
  return {
    shared: 0,
    locks: 0,
    now: () => Date.now(),
    readShared() {
      return this.shared;
    },
    writeShared(at) {
      this.shared = at;
    },
    limitMinutes: () => limit,
    lock() {
      this.locks++;
    },
  };
}

describe('IdleLock', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(1_000_000);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('locks once the limit passes without activity, and only once', () => {
    const h = host(5);
    const idle = new IdleLock(h);
    vi.advanceTimersByTime(4 * 60_000);
    expect(idle.check()).toBe(60_000);
    expect(h.locks).toBe(0);
    vi.advanceTimersByTime(60_000);
    expect(idle.check()).toBeNull();
    expect(h.locks).toBe(1);
    expect(idle.check()).toBeNull();
    expect(h.locks).toBe(1);
  });

  it('starts counting again from each activity', () => {
    const h = host(5);
    const idle = new IdleLock(h);
    vi.advanceTimersByTime(4 * 60_000);
    idle.activity();
    vi.advanceTimersByTime(4 * 60_000);
    expect(idle.check()).toBe(60_000);
    expect(h.locks).toBe(0);
  });

  it('counts activity in another tab (the shared clock)', () => {
    const h = host(5);
    const idle = new IdleLock(h);
    vi.advanceTimersByTime(4 * 60_000);
    h.shared = Date.now();
    vi.advanceTimersByTime(4 * 60_000);
    expect(idle.check()).toBe(60_000);
    expect(h.locks).toBe(0);
  });

  it('does nothing while auto-lock is off', () => {
    const h = host(null);
    const idle = new IdleLock(h);
    vi.advanceTimersByTime(24 * 60 * 60_000);
    expect(idle.check()).toBeNull();
    expect(h.locks).toBe(0);
  });

  it('writes the shared clock at most every five seconds', () => {
    const h = host(5);
    const idle = new IdleLock(h);
    idle.activity();
    const first = h.shared;
    vi.advanceTimersByTime(1_000);
    idle.activity();
    expect(h.shared).toBe(first);
    vi.advanceTimersByTime(4_000);
    idle.activity();
    expect(h.shared).toBe(first + 5_000);
  });

  it('may lock again after the account was unlocked and left idle anew', () => {
    const h = host(1);
    const idle = new IdleLock(h);
    vi.advanceTimersByTime(60_000);
    idle.check();
    idle.activity();
    vi.advanceTimersByTime(60_000);
    idle.check();
    expect(h.locks).toBe(2);
  });
});
