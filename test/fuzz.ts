/**
 * One knob for every property-based decoder test: how many cases each runs, and from which seed.
 * `npm test` runs each property with its small everyday count; `npm run fuzz` sets PARLEY_FUZZ_RUNS
 * (10,000 unless told otherwise) and every fuzz property runs at least that many. The seed is fixed so
 * a failure reproduces; PARLEY_FUZZ_SEED picks another.
 */
import type { Parameters } from 'fast-check';

const ENV_RUNS = Number(process.env['PARLEY_FUZZ_RUNS'] ?? 0);
const ENV_SEED = process.env['PARLEY_FUZZ_SEED'];

/** True in `npm run fuzz`: the long, nightly-style run. */
export const LONG_FUZZ = Number.isSafeInteger(ENV_RUNS) && ENV_RUNS > 0;

/** The fast-check parameters of a fuzz property: `everyday` cases in `npm test`, the long count in `npm run fuzz`. */
export function fuzzParameters(everyday: number): Parameters<unknown> {
  return {
    numRuns: LONG_FUZZ ? Math.max(ENV_RUNS, everyday) : everyday,
    seed: ENV_SEED === undefined ? 20_261_207 : Number(ENV_SEED),
  };
}

/** A test timeout that grows with the long run (fuzz cases are cheap, but 10,000 of them are not). */
export function fuzzTimeoutMs(everydayMs: number): number {
  return LONG_FUZZ ? everydayMs * 100 : everydayMs;
}
