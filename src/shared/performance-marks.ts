/**
 * Names of the performance marks the app sets (performance.mark) for the benchmarks to read
 * (bench/startup.bench.ts): shared so the two sides never disagree on a string.
 */

/** Set when the conversation list has been read from the core and rendered: the app is interactive. */
export const LIST_RENDERED_MARK = 'parley:list-rendered';
