/**
 * Inputs for the decoder fuzz properties (`*.fuzz.test.ts`): random bytes, and valid samples
 * (known-answer vectors) truncated, bit-flipped, overwritten, cut and spliced, so that the cases
 * reach past a decoder's first check. And the one verdict every decoder owes: it returns, or it
 * throws a ParleyError whose code is one it documents.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { isParleyError, type ErrorCode } from '../src/shared/errors.ts';

/** One change to a valid sample. */
export function mutationOf(sample: Uint8Array): fc.Arbitrary<Uint8Array> {
  const at = fc.nat({ max: Math.max(0, sample.length - 1) });
  const edits: fc.Arbitrary<Uint8Array>[] = [
    // cut short (or empty)
    fc.nat({ max: sample.length }).map((n) => sample.slice(0, n)),
    // the tail without its head
    fc.nat({ max: sample.length }).map((n) => sample.slice(n)),
    // one bit flipped
    fc.tuple(at, fc.nat({ max: 7 })).map(([i, bit]) => withByte(sample, i, (b) => b ^ (1 << bit))),
    // one byte replaced
    fc.tuple(at, fc.integer({ min: 0, max: 255 })).map(([i, value]) => withByte(sample, i, () => value)),
    // a few random bytes inserted
    fc.tuple(fc.nat({ max: sample.length }), fc.uint8Array({ minLength: 1, maxLength: 8 })).map(([i, extra]) =>
      joined(sample.subarray(0, i), extra, sample.subarray(i)),
    ),
    // a stretch removed
    fc.tuple(fc.nat({ max: sample.length }), fc.integer({ min: 1, max: 16 })).map(([i, n]) => joined(sample.subarray(0, i), sample.subarray(i + n))),
    // a stretch repeated (lengths that disagree with their contents)
    fc.tuple(at, fc.integer({ min: 1, max: 32 })).map(([i, n]) => {
      const end = Math.min(sample.length, i + n);
      return joined(sample.subarray(0, end), sample.subarray(i, end), sample.subarray(end));
    }),
  ];
  return sample.length === 0 ? fc.uint8Array({ maxLength: 8 }) : fc.oneof(...edits);
}

/** Random bytes, or one of `samples` changed once or a few times. */
export function bytesNear(samples: readonly Uint8Array[], maxRandomLength = 400): fc.Arbitrary<Uint8Array> {
  const mutated = fc.constantFrom(...samples).chain((sample) => mutationOf(sample));
  const mutatedTwice = mutated.chain((once) => mutationOf(once));
  return fc.oneof(
    { arbitrary: fc.uint8Array({ maxLength: maxRandomLength }), weight: 2 },
    { arbitrary: mutated, weight: 3 },
    { arbitrary: mutatedTwice, weight: 1 },
  );
}

/** Text changed once: cut, a character dropped, replaced or doubled, any Unicode included. */
export function textMutationOf(sample: string): fc.Arbitrary<string> {
  const at = fc.nat({ max: sample.length });
  return fc.oneof(
    at.map((i) => sample.slice(0, i)),
    at.map((i) => sample.slice(0, i) + sample.slice(i + 1)),
    fc.tuple(at, fc.string({ unit: 'binary', minLength: 1, maxLength: 3 })).map(([i, s]) => sample.slice(0, i) + s + sample.slice(i + 1)),
    fc.tuple(at, fc.string({ unit: 'grapheme', minLength: 1, maxLength: 3 })).map(([i, s]) => sample.slice(0, i) + s + sample.slice(i)),
    at.map((i) => sample.slice(0, i) + sample.slice(i, i + 5) + sample.slice(i)),
    fc.constant(sample.toUpperCase()),
  );
}

/**
 * Runs a decoder on junk: it returns (what it returned is handed back), or it throws a ParleyError
 * with one of `allowed`; anything else (a TypeError, a RangeError, another code) fails the case.
 */
export function returnsOrThrowsOnly<T>(allowed: ReadonlySet<ErrorCode>, decode: () => T): { ok: true; value: T } | { ok: false; code: ErrorCode } {
  try {
    return { ok: true, value: decode() };
  } catch (error) {
    expectAllowed(error, allowed);
    return { ok: false, code: (error as { code: ErrorCode }).code };
  }
}

/** As returnsOrThrowsOnly, for an async decoder. */
export async function resolvesOrRejectsOnly<T>(
  allowed: ReadonlySet<ErrorCode>,
  decode: () => Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; code: ErrorCode }> {
  try {
    return { ok: true, value: await decode() };
  } catch (error) {
    expectAllowed(error, allowed);
    return { ok: false, code: (error as { code: ErrorCode }).code };
  }
}

function expectAllowed(error: unknown, allowed: ReadonlySet<ErrorCode>): void {
  if (!isParleyError(error)) throw error;
  expect(allowed.has(error.code), `unexpected code ${error.code}: ${error.message}`).toBe(true);
}

function joined(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function withByte(sample: Uint8Array, at: number, change: (byte: number) => number): Uint8Array {
  const out = sample.slice();
  out[at] = change(out[at]!) & 0xff;
  return out;
}
