/**
 * Names of the performance marks the app sets (performance.mark) for the benchmarks to read
 * (bench/startup.bench.ts): shared so the two sides never disagree on a string.
 */

/** Set when the conversation list starts reading its rows from the core (the list pane is mounted). */
export const LIST_LOADING_MARK = 'parley:list-loading';

/** Set when the conversation list's rows have come back from the core, before they are rendered. */
export const LIST_READ_MARK = 'parley:list-read';

/** Set when the conversation list has been read from the core and rendered: the app is interactive. */
export const LIST_RENDERED_MARK = 'parley:list-rendered';

/**
 * Set once the frame that follows LIST_RENDERED_MARK has been laid out and painted: the rows' style
 * and layout cost, which the DOM insertion alone does not show, is then included.
 */
export const LIST_PAINTED_MARK = 'parley:list-painted';
