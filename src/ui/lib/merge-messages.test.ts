import { describe, expect, it } from 'vitest';
import { mergeMessages } from './merge-messages.ts';

const m = (id: number, sentAt: number, status = 'queued') => ({ id, sentAt, status });

describe('mergeMessages', () => {
  it('appends a newer message and prepends an older page', () => {
    const list = [m(2, 20), m(3, 30)];
    expect(mergeMessages(list, [m(4, 40)]).map((x) => x.id)).toEqual([2, 3, 4]);
    expect(mergeMessages(list, [m(1, 10), m(0, 5)]).map((x) => x.id)).toEqual([0, 1, 2, 3]);
  });

  it('puts a message that belongs in the middle in order, ties broken by id', () => {
    expect(mergeMessages([m(1, 10), m(3, 30)], [m(2, 20)]).map((x) => x.id)).toEqual([1, 2, 3]);
    expect(mergeMessages([m(5, 10)], [m(4, 10)]).map((x) => x.id)).toEqual([4, 5]);
  });

  it('keeps a known message as it is: a late copy never undoes a status', () => {
    const merged = mergeMessages([m(1, 10, 'sent')], [m(1, 10, 'queued'), m(1, 10, 'queued')]);
    expect(merged).toEqual([m(1, 10, 'sent')]);
  });

  it('does not change the list it was given', () => {
    const list = [m(1, 10)];
    mergeMessages(list, [m(2, 20)]);
    expect(list).toEqual([m(1, 10)]);
  });

  it('still skips known messages when a list changed outside it (a status update copies the list)', () => {
    let list = mergeMessages([], [m(1, 10), m(2, 20)]);
    list = mergeMessages(list, [m(0, 5)]);
    const updated = list.map((x) => (x.id === 2 ? { ...x, status: 'sent' } : x));
    const merged = mergeMessages(updated, [m(2, 20, 'queued'), m(3, 30), m(3, 30)]);
    expect(merged).toEqual([m(0, 5), m(1, 10), m(2, 20, 'sent'), m(3, 30)]);
    // The earlier list is left as it was and still merges correctly by itself.
    expect(mergeMessages(list, [m(3, 30)]).map((x) => x.id)).toEqual([0, 1, 2, 3]);
    expect(mergeMessages(list, [m(1, 10)]).map((x) => x.id)).toEqual([0, 1, 2]);
  });
});
