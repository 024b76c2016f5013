/**
 * Failure counters with a threshold (network-protocol.md §4.5): desktop drops a service node after
 * 3 failures and a path after 3. Pure bookkeeping; what a reached threshold means is the caller's.
 */
export const SNODE_FAILURE_THRESHOLD = 3;
export const PATH_FAILURE_THRESHOLD = 3;

export class FailureCounter {
  private readonly counts = new Map<string, number>();

  constructor(readonly threshold: number) {
    if (!Number.isSafeInteger(threshold) || threshold < 1) throw new RangeError('threshold must be a positive integer');
  }

  /** Counts one failure; true when this one reaches the threshold (the key is then forgotten). */
  add(key: string): boolean {
    const count = (this.counts.get(key) ?? 0) + 1;
    if (count >= this.threshold) {
      this.counts.delete(key);
      return true;
    }
    this.counts.set(key, count);
    return false;
  }

  count(key: string): number {
    return this.counts.get(key) ?? 0;
  }

  reset(key: string): void {
    this.counts.delete(key);
  }

  clear(): void {
    this.counts.clear();
  }
}
