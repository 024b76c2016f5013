import { expect } from 'vitest';
import { isParleyError, type ErrorCode, type ParleyError } from '../src/shared/errors.ts';

/** Awaits `promise` and checks that it failed with a ParleyError of `code` (and names `param`, if given). */
export async function expectCode(promise: Promise<unknown>, code: ErrorCode, param?: string): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isParleyError(error), `expected a ParleyError ${code}, got ${String(error)}`).toBe(true);
  expect((error as { code: string }).code).toBe(code);
  if (param !== undefined) expect((error as { details: Record<string, unknown> }).details['param']).toBe(param);
}

/** The ParleyError a synchronous call throws; fails the test when it throws nothing or something else. */
export function errorOf(run: () => unknown): ParleyError {
  try {
    run();
  } catch (error) {
    if (isParleyError(error)) return error;
    throw error;
  }
  throw new Error('expected a ParleyError');
}
