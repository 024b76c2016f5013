/**
 * The figures a benchmark run reports: each bench records what it measured, with the target it is
 * held to when the issue names one; `bench/run.ts` prints them as one table at the end and writes
 * them to bench/results/latest.json. Figures are printed, never asserted: a missed target is
 * reported as missed, not hidden.
 */
export interface Figure {
  /** The group it belongs to, e.g. "delivery", "crypto in the worker", "start-up". */
  readonly section: string;
  /** What was measured, e.g. "median, Send pressed → rendered at the peer". */
  readonly name: string;
  readonly value: number;
  /** "ms", "s", "KB", "requests/min", "bytes", "×" … */
  readonly unit: string;
  /** The target as the issue states it, e.g. "≤ 500 ms", when there is one. */
  readonly target?: string;
  /** Whether the value meets the target (undefined: no target). */
  readonly met?: boolean;
  /** How it was measured (sample size, conditions), in a few words. */
  readonly note?: string;
}

const figures: Figure[] = [];

/** Records one figure and prints it at once, so a long run shows progress. */
export function record(figure: Figure): void {
  figures.push(figure);
  const target = figure.target === undefined ? '' : `  target ${figure.target}: ${figure.met ? 'met' : 'MISSED'}`;
  const note = figure.note === undefined ? '' : `\n      (${figure.note})`;
  console.log(`  ${figure.section} · ${figure.name}: ${formatValue(figure.value)} ${figure.unit}${target}${note}`);
}

/** Every figure recorded so far, in order. */
export function recorded(): readonly Figure[] {
  return figures;
}

export function formatValue(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  return Math.abs(value) >= 100 ? value.toFixed(0) : Math.abs(value) >= 1 ? value.toFixed(2) : value.toPrecision(3);
}
