import { ParleyError, type StorageErrorCode } from '../../shared/errors.ts';

/**
 * IndexedDB fails with DOMExceptions named by the spec; the rest of the core sees coded errors.
 * The exception's name goes into `details` for logs (it never holds user content).
 */
export function toStorageError(error: unknown, operation: string): ParleyError {
  if (error instanceof ParleyError) return error;
  const name = errorName(error);
  const code: StorageErrorCode =
    name === 'QuotaExceededError' ? 'storage_quota_exceeded'
    : name === 'InvalidStateError' ? 'storage_closed'
    : 'storage_failed';
  return new ParleyError(code, `storage: ${operation} failed (${name})`, { operation, name });
}

/** Runs one storage operation and turns whatever IndexedDB throws into a coded error. */
export async function storageCall<T>(operation: string, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    throw toStorageError(error, operation);
  }
}

/** The DOMException's name (e.g. 'QuotaExceededError'), or 'unknown'. */
export function errorName(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'name' in error && typeof error.name === 'string') {
    return error.name;
  }
  return 'unknown';
}
