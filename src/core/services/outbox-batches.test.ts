import { describe, expect, it } from 'vitest';
import { MAX_MESSAGE_DATA_BASE64, MAX_STORE_SEQUENCE_DATA, MAX_SUBREQUESTS } from '../net/storage-limits.ts';
import type { OutboxRecord } from '../store/index.ts';
import { duePerRecipient, RequestWindow, takeBatch } from './outbox-batches.ts';

function entry(messageId: number, recipient: string, nextAttemptAt: number | null): OutboxRecord {
  return {
    messageId,
    recipient,
    recipientPayload: 'AA==',
    syncPayload: 'AA==',
    recipientStored: false,
    syncStored: false,
    attempts: 0,
    nextAttemptAt,
    lastErrorCode: null,
    createdAt: messageId,
  };
}

describe('duePerRecipient: what a pass may send', () => {
  it("each recipient's due entries from its oldest on, stopping at one that waits for its retry", () => {
    const pending = [entry(1, 'a', 0), entry(2, 'b', 0), entry(3, 'a', 0), entry(4, 'b', 50), entry(5, 'b', 0), entry(6, 'a', 0), entry(7, 'c', null), entry(8, 'c', 0)];
    const runs = duePerRecipient(pending, (e) => e.nextAttemptAt, 10);
    expect([...runs].map(([recipient, run]) => [recipient, run.map((e) => e.messageId)])).toEqual([
      ['a', [1, 3, 6]],
      ['b', [2]],
    ]);
  });
});

describe('takeBatch: one sequence of stores', () => {
  const size = (n: number) => n;

  it('the first item alone while the swarm has taken none', () => {
    const queue = [5, 6, 7];
    expect(takeBatch(queue, size, true)).toEqual([5]);
    expect(queue).toEqual([6, 7]);
  });

  it('at most MAX_SUBREQUESTS, in order', () => {
    const queue = Array.from({ length: 45 }, (_, i) => i + 1);
    expect(takeBatch(queue, () => 100, false)).toEqual(Array.from({ length: MAX_SUBREQUESTS }, (_, i) => i + 1));
    expect(takeBatch(queue, () => 100, false)).toHaveLength(MAX_SUBREQUESTS);
    expect(takeBatch(queue, () => 100, false)).toEqual([41, 42, 43, 44, 45]);
    expect(takeBatch(queue, () => 100, false)).toEqual([]);
  });

  it('at most MAX_STORE_SEQUENCE_DATA characters of data, but the first item whatever its size', () => {
    const largest = MAX_MESSAGE_DATA_BASE64;
    const queue = [largest, largest, 1, largest];
    expect(takeBatch(queue, size, false)).toEqual([largest, largest]);
    expect(2 * largest).toBeLessThanOrEqual(MAX_STORE_SEQUENCE_DATA);
    expect(takeBatch(queue, size, false)).toEqual([1, largest]);
    const huge = [MAX_STORE_SEQUENCE_DATA + 1, 1];
    expect(takeBatch(huge, size, false)).toEqual([MAX_STORE_SEQUENCE_DATA + 1]);
  });
});

describe('RequestWindow', () => {
  it('never more than its limit at once, the others served in the order they asked', async () => {
    const window = new RequestWindow(2);
    let inFlight = 0;
    let most = 0;
    const order: number[] = [];
    const releases: (() => void)[] = [];
    const tasks = [1, 2, 3, 4, 5].map((n) =>
      window.run(async () => {
        inFlight++;
        most = Math.max(most, inFlight);
        order.push(n);
        await new Promise<void>((resolve) => releases.push(resolve));
        inFlight--;
      }),
    );
    // Release whoever holds a place, one at a time, until all are done.
    while (order.length < 5 || releases.length > 0) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      releases.shift()?.();
    }
    await Promise.all(tasks);
    expect(most).toBe(2);
    expect(order).toEqual([1, 2, 3, 4, 5]);
    expect(window.inUse).toBe(0);
  });

  it('a task that throws gives its place back', async () => {
    const window = new RequestWindow(1);
    await expect(window.run(async () => Promise.reject(new Error('test')))).rejects.toThrow('test');
    await expect(window.run(async () => 'next')).resolves.toBe('next');
    expect(window.inUse).toBe(0);
  });
});
