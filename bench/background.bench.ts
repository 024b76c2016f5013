/**
 * Delivery to a background tab, and what a hidden tab costs (issue 10 item 2): a tab really hidden
 * by Chromium for 10 minutes, then messages to it, each timed from Enter to the notification it
 * shows, for Parley and for the 5-second baseline side by side; and the hidden tabs' requests and
 * bytes per minute. The measurement is bench/background-run.ts, in a process of its own.
 *
 * Most of it is waiting (two tabs hidden, polling every few seconds), so bench/run.ts starts it
 * before the other benches and runs them meanwhile: `start()` resolves once the tabs are hidden,
 * with a function that tells it the others are done (its messages then go out on a machine they
 * left quiet, once the tabs have been hidden 10 minutes), waits for the end and records the figures.
 */
import { fork } from 'node:child_process';
import path from 'node:path';
import type { BackgroundMessage, ParentMessage } from './background-run.ts';
import { noteRate } from './day-profile.ts';
import { record } from './report.ts';

export async function start(): Promise<() => Promise<void>> {
  const child = fork(path.join(import.meta.dirname, 'background-run.ts'), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const prefix = (stream: NodeJS.ReadableStream, write: (line: string) => void) => {
    let rest = '';
    stream.on('data', (chunk: Buffer) => {
      const lines = (rest + chunk.toString()).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) write(`  [background] ${line}`);
    });
  };
  prefix(child.stdout!, (line) => console.log(line));
  prefix(child.stderr!, (line) => console.error(line));

  let hidden!: () => void;
  let failed!: (error: Error) => void;
  const tabsHidden = new Promise<void>((resolve, reject) => {
    hidden = resolve;
    failed = reject;
  });
  const done = new Promise<Extract<BackgroundMessage, { type: 'done' }>>((resolve, reject) => {
    child.on('message', (message: BackgroundMessage) => {
      if (message.type === 'hidden') hidden();
      else if (message.type === 'done') resolve(message);
      else {
        const error = new Error(`the background bench failed: ${message.error}`);
        failed(error);
        reject(error);
      }
    });
    child.on('exit', (code) => {
      const error = new Error(`the background bench's process exited (${code}) before its figures`);
      failed(error);
      reject(error);
    });
  });
  done.catch(() => undefined); // awaited by the function start() returns; not a stray rejection meanwhile
  await tabsHidden;
  return async () => {
    // The other benches are done: the child may send its messages once its tabs have been hidden long enough.
    if (child.connected) child.send({ type: 'others done' } satisfies ParentMessage);
    const result = await done;
    // Let it stop its Chromium and devnet before the run ends (bounded: it has its own caps).
    if (child.exitCode === null && child.signalCode === null) {
      // unref: a cap, not a reason for the run to stay up once the child has exited.
      await Promise.race([new Promise((resolve) => child.once('exit', resolve)), new Promise((resolve) => setTimeout(resolve, 60_000).unref())]);
    }
    // NaN (nothing to measure) crosses the IPC channel's JSON as null.
    for (const figure of result.figures) record({ ...figure, value: figure.value ?? Number.NaN });
    noteRate('Parley', 'hidden', result.hiddenRates.parley);
    noteRate('5 s baseline', 'hidden', result.hiddenRates.baseline);
  };
}
