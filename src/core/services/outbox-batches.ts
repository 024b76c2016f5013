/**
 * How the outbox groups its stores (docs/delivery.md "Throughput after reconnect"): which entries
 * of a pass may go, how they are cut into batches (one `sequence` of stores per onion request), and
 * the window that bounds the requests in flight. Pure bookkeeping, no network, no database.
 */
import { MAX_STORE_SEQUENCE_DATA, MAX_SUBREQUESTS } from '../net/storage-limits.ts';
import type { OutboxRecord } from '../store/index.ts';

/**
 * The outbox's onion requests in flight at once, all destinations together: one per swarm at a
 * time (a recipient's, ours for the sync copies), at most this many swarms. The relay lets one
 * client have 32 in flight and a burst of 200 (relay/limits.ts); the poller and the attachment
 * uploader share them, so the outbox keeps well inside.
 */
export const OUTBOX_REQUESTS_IN_FLIGHT = 4;

/**
 * The entries of a pass, per recipient, in the order they were written: each recipient's run of
 * due entries from its oldest one on. An entry not due (waiting for its retry) holds every later
 * one to the same recipient back, so that they arrive in order; other recipients go on.
 * `dueAt` is null for an entry that is not being tried (failed: it holds nothing back).
 */
export function duePerRecipient(
  pending: readonly OutboxRecord[],
  dueAt: (entry: OutboxRecord) => number | null,
  now: number,
): Map<string, OutboxRecord[]> {
  const runs = new Map<string, OutboxRecord[]>();
  const held = new Set<string>();
  for (const entry of pending) {
    if (held.has(entry.recipient)) continue;
    const due = dueAt(entry);
    if (due === null || due > now) {
      held.add(entry.recipient);
      continue;
    }
    const run = runs.get(entry.recipient);
    if (run === undefined) runs.set(entry.recipient, [entry]);
    else run.push(entry);
  }
  return runs;
}

/**
 * Takes the next batch off the front of `queue`: the first item alone when `alone`, otherwise as
 * many as one `sequence` takes (MAX_SUBREQUESTS, MAX_STORE_SEQUENCE_DATA characters of data; the
 * first item always, whatever its size).
 */
export function takeBatch<T>(queue: T[], size: (item: T) => number, alone: boolean): T[] {
  if (queue.length === 0) return [];
  if (alone) return queue.splice(0, 1);
  let count = 1;
  let data = size(queue[0]!);
  while (count < queue.length && count < MAX_SUBREQUESTS && data + size(queue[count]!) <= MAX_STORE_SEQUENCE_DATA) {
    data += size(queue[count]!);
    count++;
  }
  return queue.splice(0, count);
}

/** At most `limit` holders at once; the others wait, first come first served. */
export class RequestWindow {
  private held = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly limit: number) {}

  get inUse(): number {
    return this.held;
  }

  async acquire(): Promise<void> {
    if (this.held < this.limit) {
      this.held++;
      return;
    }
    // The releasing holder hands its place over: `held` stays counted.
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next !== undefined) next();
    else this.held--;
  }

  /** Runs `task` holding a place. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await task();
    } finally {
      this.release();
    }
  }
}
