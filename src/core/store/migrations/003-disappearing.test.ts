import { describe, expect, it } from 'vitest';
import { describeDatabase, freshIndexedDB } from '../../../../test/fake-indexeddb.ts';
import { openParleyDatabase } from '../database.ts';
import { migration001Messaging } from './001-messaging.ts';
import { migration002Network } from './002-network.ts';
import { migration003Disappearing } from './003-disappearing.ts';

const PEER = '05' + 'a'.repeat(64);

describe('migration 003: disappearing messages', () => {
  it('adds the two sparse message indexes and the swarm chores store, and changes nothing else', async () => {
    const indexedDB = freshIndexedDB();
    (await openParleyDatabase({ indexedDB, migrations: [migration001Messaging, migration002Network] })).close();
    const before = await describeDatabase(indexedDB, 'parley');
    (await openParleyDatabase({ indexedDB, migrations: [migration001Messaging, migration002Network, migration003Disappearing] })).close();
    const after = await describeDatabase(indexedDB, 'parley');
    expect(after.version).toBe(3);
    for (const [name, shape] of Object.entries(before.stores)) if (name !== 'messages') expect(after.stores[name]).toEqual(shape);
    expect(after.stores['swarmChores']).toEqual({ keyPath: 'id', autoIncrement: true, indexes: {} });
    expect(after.stores['messages']!.indexes).toEqual({
      ...before.stores['messages']!.indexes,
      'by-expiresAt': { keyPath: 'expiresAt', unique: false, multiEntry: false },
      'by-awaitingRead': { keyPath: 'awaitingRead', unique: false, multiEntry: false },
    });
  });

  it('a message written at version 2 (expiresAt null) is in neither index', async () => {
    const indexedDB = freshIndexedDB();
    const v2 = await openParleyDatabase({ indexedDB, migrations: [migration001Messaging, migration002Network] });
    const old = { direction: 'incoming', conversationId: PEER, senderSessionId: PEER, sentAt: 1, receivedAt: 1, body: 'x', swarmHashes: [], expiresAt: null };
    await (v2 as unknown as { add(store: string, value: object): Promise<unknown> }).add('messages', old);
    v2.close();
    const v3 = await openParleyDatabase({ indexedDB, migrations: [migration001Messaging, migration002Network, migration003Disappearing] });
    expect(await v3.countFromIndex('messages', 'by-expiresAt')).toBe(0);
    expect(await v3.countFromIndex('messages', 'by-awaitingRead')).toBe(0);
    expect(await v3.count('messages')).toBe(1);
    v3.close();
  });
});
