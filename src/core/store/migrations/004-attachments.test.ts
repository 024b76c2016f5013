import { describe, expect, it } from 'vitest';
import { describeDatabase, freshIndexedDB } from '../../../../test/fake-indexeddb.ts';
import { openParleyDatabase } from '../database.ts';
import { migration001Messaging } from './001-messaging.ts';
import { migration002Network } from './002-network.ts';
import { migration003Disappearing } from './003-disappearing.ts';
import { migration004Attachments } from './004-attachments.ts';

describe('migration 004: attachments', () => {
  it('adds the attachmentData store keyed by [messageId, index] and changes nothing else', async () => {
    const indexedDB = freshIndexedDB();
    const v3 = [migration001Messaging, migration002Network, migration003Disappearing];
    (await openParleyDatabase({ indexedDB, migrations: v3 })).close();
    const before = await describeDatabase(indexedDB, 'parley');
    (await openParleyDatabase({ indexedDB, migrations: [...v3, migration004Attachments] })).close();
    const after = await describeDatabase(indexedDB, 'parley');
    expect(after.version).toBe(4);
    for (const [name, shape] of Object.entries(before.stores)) expect(after.stores[name]).toEqual(shape);
    expect(after.stores['attachmentData']).toEqual({ keyPath: ['messageId', 'index'], autoIncrement: false, indexes: {} });
  });
});
