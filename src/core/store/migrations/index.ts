import { migration001Messaging } from './001-messaging.ts';
import { migration002Network } from './002-network.ts';
import { migration003Disappearing } from './003-disappearing.ts';
import { migration004Attachments } from './004-attachments.ts';
import { migration005ConversationSummaries } from './005-conversation-summaries.ts';
import type { Migration } from './types.ts';

export type { Migration } from './types.ts';

/**
 * Every migration in order; the database version is the length of this list. Rules: append only,
 * never edit or reorder a migration that has shipped, one file per migration with its own test.
 */
export const MIGRATIONS: readonly Migration[] = [migration001Messaging, migration002Network, migration003Disappearing, migration004Attachments, migration005ConversationSummaries];

export const SCHEMA_VERSION = MIGRATIONS.length;
