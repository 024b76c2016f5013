/**
 * Which tab's worker runs the engine: the one holding an exclusive Web Lock. The lock is held for
 * the worker's lifetime; when its tab closes the browser releases it and the next waiting worker
 * takes over. A worker that waits is a follower meanwhile (tab-forwarding.ts).
 */
import { LEADER_LOCK_NAME } from '../shared/tab-channel.ts';

/** The part of the Web Locks API used here (navigator.locks in browsers). */
export interface LockManagerLike {
  request(name: string, options: { mode: 'exclusive' }, callback: () => Promise<unknown>): Promise<unknown>;
}


/**
 * Calls `lead` once this worker holds the lock, and keeps holding it until the worker ends.
 * `lead`'s failure releases the lock so another tab can try.
 */
export function awaitLeadership(locks: LockManagerLike, lead: () => Promise<void>): Promise<unknown> {
  return locks.request(LEADER_LOCK_NAME, { mode: 'exclusive' }, async () => {
    await lead();
    await new Promise<never>(() => undefined);
  });
}
