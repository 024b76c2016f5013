import type { Migration } from './types.ts';

/**
 * Version 3: disappearing messages (docs/disappearing.md). Two message indexes, both sparse: a
 * record without the key path (or with `null`, which is no valid key) is left out, so they hold
 * only the messages they are about.
 */
export const migration003Disappearing: Migration = (db, tx) => {
  const messages = tx.objectStore('messages');
  // Messages whose timer runs: the expiry scheduler takes the earliest, and what is due.
  messages.createIndex('by-expiresAt', 'expiresAt');
  // Delete-after-read messages not read yet, by conversation: markRead starts their timers.
  messages.createIndex('by-awaitingRead', 'awaitingRead');
  // Deletes and expiry changes for our own swarm not yet taken by it (services/own-swarm.ts).
  db.createObjectStore('swarmChores', { keyPath: 'id', autoIncrement: true });
};
