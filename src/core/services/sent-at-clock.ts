/**
 * The sentAt of our own messages: network time, made strictly increasing per account. (sender,
 * sentAt) is a message's identity on every device and the key of the messages store's dedup index,
 * so two messages sent in the same millisecond, or after the clock stepped back, must not share one.
 *
 * The last value is seeded from the database — the newest message with us as sender, which also
 * covers sync copies of what our other devices sent — so a reload does not forget it.
 */
import type { ParleyDB } from '../store/index.ts';
import { keyRange } from '../store/idb-env.ts';
import { storageCall } from '../store/storage-errors.ts';

export class SentAtClock {
  private account: string | undefined;
  private last = 0;

  constructor(
    private readonly db: ParleyDB,
    private readonly now: () => number,
  ) {}

  /**
   * The next sentAt for `sessionId`. Callers must not run two `next` at once for one account
   * (the outbox queues one message at a time), else both could read the same seed.
   */
  async next(sessionId: string): Promise<number> {
    if (this.account !== sessionId) {
      this.last = await latestSentAtBy(this.db, sessionId);
      this.account = sessionId;
    }
    return this.take(this.now());
  }

  /** The next value after a collision, without asking the clock again. */
  bump(): number {
    return this.take(this.last + 1);
  }

  private take(candidate: number): number {
    this.last = Math.max(candidate, this.last + 1);
    return this.last;
  }
}

/** The newest sentAt of any message sent by `sessionId` (ours, or a sync copy of ours); 0 if none. */
export async function latestSentAtBy(db: ParleyDB, sessionId: string): Promise<number> {
  return storageCall('latestSentAtBy', async () => {
    const range = keyRange().bound([sessionId, 0], [sessionId, Number.MAX_SAFE_INTEGER]);
    const cursor = await db.transaction('messages').store.index('by-sender-sentAt').openKeyCursor(range, 'prev');
    const key = cursor?.key;
    return key === undefined ? 0 : key[1];
  });
}
