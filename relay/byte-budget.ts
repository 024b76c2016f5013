/**
 * The bytes of upstream answers the whole relay holds in memory at once. Each answer has its own cap
 * (limits.ts); this one bounds their sum, so that many clients asking for large answers together
 * cannot exhaust the relay's memory. An answer that does not fit is dropped with its connection.
 */
export class ByteBudget {
  private held = 0;

  constructor(readonly capacity: number) {}

  /** Takes `bytes` if they fit; false (and nothing taken) when they do not. */
  take(bytes: number): boolean {
    if (this.held + bytes > this.capacity) return false;
    this.held += bytes;
    return true;
  }

  give(bytes: number): void {
    this.held = Math.max(0, this.held - bytes);
  }

  get inUse(): number {
    return this.held;
  }
}
