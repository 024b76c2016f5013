import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { errorOf, expectCode } from '../../../test/expect-code.ts';
import { randomIdentity } from '../../../test/identities.ts';
import type { Identity } from '../../../wasm/identity.ts';
import { ready } from '../../../wasm/sodium.ts';
import { openStoredMessage } from '../protocol/message-pipeline.ts';
import { buildOutgoingPayloads, checkMessageBody, MAX_MESSAGE_LENGTH, messageLength } from './outgoing-message.ts';

let me: Identity;
let bob: Identity;
const SENT_AT = 1_760_000_000_123;

beforeAll(async () => {
  await ready();
  me = randomIdentity();
  bob = randomIdentity();
});

describe('checkMessageBody', () => {
  it('refuses empty, whitespace-only and too long bodies with their codes, and non-strings as invalid_argument', async () => {
    for (const blank of ['', ' ', '\n\t  \r\n', '\u00a0\u2003']) await expectCode(Promise.resolve().then(() => checkMessageBody(blank)), 'message_empty');
    expect(() => checkMessageBody('x'.repeat(MAX_MESSAGE_LENGTH))).not.toThrow();
    expect(errorOf(() => checkMessageBody('x'.repeat(MAX_MESSAGE_LENGTH + 1)))).toMatchObject({ code: 'message_too_long', details: { length: 2001, max: 2000 } });
    for (const bad of [undefined, null, 5, ['hi']]) {
      await expectCode(Promise.resolve().then(() => checkMessageBody(bad)), 'invalid_argument', 'body');
    }
  });

  it('counts code points: an emoji is one character', () => {
    expect(messageLength('🙂')).toBe(1);
    expect(messageLength('a🙂b')).toBe(3);
    expect(() => checkMessageBody('🙂'.repeat(MAX_MESSAGE_LENGTH))).not.toThrow();
    expect(() => checkMessageBody('🙂'.repeat(MAX_MESSAGE_LENGTH + 1))).toThrow(expect.objectContaining({ code: 'message_too_long' }));
  });
});

describe('buildOutgoingPayloads', () => {
  it('builds the recipient copy and the sync copy of the same Content, timestamp = sentAt', () => {
    const payloads = buildOutgoingPayloads({ sender: me, recipient: bob.sessionId, body: 'hi Bob', displayName: 'Alice', sentAt: SENT_AT });
    const forBob = openStoredMessage(payloads.recipientPayload, bob);
    expect(forBob.senderSessionId).toBe(me.sessionId);
    expect(forBob.envelopeTimestamp).toBe(SENT_AT);
    expect(forBob.content).toEqual({ dataMessage: { body: 'hi Bob', profile: { displayName: 'Alice' } }, sigTimestamp: SENT_AT });

    expect(payloads.syncPayload).not.toBeNull();
    const sync = openStoredMessage(payloads.syncPayload!, me);
    expect(sync.senderSessionId).toBe(me.sessionId);
    expect(sync.envelopeTimestamp).toBe(SENT_AT);
    expect(sync.content).toEqual({
      dataMessage: { body: 'hi Bob', profile: { displayName: 'Alice' }, syncTarget: bob.sessionId },
      sigTimestamp: SENT_AT,
    });
    // Each copy opens only for its own owner.
    expect(() => openStoredMessage(payloads.recipientPayload, me)).toThrow(expect.objectContaining({ code: 'decrypt_failed' }));
    expect(() => openStoredMessage(payloads.syncPayload!, bob)).toThrow(expect.objectContaining({ code: 'decrypt_failed' }));
  });

  it('sends no profile without a display name, and no sync copy to ourselves (Note to Self)', () => {
    const note = buildOutgoingPayloads({ sender: me, recipient: me.sessionId, body: 'memo', displayName: null, sentAt: SENT_AT });
    expect(note.syncPayload).toBeNull();
    expect(openStoredMessage(note.recipientPayload, me).content).toEqual({ dataMessage: { body: 'memo' }, sigTimestamp: SENT_AT });
  });

  it('is random (built once, kept): two builds of one message differ, so a retry must reuse the stored bytes', () => {
    const args = { sender: me, recipient: bob.sessionId, body: 'same', displayName: null, sentAt: SENT_AT };
    expect(buildOutgoingPayloads(args).recipientPayload).not.toBe(buildOutgoingPayloads(args).recipientPayload);
  });

  it('round-trips any valid body', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 300, unit: 'grapheme' }).filter((s) => s.trim().length > 0),
        fc.integer({ min: 0, max: 2 ** 47 }),
        (body, sentAt) => {
          const { recipientPayload } = buildOutgoingPayloads({ sender: me, recipient: bob.sessionId, body, displayName: null, sentAt });
          const opened = openStoredMessage(recipientPayload, bob);
          expect(opened.content.dataMessage?.body).toBe(body);
          expect(opened.envelopeTimestamp).toBe(sentAt);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('checks its arguments', () => {
    const ok = { sender: me, recipient: bob.sessionId, body: 'x', displayName: null, sentAt: SENT_AT };
    expect(() => buildOutgoingPayloads({ ...ok, sentAt: -1 })).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
    expect(() => buildOutgoingPayloads({ ...ok, body: ' ' })).toThrow(expect.objectContaining({ code: 'message_empty' }));
    expect(() => buildOutgoingPayloads({ ...ok, recipient: '05' + 'zz'.repeat(32) })).toThrow(expect.objectContaining({ code: 'session_id_not_hex' }));
    expect(() => buildOutgoingPayloads({ ...ok, displayName: 7 as unknown as string })).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
  });
});
