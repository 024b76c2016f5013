import { describe, expect, it } from 'vitest';
import { VirtualLayout } from './virtual-layout.ts';

const keys = (n: number, prefix = 'k'): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe('VirtualLayout', () => {
  it('places unmeasured rows at the estimate', () => {
    const layout = new VirtualLayout(40);
    layout.setKeys(keys(10));
    expect(layout.offsetOf(0)).toBe(0);
    expect(layout.offsetOf(3)).toBe(120);
    expect(layout.totalHeight).toBe(400);
  });

  it('moves every later row when one is measured', () => {
    const layout = new VirtualLayout(40);
    layout.setKeys(keys(5));
    expect(layout.setHeight('k1', 100)).toBe(true);
    expect(layout.setHeight('k1', 100)).toBe(false);
    expect(layout.offsetOf(1)).toBe(40);
    expect(layout.offsetOf(2)).toBe(140);
    expect(layout.totalHeight).toBe(260);
  });

  it('finds the row under a pixel, at row edges too', () => {
    const layout = new VirtualLayout(10);
    layout.setKeys(keys(4));
    layout.setHeight('k2', 50); // rows: [0,10) [10,20) [20,70) [70,80)
    expect(layout.indexAt(0)).toBe(0);
    expect(layout.indexAt(9.5)).toBe(0);
    expect(layout.indexAt(10)).toBe(1);
    expect(layout.indexAt(69)).toBe(2);
    expect(layout.indexAt(70)).toBe(3);
    expect(layout.indexAt(10_000)).toBe(3);
    expect(layout.indexAt(-5)).toBe(0);
  });

  it('renders only the rows in view plus the overscan', () => {
    const layout = new VirtualLayout(20);
    layout.setKeys(keys(50_000));
    expect(layout.visibleRange(20 * 1000, 200, 2)).toEqual({ start: 998, end: 1013 });
    expect(layout.visibleRange(0, 100, 3)).toEqual({ start: 0, end: 9 });
    const end = layout.visibleRange(layout.totalHeight - 100, 100, 3);
    expect(end.end).toBe(50_000);
    expect(new VirtualLayout(20).visibleRange(0, 100)).toEqual({ start: 0, end: 0 });
  });

  it('keeps the reading position when older rows are prepended', () => {
    const layout = new VirtualLayout(30);
    layout.setKeys(keys(100));
    layout.setHeight('k10', 90);
    const anchor = layout.anchorAt(layout.offsetOf(10) + 15);
    expect(anchor).toEqual({ key: 'k10', within: 15 });
    layout.setKeys([...keys(50, 'old'), ...keys(100)]);
    // 50 older rows of 30 px each now sit above: the anchor row moved down by 1500 px.
    expect(layout.scrollTopFor(anchor!)).toBe(50 * 30 + 10 * 30 + 15);
  });

  it('keeps the reading position when a row above is measured taller than guessed', () => {
    const layout = new VirtualLayout(30);
    layout.setKeys(keys(20));
    const anchor = layout.anchorAt(300)!;
    expect(anchor.key).toBe('k10');
    layout.setHeight('k2', 130);
    expect(layout.scrollTopFor(anchor)).toBe(400);
  });

  it('anchors to the next usable row, and before the first row too', () => {
    const layout = new VirtualLayout(20);
    layout.setKeys(['day', 'm5', 'm6']);
    const anchor = layout.anchorAt(-30, (index) => index > 0);
    expect(anchor).toEqual({ key: 'm5', within: -50 });
    // Older messages of the same day arrive: the day row stays first, m5 moves down by two rows.
    layout.setKeys(['day', 'm3', 'm4', 'm5', 'm6']);
    expect(layout.scrollTopFor(anchor!)).toBe(-50 + 60);
    expect(layout.anchorAt(0, () => false)).toBeNull();
  });

  it('remembers heights by key, not position, and forgets a gone anchor', () => {
    const layout = new VirtualLayout(10);
    layout.setKeys(['a', 'b']);
    layout.setHeight('b', 77);
    layout.setKeys(['z', 'a', 'b']);
    expect(layout.heightOf(2)).toBe(77);
    expect(layout.scrollTopFor({ key: 'gone', within: 0 })).toBeNull();
  });

  it('agrees with a plain prefix sum after measurements in any order, above computed offsets too', () => {
    const layout = new VirtualLayout(25);
    const rows = keys(2_000);
    layout.setKeys(rows);
    const heights = rows.map(() => 25);
    let seed = 7;
    const next = (): number => (seed = (seed * 48_271) % 2_147_483_647);
    for (let round = 0; round < 300; round++) {
      const index = next() % rows.length;
      const height = 10 + (next() % 90);
      layout.setHeight(rows[index]!, height);
      heights[index] = height;
      // Read somewhere, so later changes land both above and below the computed part.
      const probe = next() % (rows.length + 1);
      const expected = heights.slice(0, probe).reduce((a, b) => a + b, 0);
      expect(layout.offsetOf(probe)).toBe(expected);
    }
    expect(layout.totalHeight).toBe(heights.reduce((a, b) => a + b, 0));
    expect(layout.indexOfKey('k1234')).toBe(1234);
    expect(layout.indexOfKey('nope')).toBe(-1);
    // A prepend re-indexes every key and keeps every height.
    layout.setKeys([...keys(3, 'new'), ...rows]);
    expect(layout.indexOfKey('k1234')).toBe(1237);
    expect(layout.heightOf(1237)).toBe(heights[1234]);
    expect(layout.totalHeight).toBe(75 + heights.reduce((a, b) => a + b, 0));
  });

  it('keeps heights and lookups right through prepends, appends, a moved first row and removals', () => {
    const layout = new VirtualLayout(10);
    const heightOf = new Map<string, number>();
    const check = (rows: string[]): void => {
      layout.setKeys(rows);
      let top = 0;
      rows.forEach((key, index) => {
        expect(layout.indexOfKey(key)).toBe(index);
        expect(layout.offsetOf(index)).toBe(top);
        top += heightOf.get(key) ?? 10;
      });
      expect(layout.totalHeight).toBe(top);
    };
    const measure = (key: string, height: number): void => {
      layout.setHeight(key, height);
      heightOf.set(key, height);
    };
    check(['day', 'm5', 'm6']);
    measure('day', 30);
    measure('m6', 70);
    check(['day', 'm3', 'm4', 'm5', 'm6']); // older messages of the same day: the day row stays first
    measure('m3', 15);
    check(['day0', 'm1', 'day', 'm3', 'm4', 'm5', 'm6', 'm7']); // both ends at once: no run kept
    check(['day0', 'm1', 'day', 'm3', 'm4', 'm5', 'm6', 'm7', 'm8']);
    measure('m8', 44);
    check(['day', 'm4', 'm5', 'm6', 'm7', 'm8']); // rows gone (a shorter list)
    expect(layout.indexOfKey('m1')).toBe(-1);
    expect(layout.scrollTopFor({ key: 'm3', within: 0 })).toBeNull();
    check(['m9', 'day', 'm4', 'm5', 'm6', 'm7', 'm8']);
    expect(layout.heightOf(6)).toBe(44);
  });

  it('refuses a non-positive estimate', () => {
    expect(() => new VirtualLayout(0)).toThrow(RangeError);
  });
});
