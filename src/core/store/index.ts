/** The core's IndexedDB storage: open the database, then use the repositories on it. */
export { openParleyDatabase, wipeAllData, DEFAULT_DATABASE_NAME } from './database.ts';
export type { ParleyDB, OpenParleyDatabaseOptions, ClosedReason } from './database.ts';
export type { IndexedDBFactory } from './idb-env.ts';
export { SCHEMA_VERSION } from './migrations/index.ts';
export type * from './schema.ts';
export { ACCOUNT_KEY, OUTGOING_STATUSES } from './schema.ts';
export * from './account-repo.ts';
export {
  getConversation,
  listConversations,
  ensureConversation,
  setConversationDisplayName,
  markConversationRead,
} from './conversations-repo.ts';
export type { ConversationUpdate } from './conversations-repo.ts';
export {
  insertMessage,
  recordIncomingMessage,
  getMessage,
  findMessageBySender,
  pageConversation,
  listOutgoingByStatus,
  countOutgoingByStatus,
  MAX_BODY_LENGTH,
} from './messages-repo.ts';
export type { InsertResult, PageCursor, IncomingMessageWrite } from './messages-repo.ts';
export * from './outbox-repo.ts';
export { markSeen, markSeenEach, filterUnseen, pruneSeenHashes } from './seen-hashes-repo.ts';
export { createNetStore, pruneLastHashes } from './net-store.ts';
export type { NetStoreOptions } from './net-store.ts';
export * from './settings-repo.ts';
export * from './disappearing-repo.ts';
export { MESSAGE_KINDS } from './schema.ts';
export * from './attachments-repo.ts';
