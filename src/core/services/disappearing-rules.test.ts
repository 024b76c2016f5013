import { beforeAll, describe, expect, it } from 'vitest';
import { errorOf } from '../../../test/expect-code.ts';
import { randomIdentity } from '../../../test/identities.ts';
import { casesOf, loadVectors } from '../../../test/vectors.ts';
import { fromHex, toHex } from '../../../wasm/bytes.ts';
import type { Identity } from '../../../wasm/identity.ts';
import { signatureString, signRequest, type SignedRequest } from '../../../wasm/storage.ts';
import { ready } from '../../../wasm/sodium.ts';
import { encodeContent } from '../protocol/content.ts';
import { openStoredMessage } from '../protocol/message-pipeline.ts';
import {
  checkDisappearingChoice,
  contentExpiration,
  DEFAULT_TIMER,
  expiresAtOnRead,
  expiresAtOnWrite,
  settingFromContent,
  swarmTtlMs,
  TIMER_OPTIONS,
} from './disappearing-rules.ts';
import { buildOutgoingPayloads, buildTimerUpdatePayloads, buildUnsendPayloads } from './outgoing-message.ts';

const DAY = 86_400;
const SENT = 1_750_000_000_000;

let alice: Identity;
let bob: Identity;

beforeAll(async () => {
  await ready();
  alice = randomIdentity();
  bob = randomIdentity();
});

describe('timer choices (client-protocol.md §8)', () => {
  it("offers desktop's values, with its defaults", () => {
    expect(TIMER_OPTIONS.after_read).toEqual([300, 3600, 43200, 86400, 604800, 1209600]);
    expect(TIMER_OPTIONS.after_send).toEqual([43200, 86400, 604800, 1209600]);
    expect(DEFAULT_TIMER).toEqual({ after_read: 43200, after_send: 86400 });
  });

  it('accepts an offered timer, off whatever the timer, and the dev timers only when allowed', () => {
    expect(checkDisappearingChoice('after_send', DAY, false)).toEqual({ mode: 'after_send', timerSeconds: DAY });
    expect(checkDisappearingChoice('off', 0, false)).toBeNull();
    expect(checkDisappearingChoice('after_read', 10, true)).toEqual({ mode: 'after_read', timerSeconds: 10 });
    expect(errorOf(() => checkDisappearingChoice('after_read', 10, false)).code).toBe('invalid_argument');
    // 300 s is offered for after-read only.
    expect(errorOf(() => checkDisappearingChoice('after_send', 300, false)).code).toBe('invalid_argument');
    expect(errorOf(() => checkDisappearingChoice('sometimes', DAY, false)).code).toBe('invalid_argument');
  });
});

describe('the setting in Content (fields 12 and 13, §4.3)', () => {
  it('encodes each mode with the spec enum values, off as UNKNOWN and 0', () => {
    // 0x60 = field 12 varint, 0x68 = field 13 varint; 86400 = 0x80a305.
    expect(toHex(encodeContent(contentExpiration({ mode: 'after_send', timerSeconds: DAY })))).toBe('6002' + '6880a305');
    expect(toHex(encodeContent(contentExpiration({ mode: 'after_read', timerSeconds: 300 })))).toBe('6001' + '68ac02');
    expect(toHex(encodeContent(contentExpiration(null)))).toBe('6000' + '6800');
  });

  it('reads a setting back; a zero timer or an unknown type is off', () => {
    expect(settingFromContent({ expirationType: 'delete_after_read', expirationTimer: 300 })).toEqual({ mode: 'after_read', timerSeconds: 300 });
    expect(settingFromContent({ expirationType: 'delete_after_send', expirationTimer: 0 })).toBeNull();
    expect(settingFromContent({ expirationType: 'unknown', expirationTimer: 300 })).toBeNull();
    expect(settingFromContent({})).toBeNull();
  });
});

describe('swarm TTLs and local start points (§5.2, §8)', () => {
  it('delete-after-send lives as long as its timer; delete-after-read and off 14 days', () => {
    expect(swarmTtlMs({ mode: 'after_send', timerSeconds: DAY })).toBe(DAY * 1000);
    expect(swarmTtlMs({ mode: 'after_read', timerSeconds: 300 })).toBe(14 * DAY * 1000);
    expect(swarmTtlMs(null)).toBe(14 * DAY * 1000);
    // The server's floor: 10 s.
    expect(swarmTtlMs({ mode: 'after_send', timerSeconds: 1 })).toBe(10_000);
  });

  it('after-send counts from the sent time both ways; after-read from the reading, ours at once', () => {
    expect(expiresAtOnWrite({ mode: 'after_send', timerSeconds: DAY }, SENT, false)).toBe(SENT + DAY * 1000);
    expect(expiresAtOnWrite({ mode: 'after_send', timerSeconds: DAY }, SENT, true)).toBe(SENT + DAY * 1000);
    expect(expiresAtOnWrite({ mode: 'after_read', timerSeconds: 300 }, SENT, false)).toBeNull();
    expect(expiresAtOnWrite({ mode: 'after_read', timerSeconds: 300 }, SENT, true)).toBe(SENT + 300_000);
    expect(expiresAtOnRead({ mode: 'after_read', timerSeconds: 300 }, SENT + 5)).toBe(SENT + 5 + 300_000);
    expect(expiresAtOnWrite(null, SENT, true)).toBeNull();
  });
});

describe('what goes on the wire', () => {
  it('a message in a disappearing conversation carries mode and timer, in both copies', () => {
    const setting = { mode: 'after_send', timerSeconds: DAY } as const;
    const payloads = buildOutgoingPayloads({ sender: alice, recipient: bob.sessionId, body: 'hi', displayName: null, sentAt: SENT, disappearing: setting });
    const forBob = openStoredMessage(payloads.recipientPayload, bob).content;
    const sync = openStoredMessage(payloads.syncPayload!, alice).content;
    for (const content of [forBob, sync]) {
      expect(content.expirationType).toBe('delete_after_send');
      expect(content.expirationTimer).toBe(DAY);
      expect(content.dataMessage?.body).toBe('hi');
    }
    expect(sync.dataMessage?.syncTarget).toBe(bob.sessionId);
  });

  it('a timer update is a DataMessage with flags 2 and the new setting in Content (§4.6)', () => {
    const payloads = buildTimerUpdatePayloads({ sender: alice, recipient: bob.sessionId, displayName: 'Alice', sentAt: SENT, setting: { mode: 'after_read', timerSeconds: 300 } });
    const content = openStoredMessage(payloads.recipientPayload, bob).content;
    expect(content.dataMessage).toEqual({ flags: 2, profile: { displayName: 'Alice' } });
    expect(content.expirationType).toBe('delete_after_read');
    expect(content.expirationTimer).toBe(300);
    expect(openStoredMessage(payloads.syncPayload!, alice).content.dataMessage?.syncTarget).toBe(bob.sessionId);
    const off = buildTimerUpdatePayloads({ sender: alice, recipient: bob.sessionId, displayName: null, sentAt: SENT, setting: null });
    const offContent = openStoredMessage(off.recipientPayload, bob).content;
    expect([offContent.expirationType, offContent.expirationTimer]).toEqual(['unknown', 0]);
  });

  it('an unsend request names the target by sent time and author (fields 1 and 2, §4.6)', () => {
    const payloads = buildUnsendPayloads({ sender: alice, recipient: bob.sessionId, sentAt: SENT + 10, targetSentAt: SENT });
    const opened = openStoredMessage(payloads.recipientPayload, bob);
    expect(opened.content.unsendRequest).toEqual({ timestamp: SENT, author: alice.sessionId });
    expect(opened.envelopeTimestamp).toBe(SENT + 10);
    expect(openStoredMessage(payloads.syncPayload!, alice).content.unsendRequest).toEqual({ timestamp: SENT, author: alice.sessionId });
    // Field numbers as the spec gives them: 0x08 = timestamp (1, varint), 0x12 = author (2, bytes).
    const bytes = encodeContent({ unsendRequest: { timestamp: 1, author: 'a' } });
    expect(toHex(bytes)).toBe('4a' + '05' + '0801' + '1201' + '61');
    expect(fromHex('4a05080112016' + '1')).toEqual(bytes);
  });
});

describe('the signed swarm calls (network-protocol.md §3.4, vectors/storage.json)', () => {
  type SignatureCase = { id: string; signed_string_utf8: string; ed25519_sk_hex: string; expected_signature_b64: string; params: Record<string, unknown> };
  const vectors = loadVectors('storage');
  const secretKey = fromHex((vectors['test_account'] as { ed25519_sk_hex: string }).ed25519_sk_hex);
  const byId = new Map(casesOf<SignatureCase>(vectors, 'request_signature').map((c) => [c.id, c]));

  it.each([
    ['SIG-expire-shorten', { method: 'expire', messages: ['SHpOiupvBW6BNdF6fHuYrA4JxSEBflu9BHSDSNj2+eY'], expiry: 1_700_003_600_000, shorten: true }],
    ['SIG-expire', { method: 'expire', messages: ['SHpOiupvBW6BNdF6fHuYrA4JxSEBflu9BHSDSNj2+eY'], expiry: 1_700_086_400_000 }],
    ['SIG-delete', { method: 'delete', messages: ['SHpOiupvBW6BNdF6fHuYrA4JxSEBflu9BHSDSNj2+eY'] }],
    ['SIG-delete-2', { method: 'delete', messages: ['SHpOiupvBW6BNdF6fHuYrA4JxSEBflu9BHSDSNj2+eY', 'R8QP6UvioOvFBwo74i9zGhqZ++URCA+NcjlNQflzLSk'] }],
  ] as const)('%s: the string and the signature the storage client sends', (id, request) => {
    const vector = byId.get(id)!;
    expect(signatureString(request as SignedRequest)).toBe(vector.signed_string_utf8);
    expect(signRequest(request as SignedRequest, secretKey)).toBe(vector.expected_signature_b64);
  });
});
