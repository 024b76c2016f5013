/**
 * Waiting in tests for something that will happen: a condition polled until it holds. Never a
 * fixed sleep; the timeout only turns a hang into a failure that names what never came.
 */
import { vi } from 'vitest';

export interface WaitOptions {
  readonly timeoutMs?: number;
  readonly intervalMs?: number;
}

/** Resolves once `condition` holds; fails with `what` in the message when it has not after the timeout. */
export async function waitUntil(what: string, condition: () => boolean | Promise<boolean>, options: WaitOptions = {}): Promise<void> {
  const { timeoutMs = 10_000, intervalMs = 50 } = options;
  try {
    await vi.waitUntil(condition, { timeout: timeoutMs, interval: intervalMs });
  } catch (error) {
    throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`, { cause: error });
  }
}

/** A promise's outcome, readable while it is still pending: for fake-timer tests that step the clock and look. */
export function track<T>(promise: Promise<T>): { settled: boolean; value: T | undefined } {
  const state: { settled: boolean; value: T | undefined } = { settled: false, value: undefined };
  void promise.then((value) => {
    state.settled = true;
    state.value = value;
  });
  return state;
}
