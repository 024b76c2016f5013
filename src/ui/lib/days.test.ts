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
