import { describe, expect, it } from 'vitest';
import { dayName, startOfDay, withDaySeparators } from './days.ts';

const at = (y: number, m: number, d: number, h = 12, min = 0): number => new Date(y, m - 1, d, h, min).getTime();

describe('day separators', () => {
  it('puts a day row before the first message of each local day', () => {
    const messages = [
      { id: 1, sentAt: at(2026, 3, 1, 9) },
      { id: 2, sentAt: at(2026, 3, 1, 23, 59) },
      { id: 3, sentAt: at(2026, 3, 2, 0, 0) },
      { id: 4, sentAt: at(2026, 3, 5, 8) },
    ];
    const rows = withDaySeparators(messages);
    expect(rows.map((row) => row.key)).toEqual([`d${at(2026, 3, 1, 0)}`, 'm1', 'm2', `d${at(2026, 3, 2, 0)}`, 'm3', `d${at(2026, 3, 5, 0)}`, 'm4']);
  });

  it('reuses the rows of messages it has seen, and matches a fresh computation after a prepend', () => {
    const first = [{ id: 10, sentAt: at(2026, 3, 3, 10) }, { id: 11, sentAt: at(2026, 3, 4, 1) }];
    const before = withDaySeparators(first);
    const older = [{ id: 8, sentAt: at(2026, 3, 2, 22) }, { id: 9, sentAt: at(2026, 3, 3, 0, 30) }];
    const after = withDaySeparators([...older, ...first]);
    expect(after.map((row) => row.key)).toEqual([`d${at(2026, 3, 2, 0)}`, 'm8', `d${at(2026, 3, 3, 0)}`, 'm9', 'm10', `d${at(2026, 3, 4, 0)}`, 'm11']);
    expect(after[4]).toBe(before[1]);
    expect(after[2]).toBe(before[0]);
    // Out of order times still get a separator each time the day changes.
    const back = withDaySeparators([first[1]!, first[0]!, first[1]!]);
    expect(back.filter((row) => row.kind === 'day')).toHaveLength(3);
  });

  it('has no rows for no messages', () => {
    expect(withDaySeparators([])).toEqual([]);
  });

  it('names today and yesterday, across a month boundary too', () => {
    const now = at(2026, 3, 1, 10);
    expect(dayName(startOfDay(now), now)).toEqual({ kind: 'today' });
    expect(dayName(startOfDay(at(2026, 2, 28, 22)), now)).toEqual({ kind: 'yesterday' });
    expect(dayName(startOfDay(at(2026, 2, 27)), now)).toEqual({ kind: 'date', dayStart: at(2026, 2, 27, 0) });
  });
});
