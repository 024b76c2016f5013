import { ParleyError } from '../src/shared/errors.ts';

/** Entry checks: every public function of wasm/ validates its inputs with these, naming the parameter. */

export function checkBytes(value: unknown, name: string, length?: number): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw new ParleyError('invalid_argument', `${name} must be a Uint8Array, got ${describe(value)}`, {
      param: name,
      problem: 'type',
    });
  }
  if (length !== undefined && value.length !== length) {
    throw new ParleyError('invalid_argument', `${name} must be ${length} bytes, got ${value.length}`, {
      param: name,
      problem: 'length',
      expected: length,
      actual: value.length,
    });
  }
}

export function checkMinLength(value: Uint8Array, name: string, min: number): void {
  if (value.length < min) {
    throw new ParleyError('invalid_argument', `${name} must be at least ${min} bytes, got ${value.length}`, {
      param: name,
      problem: 'length',
      expected: min,
      actual: value.length,
    });
  }
}

export function checkString(value: unknown, name: string): asserts value is string {
  if (typeof value !== 'string') {
    throw new ParleyError('invalid_argument', `${name} must be a string, got ${describe(value)}`, {
      param: name,
      problem: 'type',
    });
  }
}

export function checkInteger(
  value: unknown,
  name: string,
  min: number = Number.MIN_SAFE_INTEGER,
  max: number = Number.MAX_SAFE_INTEGER,
): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new ParleyError('invalid_argument', `${name} must be an integer, got ${describe(value)}`, {
      param: name,
      problem: 'type',
    });
  }
  if (value < min || value > max) {
    throw new ParleyError('invalid_argument', `${name} must be within [${min}, ${max}], got ${value}`, {
      param: name,
      problem: 'range',
    });
  }
}

/** A plain object: not null, not an array, not bytes (a parameter record, a message, a trailer). */
export function checkObject<T>(value: T, name: string): asserts value is T & Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Uint8Array) {
    throw new ParleyError('invalid_argument', `${name} must be an object, got ${describe(value)}`, {
      param: name,
      problem: 'type',
    });
  }
}

export function checkArray<T>(value: T, name: string): asserts value is T & readonly unknown[] {
  if (!Array.isArray(value)) {
    throw new ParleyError('invalid_argument', `${name} must be an array, got ${describe(value)}`, {
      param: name,
      problem: 'type',
    });
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object') return value.constructor?.name ?? 'object';
  return typeof value;
}
