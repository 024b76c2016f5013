import { describe, expect, it, vi } from 'vitest';
import { SerialPasses } from './serial-passes.ts';

/** A pass that waits until the test lets it end. */
function controlledPasses(mayRun: () => boolean = () => true) {
  const ends: (() => void)[] = [];
  const signals: AbortSignal[] = [];
  const passes = new SerialPasses((signal) => {
    signals.push(signal);
    return new Promise<void>((resolve) => ends.push(resolve));
  }, mayRun);
  return { passes, ends, signals };
}

describe('SerialPasses', () => {
  it('runs one pass at a time; kicks during a pass make exactly one more after it', async () => {
    const { passes, ends } = controlledPasses();
    passes.start();
    passes.kick();
    passes.kick();
    passes.kick();
    expect(ends).toHaveLength(1);
    ends[0]!();
    await vi.waitFor(() => expect(ends).toHaveLength(2));
    ends[1]!();
    await passes.stop();
    expect(ends).toHaveLength(2);
  });

  it('does nothing before start, while held back, or after stop; stop aborts the pass in flight', async () => {
    let held = true;
    const { passes, ends, signals } = controlledPasses(() => !held);
    passes.kick();
    passes.start();
    passes.kick();
    expect(ends).toHaveLength(0);
    held = false;
    passes.kick();
    expect(ends).toHaveLength(1);
    const stopped = passes.stop();
    expect(signals[0]!.aborted).toBe(true);
    ends[0]!();
    await stopped;
    passes.kick();
    expect(ends).toHaveLength(1);
  });

  it('wakes once for the latest wake-up, and stop leaves no timer', async () => {
    vi.useFakeTimers();
    try {
      const { passes, ends } = controlledPasses();
      passes.start();
      passes.wakeIn(1_000);
      passes.wakeIn(5_000);
      await vi.advanceTimersByTimeAsync(4_999);
      expect(ends).toHaveLength(0);
      await vi.advanceTimersByTimeAsync(1);
      expect(ends).toHaveLength(1);
      ends[0]!();
      passes.wakeIn(1_000);
      await passes.stop();
      await vi.advanceTimersByTimeAsync(10_000);
      expect(ends).toHaveLength(1);
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});
