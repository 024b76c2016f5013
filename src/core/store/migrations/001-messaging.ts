import type { Migration } from './types.ts';

/** Version 1: the account, conversations, messages, the outbox, seen swarm hashes and settings. */
export const migration001Messaging: Migration = (db) => {
  db.createObjectStore('account', { keyPath: 'id' });

  const conversations = db.createObjectStore('conversations', { keyPath: 'id' });
  conversations.createIndex('by-lastMessageAt', 'lastMessageAt');

  const messages = db.createObjectStore('messages', { keyPath: 'id', autoIncrement: true });
  messages.createIndex('by-conversation-sentAt', ['conversationId', 'sentAt']);
  // The application-level duplicate check (client-protocol.md §5.4, layer 4): one message per
  // (sender, envelope timestamp), however many swarm hashes it arrives under.
  messages.createIndex('by-sender-sentAt', ['senderSessionId', 'sentAt'], { unique: true });
  // Only outgoing messages have a status, so this index is the send queue's view of the messages.
  messages.createIndex('by-status', 'status');

  const outbox = db.createObjectStore('outbox', { keyPath: 'messageId' });
  // Entries that gave up have nextAttemptAt null, which is no valid key: they drop out of the index.
  outbox.createIndex('by-nextAttemptAt', 'nextAttemptAt');

  const seenHashes = db.createObjectStore('seenHashes', { keyPath: 'hash' });
  seenHashes.createIndex('by-expiresAt', 'expiresAt');

  db.createObjectStore('settings', { keyPath: 'key' });
};
