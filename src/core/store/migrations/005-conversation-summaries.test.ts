import { describe, expect, it } from 'vitest';
import { describeDatabase, freshIndexedDB } from '../../../../test/fake-indexeddb.ts';
import { summaryOf } from '../conversation-summary.ts';
import { openParleyDatabase } from '../database.ts';
import type { MessageRecord } from '../schema.ts';
import { migration001Messaging } from './001-messaging.ts';
import { migration002Network } from './002-network.ts';
import { migration003Disappearing } from './003-disappearing.ts';
import { migration004Attachments } from './004-attachments.ts';
import { migration005ConversationSummaries } from './005-conversation-summaries.ts';

const ME = '05' + 'ee'.repeat(32);
const peer = (n: number) => '05' + n.toString(16).padStart(2, '0').repeat(32);
const V4 = [migration001Messaging, migration002Network, migration003Disappearing, migration004Attachments];

/** Version-4 records, written through a loosely typed handle (the current types require the summary). */
type Loose = { put(store: string, value: object): Promise<unknown>; add(store: string, value: object): Promise<unknown> };

describe('migration 005: conversation summaries', () => {
  it('changes no store or index', async () => {
    const indexedDB = freshIndexedDB();
    (await openParleyDatabase({ indexedDB, migrations: V4 })).close();
    const before = await describeDatabase(indexedDB, 'parley');
    (await openParleyDatabase({ indexedDB, migrations: [...V4, migration005ConversationSummaries] })).close();
    const after = await describeDatabase(indexedDB, 'parley');
    expect(after).toEqual({ ...before, version: 5 });
  });

  it('fills every conversation of a version-4 database with its newest message, as the current code computes it', async () => {
    const indexedDB = freshIndexedDB();
    const v4 = await openParleyDatabase({ indexedDB, migrations: V4 });
    const loose = v4 as unknown as Loose;
    const conversation = (id: string, at: number) => ({ id, displayName: null, createdAt: at, lastMessageAt: at, unreadCount: 0 });
    const common = { swarmHashes: [], expiresAt: null };
    for (const n of [1, 2, 3, 4, 5]) await loose.put('conversations', conversation(peer(n), 1000));
    // 1: an old record without `kind`, then a newer outgoing one; equal times are ordered by id.
    await loose.add('messages', { ...common, direction: 'incoming', conversationId: peer(1), senderSessionId: peer(1), sentAt: 1000, receivedAt: 1000, body: 'old' });
    await loose.add('messages', { ...common, direction: 'outgoing', conversationId: peer(1), senderSessionId: ME, sentAt: 3000, receivedAt: 3000, body: 'newest', status: 'failed', failureCode: 'network_offline', kind: 'text' });
    await loose.add('messages', { ...common, direction: 'incoming', conversationId: peer(1), senderSessionId: peer(1), sentAt: 2000, receivedAt: 2000, body: 'middle' });
    // 2: a tombstone and a long body in another conversation; 3: ties on sentAt; 4: no messages.
    await loose.add('messages', { ...common, direction: 'incoming', conversationId: peer(2), senderSessionId: peer(2), sentAt: 1000, receivedAt: 1000, body: 'y'.repeat(500) });
    await loose.add('messages', { ...common, direction: 'incoming', conversationId: peer(2), senderSessionId: peer(2), sentAt: 1500, receivedAt: 1500, body: '', kind: 'unsent', disappearing: null });
    await loose.add('messages', { ...common, direction: 'incoming', conversationId: peer(3), senderSessionId: peer(3), sentAt: 1000, receivedAt: 1000, body: 'first' });
    await loose.add('messages', { ...common, direction: 'outgoing', conversationId: peer(3), senderSessionId: ME, sentAt: 1000, receivedAt: 1000, body: 'long '.repeat(100), status: 'sent', failureCode: null });
    // 5: a message that is only a voice message and a photo (the list must be able to say so).
    const file = { size: 3, width: null, height: null, state: 'available', failureCode: null, source: null };
    await loose.add('messages', {
      ...common, direction: 'incoming', conversationId: peer(5), senderSessionId: peer(5), sentAt: 1000, receivedAt: 1000, body: '', kind: 'text',
      attachments: [{ ...file, contentType: 'audio/ogg', fileName: 'v.ogg', voiceMessage: true }, { ...file, contentType: 'image/png', fileName: 'p.png', voiceMessage: false }],
    });
    v4.close();

    const v5 = await openParleyDatabase({ indexedDB, migrations: [...V4, migration005ConversationSummaries] });
    try {
      const messages = await v5.getAll('messages');
      const newest = (id: string): MessageRecord =>
        messages.filter((m) => m.conversationId === id).sort((a, b) => a.sentAt - b.sentAt || a.id - b.id).at(-1)!;
      const byId = new Map((await v5.getAll('conversations')).map((c) => [c.id, c]));
      expect(byId.get(peer(1))).toEqual({ ...conversation(peer(1), 1000), lastMessage: summaryOf(newest(peer(1))) });
      expect(byId.get(peer(1))?.lastMessage).toMatchObject({ excerpt: 'newest', status: 'failed', direction: 'outgoing' });
      expect(byId.get(peer(2))?.lastMessage).toEqual(summaryOf(newest(peer(2))));
      expect(byId.get(peer(2))?.lastMessage).toMatchObject({ kind: 'unsent', excerpt: '' });
      expect(byId.get(peer(3))?.lastMessage).toEqual(summaryOf(newest(peer(3))));
      expect(byId.get(peer(3))?.lastMessage?.excerpt).toHaveLength(200);
      expect(byId.get(peer(4))).toEqual({ ...conversation(peer(4), 1000), lastMessage: null });
      expect(byId.get(peer(5))?.lastMessage).toEqual(summaryOf(newest(peer(5))));
      expect(byId.get(peer(5))?.lastMessage?.attachments).toEqual({ count: 2, firstFileName: 'v.ogg', firstContentType: 'audio/ogg', firstIsVoiceMessage: true });
      expect(byId.get(peer(1))?.lastMessage?.attachments).toBeNull();
      expect(await v5.count('messages')).toBe(8);
    } finally {
      v5.close();
    }
  });

  it('runs on a fresh database (nothing to fill)', async () => {
    const db = await openParleyDatabase({ indexedDB: freshIndexedDB() });
    expect(db.version).toBe(5);
    expect(await db.count('conversations')).toBe(0);
    db.close();
  });
});
