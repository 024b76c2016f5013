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

/**
 * The code a synchronous call throws, as text for one `toBe`: `code`, or `code:<detail>` with the
 * first of `detailNames` the error carries; `no error` when it returns. Anything that is not a
 * ParleyError is thrown on, so a bug never passes as a code.
 */
export function codeOf(run: () => unknown, ...detailNames: string[]): string {
  try {
    run();
  } catch (error) {
    return describeCode(error, detailNames);
  }
  return 'no error';
}

/** As codeOf, for a promise (or an async call, whose synchronous throws count too); `resolved` when it resolves. */
export async function rejectionCodeOf(work: Promise<unknown> | (() => Promise<unknown>), ...detailNames: string[]): Promise<string> {
  try {
    await (typeof work === 'function' ? work() : work);
  } catch (error) {
    return describeCode(error, detailNames);
  }
  return 'resolved';
}

function describeCode(error: unknown, detailNames: readonly string[]): string {
  if (!isParleyError(error)) throw error;
  if (detailNames.length === 0) return error.code;
  const detail = detailNames.map((name) => error.details[name]).find((value) => value !== undefined);
  return `${error.code}:${detail === undefined ? '' : String(detail)}`;
}
