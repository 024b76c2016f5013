/**
 * The arithmetic of a virtual list with rows of different heights: where each row starts, which
 * rows a viewport shows, and where to scroll so that the row the person was reading stays put when
 * rows are added above it or measured taller than guessed. No DOM here, so it is unit-tested.
 *
 * Rows are known by key; heights are remembered per key, so prepending older messages keeps every
 * measurement. Lookups by key go through a key→index map (rebuilt only when the rows change);
 * heights also sit in a typed array by index, so the prefix sum of offsets is recomputed from the
 * first changed row on with plain float additions and no hashing — a re-measured batch near the
 * bottom costs almost nothing, one near the top a few tens of microseconds for 50,000 rows.
 */
export interface VisibleRange {
  /** First row index to render (inclusive). */
  readonly start: number;
  /** Last row index to render (exclusive). */
  readonly end: number;
}

export interface ScrollAnchor {
  readonly key: string;
  /** How far the viewport's top is below the anchor row's top, in pixels. */
  readonly within: number;
}

export class VirtualLayout {
  #keys: readonly string[] = [];
  #heights = new Map<string, number>();
  /** key → index − `#indexShift`; an entry is trusted only when `#keys` has that key there. */
  #indexOf = new Map<string, number>();
  #indexShift = 0;
  /** Heights by index (measured, or the estimate), parallel to `#keys`. */
  #rowHeights = new Float64Array(0);
  #offsets = new Float64Array(1);
  /** Offsets up to and including this index are correct; later ones are recomputed on demand. */
  #validUpTo = 0;

  constructor(readonly estimate: number) {
    if (!(estimate > 0)) throw new RangeError('estimate must be positive');
  }

  get count(): number {
    return this.#keys.length;
  }

  /** Replaces the rows (keys in display order); heights of known keys are kept, gone keys forgotten. */
  setKeys(keys: readonly string[]): void {
    const before = this.#keys;
    const beforeHeights = this.#rowHeights;
    const n = keys.length;
    this.#keys = keys;
    if (this.#rowHeights.length !== n) this.#rowHeights = new Float64Array(n);
    if (this.#offsets.length !== n + 1) this.#offsets = new Float64Array(n + 1);
    this.#validUpTo = 0;
    // Rows added above (older messages), or below, leave a run of the old keys in place, only
    // moved by `shift`: their heights are copied by index and their map entries kept. Only the
    // rows outside that run are looked up — a page, not the whole list.
    const shift = n - before.length;
    let kept = 0;
    if (shift >= 0 && before.length > 0) {
      for (let j = before.length - 1; j >= 0 && keys[j + shift] === before[j]; j--) kept++;
    }
    if (kept === 0) {
      this.#indexOf = new Map();
      this.#indexShift = 0;
      for (let i = 0; i < n; i++) {
        const key = keys[i]!;
        this.#indexOf.set(key, i);
        this.#rowHeights[i] = this.#heights.get(key) ?? this.estimate;
      }
    } else {
      const firstKept = n - kept;
      this.#rowHeights.set(beforeHeights.subarray(before.length - kept), firstKept);
      this.#indexShift += shift;
      for (let i = 0; i < firstKept; i++) {
        const key = keys[i]!;
        this.#indexOf.set(key, i - this.#indexShift);
        this.#rowHeights[i] = this.#heights.get(key) ?? this.estimate;
      }
    }
    if (this.#heights.size > n * 2) {
      const keep = new Set(keys);
      for (const key of this.#heights.keys()) if (!keep.has(key)) this.#heights.delete(key);
    }
  }

  /** Records a row's measured height; returns true when it differs from what was assumed. */
  setHeight(key: string, height: number): boolean {
    if (!(height >= 0)) return false;
    const before = this.#heights.get(key);
    if (before === height) return false;
    this.#heights.set(key, height);
    const index = this.indexOfKey(key);
    if (index >= 0 && this.#rowHeights[index] !== height) {
      this.#rowHeights[index] = height;
      // offsets[index] (the row's own top) still holds; everything after it moves.
      if (index < this.#validUpTo) this.#validUpTo = index;
    }
    return true;
  }

  heightOf(index: number): number {
    return index >= 0 && index < this.#keys.length ? this.#rowHeights[index]! : 0;
  }

  /** The top of row `index`; `offsetOf(count)` is the total height. */
  offsetOf(index: number): number {
    const clamped = Math.max(0, Math.min(index, this.#keys.length));
    this.#rebuild(clamped);
    return this.#offsets[clamped]!;
  }

  get totalHeight(): number {
    return this.offsetOf(this.#keys.length);
  }

  indexOfKey(key: string): number {
    const ordinal = this.#indexOf.get(key);
    if (ordinal === undefined) return -1;
    const index = ordinal + this.#indexShift;
    if (this.#keys[index] === key) return index;
    // A stale entry (the key left, or moved other than by the last shift): check every row.
    const found = this.#keys.indexOf(key);
    if (found < 0) this.#indexOf.delete(key);
    else this.#indexOf.set(key, found - this.#indexShift);
    return found;
  }

  /** The row under pixel `y` (binary search over the offsets); clamped to the rows there are. */
  indexAt(y: number): number {
    const n = this.#keys.length;
    this.#rebuild(n);
    if (n === 0) return 0;
    let low = 0;
    let high = n - 1;
    while (low < high) {
      const mid = (low + high + 1) >>> 1;
      if (this.#offsets[mid]! <= y) low = mid;
      else high = mid - 1;
    }
    return low;
  }

  /** Rows that intersect [scrollTop, scrollTop + viewport), widened by `overscan` rows each side. */
  visibleRange(scrollTop: number, viewport: number, overscan = 4): VisibleRange {
    const n = this.#keys.length;
    if (n === 0) return { start: 0, end: 0 };
    const first = this.indexAt(Math.max(0, scrollTop));
    const last = this.indexAt(Math.max(0, scrollTop + viewport)) + 1;
    return { start: Math.max(0, first - overscan), end: Math.min(n, last + overscan) };
  }

  /**
   * What the person is reading: the row at the viewport's top (`y` may be negative when something
   * above the rows is in view) and how far into it they are. With `usable`, rows it refuses are
   * passed over for the next one: a day separator's key stays the same when older messages of that
   * day come in above, so it would anchor to the wrong place (`within` is then negative).
   */
  anchorAt(y: number, usable?: (index: number) => boolean): ScrollAnchor | null {
    const n = this.#keys.length;
    if (n === 0) return null;
    let index = this.indexAt(Math.max(0, y));
    if (usable !== undefined) {
      while (index < n - 1 && !usable(index)) index++;
      if (!usable(index)) return null;
    }
    return { key: this.#keys[index]!, within: y - this.offsetOf(index) };
  }

  /** The scrollTop that puts the anchor back where it was, after rows changed; null if it is gone. */
  scrollTopFor(anchor: ScrollAnchor): number | null {
    const index = this.indexOfKey(anchor.key);
    if (index < 0) return null;
    return this.offsetOf(index) + anchor.within;
  }

  /** Brings the offsets up to date as far as index `upTo`. */
  #rebuild(upTo: number): void {
    if (upTo <= this.#validUpTo) return;
    const offsets = this.#offsets;
    const heights = this.#rowHeights;
    let sum = offsets[this.#validUpTo]!;
    for (let i = this.#validUpTo; i < upTo; i++) {
      sum += heights[i]!;
      offsets[i + 1] = sum;
    }
    this.#validUpTo = upTo;
  }
}
