/**
 * Runs every benchmark in bench/ (files named *.bench.ts), then prints one table of every
 * figure they recorded (bench/report.ts) and, for a full run, writes bench/results/latest.json:
 * the machine, the date, the commit and the figures. `npm run bench -- <part of a file name>` runs
 * only the matching benches and writes nothing.
 *
 * A bench exports either `run()` (the benches run one after the other) or `start()`, for one that
 * mostly waits (bench/background.bench.ts keeps two tabs hidden for 10 minutes): those start
 * first, the others run meanwhile, and their figures are recorded when they end. The day profile
 * (bench/day-profile.ts) is recorded last, from the rates of the delivery and background benches.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import playwrightConfig from '../playwright.config.ts';
import { ensureBuilt } from './browser/app-stack.ts';
import { recordDay } from './day-profile.ts';
import { formatValue, recorded, type Figure } from './report.ts';

const only = process.argv[2];
const benchDir = path.dirname(new URL(import.meta.url).pathname);
const files = readdirSync(benchDir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only === undefined || f.includes(only))
  .sort();

type Bench = { run: () => Promise<void> } | { start: () => Promise<() => Promise<void>> };

const started = performance.now();
const durations: Record<string, number> = {};
const seconds = (since: number) => Math.round((performance.now() - since) / 100) / 10;
console.log(`node ${process.version}, ${process.platform}/${process.arch}`);
const benches = new Map<string, Bench>();
for (const file of files) benches.set(file, (await import(new URL(file, import.meta.url).href)) as Bench);
if (files.length > 0) await ensureBuilt(); // once, before any bench (a fresh clone has no dist/)

// Benches that mostly wait (a tab hidden for 10 minutes) start first; the others run meanwhile.
const running: { file: string; begin: number; finish: () => Promise<void> }[] = [];
for (const [file, bench] of benches) {
  if (!('start' in bench)) continue;
  console.log(`\n# ${file} (started first; the other benches run while it waits)`);
  const begin = performance.now();
  try {
    running.push({ file, begin, finish: await bench.start() });
    console.log(`(${file}: running in the background, ${seconds(begin)} s to start)`);
  } catch (error) {
    console.log(`(${file}: failed to start: ${error instanceof Error ? error.message : String(error)})`);
  }
}
for (const [file, bench] of benches) {
  if (!('run' in bench)) continue;
  console.log(`\n# ${file}`);
  const begin = performance.now();
  await bench.run();
  durations[file] = seconds(begin);
  console.log(`(${file}: ${durations[file]} s)`);
}
for (const { file, begin, finish } of running) {
  console.log(`\n# ${file}: waiting for it to end`);
  try {
    await finish();
  } catch (error) {
    console.log(`(${file}: failed: ${error instanceof Error ? error.message : String(error)})`);
  }
  durations[file] = seconds(begin);
  console.log(`(${file}: ${durations[file]} s from its start)`);
}
recordDay();
const totalSeconds = Math.round((performance.now() - started) / 1000);

printTable(recorded());
console.log(`\nbenches: ${Object.entries(durations).map(([file, s]) => `${file} ${s} s`).join(', ')}; total ${totalSeconds} s`);

if (only === undefined) {
  const result = {
    date: new Date().toISOString(),
    commit: git(['rev-parse', 'HEAD']),
    uncommittedChanges: git(['status', '--porcelain']) !== '',
    machine: machine(),
    durationSeconds: { total: totalSeconds, ...durations },
    figures: recorded(),
  };
  const out = path.join(benchDir, 'results', 'latest.json');
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`wrote ${path.relative(process.cwd(), out)}`);
} else {
  console.log(`only benches matching "${only}": bench/results/latest.json left as it was`);
}

function printTable(figures: readonly Figure[]): void {
  const rows = figures.map((f) => [
    f.section,
    f.name,
    formatValue(f.value),
    f.unit,
    f.target ?? '',
    f.target === undefined ? '' : f.met ? 'met' : 'MISSED',
  ]);
  const header = ['section', 'figure', 'value', 'unit', 'target', ''];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]): string =>
    cells.map((cell, i) => (i === 2 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ').trimEnd();
  console.log(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const row of rows) console.log(line(row));
  const targeted = figures.filter((f) => f.target !== undefined);
  console.log(`\n${targeted.filter((f) => f.met).length} of ${targeted.length} targets met`);
}

function machine(): Record<string, unknown> {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    chromium: chromiumVersion(),
  };
}

function chromiumVersion(): string {
  const executable = playwrightConfig.use?.launchOptions?.executablePath;
  if (executable === undefined) return 'unknown';
  try {
    return execFileSync(executable, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
}

function git(args: readonly string[]): string {
  try {
    return execFileSync('git', args, { encoding: 'utf8', cwd: benchDir }).trim();
  } catch {
    return 'unknown';
  }
}
