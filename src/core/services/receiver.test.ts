import fc from 'fast-check';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { expectCode } from '../../../test/expect-code.ts';
import { makeContext, type TestContext } from '../../../test/services-fixture.ts';
import { randomIdentity } from '../../../test/identities.ts';
import { toBase64Unpadded } from '../../../wasm/bytes.ts';
import type { Identity } from '../../../wasm/identity.ts';
import { padMessage } from '../../../wasm/padding.ts';
import { encryptMessage } from '../../../wasm/session-protocol.ts';
import { ready, sodium } from '../../../wasm/sodium.ts';
import { boundedExpiry } from '../net/storage-limits.ts';
import type { RetrievedMessage } from '../net/storage-client.ts';
import type { Content } from '../protocol/content.ts';
import { wrapForRecipient } from '../protocol/message-pipeline.ts';
import { encodeContent, encodeEnvelope, encodeWebSocketMessage } from '../protocol/messages.ts';
import { getConversation, pageConversation } from '../store/index.ts';
import { classify, profileName, Receiver } from './receiver.ts';

const NOW = 1_750_000_000_000;
const DAY = 24 * 3600_000;
const EXPIRES = NOW + 14 * DAY;
/** The seen hash outlives the swarm's expiry by a day (SEEN_HASH_MARGIN_MS). */
const SEEN_UNTIL = EXPIRES + DAY;

let me: Identity;
let alice: Identity;
let bob: Identity;
let open: TestContext[] = [];

beforeAll(async () => {
  await ready();
  me = randomIdentity();
  alice = randomIdentity();
  bob = randomIdentity();
});

afterEach(() => {
  for (const t of open) t.close();
  open = [];
});

async function setup(clock: () => number = () => NOW): Promise<{ t: TestContext; receiver: Receiver }> {
  const t = await makeContext({ identity: me, clock });
  open.push(t);
  return { t, receiver: new Receiver(t.ctx) };
}

let hashCounter = 0;
/** A made-up swarm hash (43 base64 characters, as the server's). */
function newHash(): string {
  const bytes = new Uint8Array(32);
  bytes.set(sodium().randombytes_buf(28));
  new DataView(bytes.buffer).setUint32(28, ++hashCounter);
  return toBase64Unpadded(bytes);
}

function retrieved(data: Uint8Array, hash = newHash(), expiration = EXPIRES): RetrievedMessage {
  return { hash, data, timestamp: NOW, expiration };
}

function wrapped(from: Identity, to: Identity, content: Content, timestamp: number): Uint8Array {
  return wrapForRecipient({ content, sender: from, recipientSessionId: to.sessionId, timestamp }).data;
}

function text(from: Identity, body: string, timestamp: number, extra: Partial<Content['dataMessage']> = {}): RetrievedMessage {
  return retrieved(wrapped(from, me, { dataMessage: { body, ...extra } }, timestamp));
}

/** Sealed properly from `from` to `to` around arbitrary content bytes (no sigTimestamp rule applied). */
function sealedContent(from: Identity, to: Identity, contentBytes: Uint8Array, timestamp: number): Uint8Array {
  const content = encryptMessage(contentBytes, from, to.x25519PublicKey);
  return encodeWebSocketMessage({ type: 'request', request: { body: encodeEnvelope({ type: 'session_message', timestamp, content }) } });
}

/** The box opens with our key but the signature covers another recipient key (§2.2 step 4 fails). */
function badlySigned(from: Identity, timestamp: number): Uint8Array {
  const s = sodium();
  const padded = padMessage(encodeContent({ dataMessage: { body: 'forged' }, sigTimestamp: timestamp }));
  const signature = s.crypto_sign_detached(new Uint8Array([...padded, ...from.ed25519PublicKey, ...bob.x25519PublicKey]), from.ed25519SecretKey);
  const inner = new Uint8Array([...padded, ...from.ed25519PublicKey, ...signature]);
  const content = s.crypto_box_seal(inner, me.x25519PublicKey);
  return encodeWebSocketMessage({ type: 'request', request: { body: encodeEnvelope({ type: 'session_message', timestamp, content }) } });
}

describe('Receiver: real messages', () => {
  it('stores incoming messages in their sender conversation, in order, with unread counts and events', async () => {
    const { t, receiver } = await setup();
    const batch = [text(alice, 'one', NOW - 3000), text(bob, 'hello', NOW - 2500), text(alice, 'two', NOW - 2000)];
    const result = await receiver.receive(batch);
    expect(result).toEqual({ fetched: 3, alreadySeen: 0, stored: 3, duplicates: 0, junk: {}, ignored: {} });

    const fromAlice = await pageConversation(t.db, alice.sessionId);
    expect(fromAlice.map((m) => [m.body, m.direction, m.senderSessionId, m.sentAt, m.receivedAt])).toEqual([
      ['one', 'incoming', alice.sessionId, NOW - 3000, NOW],
      ['two', 'incoming', alice.sessionId, NOW - 2000, NOW],
    ]);
    expect(fromAlice[0]!.swarmHashes).toEqual([batch[0]!.hash]);
    expect(fromAlice[0]!.id).toBeLessThan(fromAlice[1]!.id);
    const conversation = await getConversation(t.db, alice.sessionId);
    expect(conversation).toMatchObject({ unreadCount: 2, lastMessageAt: NOW - 2000, displayName: null });
    expect((await getConversation(t.db, bob.sessionId))?.unreadCount).toBe(1);

    const added = t.events.filter((e) => e.type === 'message_added');
    expect(added.map((e) => (e.type === 'message_added' ? e.message.body : ''))).toEqual(['one', 'hello', 'two']);
    expect(t.events.filter((e) => e.type === 'conversation')).toHaveLength(3);
    expect(t.events.at(-1)).toMatchObject({ type: 'conversation', conversation: { id: alice.sessionId, unreadCount: 2 } });
    // Seen hashes were written with each message, with the swarm expiry.
    expect(await t.db.get('seenHashes', batch[1]!.hash)).toEqual({ hash: batch[1]!.hash, expiresAt: SEEN_UNTIL });
  });

  it('a sync copy from our other device is filed under syncTarget as outgoing, sent, not unread', async () => {
    const { t, receiver } = await setup();
    const copy = retrieved(wrapped(me, me, { dataMessage: { body: 'sent elsewhere', syncTarget: alice.sessionId, profile: { displayName: 'Me' } } }, NOW - 100));
    expect((await receiver.receive([copy])).stored).toBe(1);
    const [message] = await pageConversation(t.db, alice.sessionId);
    expect(message).toMatchObject({ direction: 'outgoing', status: 'sent', failureCode: null, senderSessionId: me.sessionId, body: 'sent elsewhere' });
    // Our own profile is not the peer's name.
    expect(await getConversation(t.db, alice.sessionId)).toMatchObject({ unreadCount: 0, displayName: null });
    expect(await pageConversation(t.db, me.sessionId)).toEqual([]);
  });

  it('our own message without syncTarget is a note to self (outgoing, in our own conversation)', async () => {
    const { t, receiver } = await setup();
    await receiver.receive([retrieved(wrapped(me, me, { dataMessage: { body: 'note' } }, NOW - 5))]);
    const [message] = await pageConversation(t.db, me.sessionId);
    expect(message).toMatchObject({ direction: 'outgoing', status: 'sent', conversationId: me.sessionId });
  });

  it('takes the sender display name from the profile (trimmed, at most 100 bytes)', async () => {
    const { t, receiver } = await setup();
    await receiver.receive([text(alice, 'hi', NOW - 10, { profile: { displayName: '  Alice  ' } })]);
    expect((await getConversation(t.db, alice.sessionId))?.displayName).toBe('Alice');
    await receiver.receive([text(bob, 'hi', NOW - 10, { profile: { displayName: 'é'.repeat(51) } })]);
    expect((await getConversation(t.db, bob.sessionId))?.displayName).toBeNull();
    expect(profileName({ profile: { displayName: 'é'.repeat(50) } })).toBe('é'.repeat(50));
    expect(profileName({ profile: { displayName: '   ' } })).toBeUndefined();
    expect(profileName({ body: 'x' })).toBeUndefined();
  });

  it('a message from the future does not move its conversation past now', async () => {
    const { t, receiver } = await setup();
    await receiver.receive([text(alice, 'from the future', NOW + 3600_000)]);
    expect((await getConversation(t.db, alice.sessionId))?.lastMessageAt).toBe(NOW);
    expect((await pageConversation(t.db, alice.sessionId))[0]?.sentAt).toBe(NOW + 3600_000);
  });
});

describe('Receiver: deduplication (client-protocol.md §5.4)', () => {
  it('a hash seen before is skipped, in a later batch and within one batch', async () => {
    const { t, receiver } = await setup();
    const message = text(alice, 'once', NOW - 10);
    expect((await receiver.receive([message, message])).stored).toBe(1);
    const again = await receiver.receive([message]);
    expect(again).toMatchObject({ fetched: 1, alreadySeen: 1, stored: 0, duplicates: 0 });
    expect(await pageConversation(t.db, alice.sessionId)).toHaveLength(1);
  });

  it('the same (sender, sentAt) under two different hashes is stored once and counted as a duplicate', async () => {
    const { t, receiver } = await setup();
    const first = text(alice, 'same message', NOW - 10);
    // Re-encrypted: other bytes, so another swarm hash, but the same identity.
    const second = text(alice, 'same message', NOW - 10);
    expect(second.data).not.toEqual(first.data);
    const result = await receiver.receive([first, second]);
    expect(result).toMatchObject({ stored: 1, duplicates: 1 });
    expect(await pageConversation(t.db, alice.sessionId)).toHaveLength(1);
    expect((await getConversation(t.db, alice.sessionId))?.unreadCount).toBe(1);
    // The duplicate's hash is marked too, so it is not opened again.
    expect(await t.db.get('seenHashes', second.hash)).toBeDefined();
    expect((await receiver.receive([second])).alreadySeen).toBe(1);
    expect(t.events.filter((e) => e.type === 'message_added')).toHaveLength(1);
    // The Core API's total counts both layers.
    expect(receiver.stats()).toMatchObject({ stored: 1, duplicates: 2 });
  });
});

describe('Receiver: junk is counted by code and never stops the messages after it', () => {
  it('every kind of junk between real messages', async () => {
    const { t, receiver } = await setup();
    const ts = NOW - 1000;
    const junk = {
      randomBytes: retrieved(new Uint8Array(64).fill(0xff)),
      envelopeNotProtobuf: retrieved(encodeWebSocketMessage({ type: 'request', request: { body: Uint8Array.of(0x0a, 0x09, 0x01) } })),
      garbageContent: retrieved(
        encodeWebSocketMessage({
          type: 'request',
          request: { body: encodeEnvelope({ type: 'session_message', timestamp: ts, content: sodium().randombytes_buf(300) }) },
        }),
      ),
      shortContent: retrieved(
        encodeWebSocketMessage({ type: 'request', request: { body: encodeEnvelope({ type: 'session_message', timestamp: ts, content: new Uint8Array(20) }) } }),
      ),
      sealedForSomeoneElse: retrieved(wrapped(alice, bob, { dataMessage: { body: 'for bob' } }, ts)),
      badSignature: retrieved(badlySigned(alice, ts)),
      syncFromSomeoneElse: retrieved(wrapped(alice, me, { dataMessage: { body: 'fake sync', syncTarget: bob.sessionId } }, ts)),
      sigTimestampMismatch: retrieved(sealedContent(alice, me, encodeContent({ dataMessage: { body: 'late' }, sigTimestamp: ts + 1 }), ts)),
      contentNotProtobuf: retrieved(sealedContent(alice, me, Uint8Array.of(0x0a, 0x05, 0x01), ts)),
      syncTargetNotASessionId: retrieved(wrapped(me, me, { dataMessage: { body: 'x', syncTarget: '15' + 'ab'.repeat(32) } }, ts)),
    };
    const real = [text(alice, 'r1', NOW - 900), text(bob, 'r2', NOW - 800), text(alice, 'r3', NOW - 700), text(alice, 'r4', NOW - 600)];
    const j = Object.values(junk);
    const batch = [j[0]!, real[0]!, j[1]!, j[2]!, real[1]!, j[3]!, j[4]!, j[5]!, real[2]!, j[6]!, j[7]!, j[8]!, j[9]!, real[3]!];

    const result = await receiver.receive(batch);
    expect(result.stored).toBe(4);
    expect(result.junk).toEqual({
      protobuf_malformed: 3,
      decrypt_failed: 3,
      signature_invalid: 1,
      message_rejected: 2,
      session_id_blinded: 1,
    });
    expect((await pageConversation(t.db, alice.sessionId)).map((m) => m.body)).toEqual(['r1', 'r3', 'r4']);
    expect((await pageConversation(t.db, bob.sessionId)).map((m) => m.body)).toEqual(['r2']);

    // Junk is marked seen with its expiry and never opened again.
    expect(await t.db.get('seenHashes', junk.badSignature.hash)).toEqual({ hash: junk.badSignature.hash, expiresAt: SEEN_UNTIL });
    const again = await receiver.receive(batch);
    expect(again).toMatchObject({ alreadySeen: batch.length, stored: 0, junk: {} });
    expect(receiver.stats()).toEqual({
      stored: 4,
      duplicates: batch.length,
      junk: result.junk,
      ignored: {},
    });
  });

  it('random bytes of any length never throw and are never stored', async () => {
    const { t, receiver } = await setup();
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 0, maxLength: 400 }), async (bytes) => {
        const result = await receiver.receive([retrieved(bytes)]);
        expect(result.stored).toBe(0);
        expect(Object.values(result.junk).reduce((a, b) => a + b, 0) + Object.values(result.ignored).reduce((a, b) => a + b, 0)).toBe(1);
      }),
      { numRuns: 60 },
    );
    expect(await t.db.count('messages')).toBe(0);
  });

  it('entries a node answered that were refused unopened are counted as junk (issue 9, hole 6)', async () => {
    const { receiver } = await setup();
    const result = await receiver.receive([text(alice, 'real', NOW - 5)], { refused: 3 });
    expect(result).toMatchObject({ stored: 1, junk: { retrieved_entry_refused: 3 } });
    await receiver.receive([], { refused: 2 });
    expect(receiver.stats().junk).toEqual({ retrieved_entry_refused: 5 });
    await expectCode(receiver.receive([], { refused: -1 }), 'invalid_argument', 'options.refused');
  });

  it('a bug of ours on one message (a non-ParleyError) is counted as internal and the rest go on', async () => {
    let calls = 0;
    let armed = false;
    const clock = () => {
      // The receiver reads the clock once per message: the second one meets the "bug".
      if (armed && ++calls === 2) throw new TypeError('boom');
      return NOW;
    };
    const { t, receiver } = await setup(clock);
    armed = true;
    const batch = [text(alice, 'a', NOW - 30), text(alice, 'b', NOW - 20), text(alice, 'c', NOW - 10)];
    const result = await receiver.receive(batch);
    expect(result).toMatchObject({ stored: 2, junk: { internal: 1 } });
    expect((await pageConversation(t.db, alice.sessionId)).map((m) => m.body)).toEqual(['a', 'c']);
  });

  it('a flood of junk is marked seen in a few writes, not one transaction per payload', async () => {
    const { t, receiver } = await setup();
    const flood = Array.from({ length: 500 }, (_, i) => retrieved(Uint8Array.of(0xff, i & 0xff, i >> 8), newHash(), EXPIRES + i));
    const real = text(alice, 'among the junk', NOW - 5);
    const writes = vi.spyOn(t.db, 'transaction');
    const result = await receiver.receive([...flood.slice(0, 250), real, ...flood.slice(250)]);
    const readwrite = writes.mock.calls.filter(([, mode]) => mode === 'readwrite').length;
    writes.mockRestore();
    expect(result).toMatchObject({ stored: 1, junk: { protobuf_malformed: 500 } });
    // 500 marks at most 200 to a write, plus the real message's own transaction.
    expect(readwrite).toBeLessThanOrEqual(4);
    expect(await t.db.get('seenHashes', flood[499]!.hash)).toEqual({ hash: flood[499]!.hash, expiresAt: boundedExpiry(EXPIRES + 499, NOW) });
    expect((await receiver.receive(flood)).alreadySeen).toBe(500);
  });

  it('junk judged before an abort stays marked', async () => {
    const { t, receiver } = await setup();
    const junk = retrieved(Uint8Array.of(0xff, 0xfe));
    const controller = new AbortController();
    const later = text(alice, 'later', NOW);
    // The abort comes once the junk has been judged, before the next message.
    const stop = vi.spyOn(receiver as unknown as { count: (outcome: unknown) => void }, 'count').mockImplementation(() => controller.abort());
    await expectCode(receiver.receive([junk, later], { signal: controller.signal }), 'aborted');
    stop.mockRestore();
    expect(await t.db.get('seenHashes', junk.hash)).toBeDefined();
    expect(await t.db.get('seenHashes', later.hash)).toBeUndefined();
  });

  it('a node giving no usable expiration still gets the hash marked (for the longest TTL, 14 days, and the margin)', async () => {
    const { t, receiver } = await setup();
    const message = retrieved(new Uint8Array([1, 2, 3]), newHash(), 1.5);
    await receiver.receive([message]);
    expect((await t.db.get('seenHashes', message.hash))?.expiresAt).toBe(SEEN_UNTIL);
  });

  it('a node cannot make a seen hash live for years, nor expire at once (issue 9, hole 6)', async () => {
    const { t, receiver } = await setup();
    const farFuture = text(alice, 'kept until 2100?', NOW - 10);
    const past = retrieved(new Uint8Array([9, 9]), newHash(), NOW - 3_600_000);
    const junkFarFuture = retrieved(new Uint8Array([7]), newHash(), Number.MAX_SAFE_INTEGER);
    await receiver.receive([{ ...farFuture, expiration: Date.UTC(2100, 0, 1) }, past, junkFarFuture]);
    // Stored with a visible message, or marked as junk: either way no later than now + 14 days + the margin…
    expect((await t.db.get('seenHashes', farFuture.hash))?.expiresAt).toBe(NOW + 15 * DAY);
    expect((await t.db.get('seenHashes', junkFarFuture.hash))?.expiresAt).toBe(NOW + 15 * DAY);
    // …and no earlier than now + the margin.
    expect((await t.db.get('seenHashes', past.hash))?.expiresAt).toBe(NOW + DAY);
  });
});

describe('Receiver: control messages are parsed, counted as ignored, and marked seen', () => {
  it('typing, receipts, an unsend for an unknown message, data extraction, reactions, bodiless data messages', async () => {
    const { t, receiver } = await setup();
    const ts = NOW - 50;
    const contents: Content[] = [
      { typingMessage: { timestamp: ts, action: 'started' } },
      { receiptMessage: { type: 'read', timestamps: [ts - 1000] } },
      { unsendRequest: { timestamp: ts - 1000, author: alice.sessionId } },
      { dataExtractionNotification: { type: 'screenshot', timestamp: ts } },
      { dataMessage: { reaction: { id: ts - 1000, author: me.sessionId, emoji: '👍', action: 'react' } } },
      { dataMessage: { body: '' } },
      { messageRequestResponse: { isApproved: true } },
      {},
    ];
    const batch = contents.map((content, i) => retrieved(wrapped(alice, me, content, ts + i)));
    const result = await receiver.receive(batch);
    expect(result.stored).toBe(0);
    expect(result.ignored).toEqual({
      typing: 1,
      receipt: 1,
      unsend: 1,
      data_extraction: 1,
      reaction: 1,
      no_body: 1,
      message_request_response: 1,
      unknown: 1,
    });
    expect(await getConversation(t.db, alice.sessionId)).toBeUndefined();
    expect((await receiver.receive(batch)).alreadySeen).toBe(batch.length);
    expect(receiver.stats().ignored).toEqual(result.ignored);
  });

  it('classify: a body wins over everything else', () => {
    expect(classify({ dataMessage: { body: 'x', flags: 2, reaction: { id: 1, author: 'a', action: 'react' } } }).kind).toBe('visible');
    // Attachments without text are a message (issue 11).
    expect(classify({ dataMessage: { attachments: [{ id: 1n } as never] } })).toMatchObject({ kind: 'visible', body: '' });
    expect(classify({ dataMessage: { attachments: [] } })).toEqual({ kind: 'ignored', ignored: 'no_body' });
  });
});

describe('Receiver: attachments (issue 11)', () => {
  it('stores the pointers with the message; a bad one fails alone; the view carries no key, digest or URL', async () => {
    const { t, receiver } = await setup();
    const key = new Uint8Array(64).fill(0x5a);
    const digest = new Uint8Array(32).fill(0x6b);
    const url = `http://filev2.getsession.org/file/${'Qm'.repeat(22)}`;
    const good = { id: 0n, contentType: 'image/jpeg', key, size: 1234, digest, fileName: 'beach.jpg', width: 800, height: 600, url };
    const voice = { id: 0n, contentType: 'audio/mpeg', key, size: 99, digest, fileName: 'voice.mp3', flags: 1, url };
    const noDigest = { id: 0n, contentType: 'application/pdf', key, size: 5, fileName: 'x.pdf', url };
    const message = text(alice, '', NOW - 100, { body: undefined, attachments: [good, voice, noDigest] });
    const result = await receiver.receive([message]);
    expect(result.stored).toBe(1);
    const [stored] = await pageConversation(t.db, alice.sessionId);
    expect(stored?.body).toBe('');
    expect(stored?.attachments?.map((a) => [a.state, a.failureCode, a.source?.scheme ?? null])).toEqual([
      ['available', null, 'legacy'],
      ['available', null, 'legacy'],
      ['failed', 'attachment_malformed', null],
    ]);
    expect(stored?.attachments?.[0]?.source?.key).toEqual(key);
    const added = t.events.find((e) => e.type === 'message_added');
    expect(added?.type === 'message_added' && added.message.attachments).toEqual([
      { index: 0, fileName: 'beach.jpg', contentType: 'image/jpeg', size: 1234, width: 800, height: 600, voiceMessage: false, state: 'available', progress: 0, failureCode: null },
      { index: 1, fileName: 'voice.mp3', contentType: 'audio/mpeg', size: 99, width: null, height: null, voiceMessage: true, state: 'available', progress: 0, failureCode: null },
      { index: 2, fileName: 'x.pdf', contentType: 'application/pdf', size: 5, width: null, height: null, voiceMessage: false, state: 'failed', progress: 0, failureCode: 'attachment_malformed' },
    ]);
    const json = JSON.stringify(added);
    expect(json).not.toContain('filev2');
    expect(json).not.toContain('"key"');
    expect(json).not.toContain('digest');
    expect((await getConversation(t.db, alice.sessionId))?.unreadCount).toBe(1);
  });

  it('a peer cannot spoil the message with overlong fields or too many pointers', async () => {
    const { t, receiver } = await setup();
    const base = { id: 0n, key: new Uint8Array(64), digest: new Uint8Array(32), size: 1, url: `http://filev2.getsession.org/file/${'Qm'.repeat(22)}` };
    const longName = { ...base, fileName: 'n'.repeat(5000), contentType: 't'.repeat(5000) };
    const longUrl = { ...base, url: `${base.url}#p=${'a'.repeat(2000)}` };
    const many = Array.from({ length: 40 }, () => base);
    await receiver.receive([text(alice, 'a', NOW - 100, { attachments: [longName, longUrl] }), text(alice, 'b', NOW - 99, { attachments: many })]);
    const [first, second] = await pageConversation(t.db, alice.sessionId);
    expect(first?.attachments?.[0]).toMatchObject({ state: 'available', fileName: 'n'.repeat(1000), contentType: 't'.repeat(1000) });
    expect(first?.attachments?.[1]).toMatchObject({ state: 'failed', failureCode: 'attachment_malformed' });
    expect(second?.attachments).toHaveLength(32);
  });

  it('a text message with attachments keeps its text as the body', async () => {
    const { t, receiver } = await setup();
    const pointer = { id: 0n, key: new Uint8Array(64), digest: new Uint8Array(32), size: 1, url: `http://filev2.getsession.org/file/${'Qm'.repeat(22)}` };
    await receiver.receive([text(alice, 'look at this', NOW - 100, { attachments: [pointer] })]);
    const [stored] = await pageConversation(t.db, alice.sessionId);
    expect(stored?.body).toBe('look at this');
    expect(stored?.attachments).toHaveLength(1);
  });
});

describe('Receiver: what it refuses or passes on', () => {
  it('checks its input', async () => {
    const { receiver } = await setup();
    await expectCode(receiver.receive('x' as never), 'invalid_argument', 'messages');
    await expectCode(receiver.receive([null as never]), 'invalid_argument', 'messages[0]');
    await expectCode(receiver.receive([{ hash: 1, data: new Uint8Array(1), timestamp: 1, expiration: 1 } as never]), 'invalid_argument', 'messages[0].hash');
    await expectCode(receiver.receive([{ hash: '', data: new Uint8Array(1), timestamp: 1, expiration: 1 }]), 'invalid_argument', 'messages[0].hash');
    await expectCode(receiver.receive([{ hash: 'h', data: [1] as never, timestamp: 1, expiration: 1 }]), 'invalid_argument', 'messages[0].data');
    await expectCode(receiver.receive([{ hash: 'h', data: new Uint8Array(1), timestamp: 1, expiration: '1' as never }]), 'invalid_argument', 'messages[0].expiration');
  });

  it('needs the unlocked account', async () => {
    const t = await makeContext({ clock: () => NOW });
    open.push(t);
    await expectCode(new Receiver(t.ctx).receive([text(alice, 'x', NOW)]), 'no_account');
  });

  it('a failing database stops the batch with its storage code (nothing is counted as junk)', async () => {
    const { t, receiver } = await setup();
    t.db.close();
    await expectCode(receiver.receive([text(alice, 'x', NOW)]), 'storage_closed');
    expect(receiver.stats().junk).toEqual({});
  });

  it('an aborted signal stops before the next message', async () => {
    const { receiver } = await setup();
    const controller = new AbortController();
    controller.abort();
    await expectCode(receiver.receive([text(alice, 'x', NOW)], { signal: controller.signal }), 'aborted');
  });
});
