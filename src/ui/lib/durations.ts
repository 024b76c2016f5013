/**
 * Timer lengths in words, for disappearing messages: the chosen timer ("1 day", "5 minutes") and
 * the time left on a message ("4 minutes", "12 seconds"), rounded up so "0" is never shown while
 * it is still there.
 */
const UNITS: readonly (readonly [seconds: number, one: string, many: string])[] = [
  [604_800, 'week', 'weeks'],
  [86_400, 'day', 'days'],
  [3_600, 'hour', 'hours'],
  [60, 'minute', 'minutes'],
  [1, 'second', 'seconds'],
];

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** A timer in its largest whole unit: 43200 → "12 hours", 1209600 → "2 weeks". */
export function timerWords(seconds: number): string {
  for (const [size, one, many] of UNITS) {
    if (seconds >= size && seconds % size === 0) return count(seconds / size, one, many);
  }
  return count(Math.max(0, Math.round(seconds)), 'second', 'seconds');
}

/** Time left, in the largest unit that is at least 1, rounded up: 61 s → "2 minutes", 59 s → "59 seconds". */
export function remainingWords(ms: number): string {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  for (const [size, one, many] of UNITS) {
    if (seconds >= size) return count(Math.ceil(seconds / size), one, many);
  }
  return count(seconds, 'second', 'seconds');
}
