/**
 * Auto-lock: after the chosen minutes without use, the account locks (the seed leaves memory and
 * messaging pauses until the passphrase is typed again). Only the page sees the person's input, so
 * the page keeps time; tabs share their last activity through localStorage (a timestamp, nothing
 * secret) so that working in one tab keeps another from locking the shared engine.
 */

export interface IdleLockHost {
  now(): number;
  /** The latest activity any tab recorded, or 0. */
  readShared(): number;
  writeShared(at: number): void;
  /** Minutes of idleness allowed now, or null when auto-lock is off (no passphrase, no setting, locked). */
  limitMinutes(): number | null;
  lock(): void;
}

/** How often a tab records activity to the shared clock: a busy pointer must not hammer storage. */
const WRITE_EVERY_MS = 5_000;

export class IdleLock {
  #host: IdleLockHost;
  #lastLocal: number;
  #lastWritten = 0;
  #locking = false;

  constructor(host: IdleLockHost) {
    this.#host = host;
    this.#lastLocal = host.now();
  }

  /** The person did something on this page. */
  activity(): void {
    const now = this.#host.now();
    this.#lastLocal = now;
    this.#locking = false;
    if (now - this.#lastWritten >= WRITE_EVERY_MS) {
      this.#lastWritten = now;
      this.#host.writeShared(now);
    }
  }

  /** Locks if the limit has passed since the last activity in any tab; returns ms until the next check is due. */
  check(): number | null {
    const limit = this.#host.limitMinutes();
    if (limit === null) return null;
    const last = Math.max(this.#lastLocal, this.#host.readShared());
    const left = last + limit * 60_000 - this.#host.now();
    if (left > 0) return left;
    if (!this.#locking) {
      this.#locking = true;
      this.#host.lock();
    }
    return null;
  }
}
