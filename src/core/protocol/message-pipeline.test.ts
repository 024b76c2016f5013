import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { casesOf, loadVectors } from '../../../test/vectors.ts';
import { fromBase64, fromHex, toBase64, toHex } from '../../../wasm/bytes.ts';
import { identityFromEntropy, type Identity } from '../../../wasm/identity.ts';
import { padMessage } from '../../../wasm/padding.ts';
import { encryptForRecipientDeterministic, encryptMessage } from '../../../wasm/session-protocol.ts';
import { ready, sodium } from '../../../wasm/sodium.ts';
import { messageHash } from '../../../wasm/storage.ts';
import { openStoredMessage, wrapForRecipient, wrapForRecipientDeterministic } from './message-pipeline.ts';
import {
  decodeContent,
  decodeEnvelope,
  decodeWebSocketMessage,
  encodeContent,
  encodeEnvelope,
  encodeWebSocketMessage,
  type Content,
} from './messages.ts';
import { errorOf } from '../../../test/expect-code.ts';
import { codeOf } from '../../../test/expect-code.ts';

interface E2ECase {
  sender: { ed25519_seed_hex: string; ed25519_pk_hex: string; session_id: string };
  recipient: { ed25519_seed_hex: string; session_id: string; x25519_sk_hex: string };
  content_fields: { dataMessage: { body: string; profile: { displayName: string } }; sigTimestamp: number };
  content_hex: string;
  padded_content_hex: string;
  ciphertext_hex: string;
  envelope_hex: string;
  websocket_message_hex: string;
  websocket_message_sha256_hex: string;
  store_data_b64: string;
  store_namespace: number;
  expected_swarm_hash: string;
}

interface StoredCase {
  data_b64: string;
  data_hex: string;
  stored_for_pubkey: string;
  namespace: number;
  expected_swarm_hash: string;
  expected_websocket_message: { request: { verb: string; path: string; requestId: number; body_length: number } };
  expected_envelope: { type: number; timestamp: number; content_length: number; content_hex: string };
  envelope_hex: string;
}

const vectors = loadVectors('envelope');
const e2e = casesOf<E2ECase>(vectors, 'build_1to1_message')[0]!;
const stored = casesOf<StoredCase>(vectors, 'decode_stored_payload')[0]!;

/** The vector's seeds are 32 bytes whose second half is zero: the 16-byte-entropy form. */
function identityFromSeedHex(seedHex: string): Identity {
  return identityFromEntropy(fromHex(seedHex).subarray(0, 16));
}

let sender: Identity;
let recipient: Identity;
let other: Identity;

beforeAll(async () => {
  await ready();
  sender = identityFromSeedHex(e2e.sender.ed25519_seed_hex);
  recipient = identityFromSeedHex(e2e.recipient.ed25519_seed_hex);
  other = identityFromEntropy(new Uint8Array(16).fill(7));
});

describe('E2E-1: building a 1:1 message, stage by stage', () => {
  const content: Content = {
    dataMessage: { body: 'hi', profile: { displayName: 'Alice' } },
    expirationType: 'unknown',
    expirationTimer: 0,
    sigTimestamp: 1_700_000_000_000,
  };

  it('uses the keys the vector names', () => {
    expect(toHex(sender.ed25519PublicKey)).toBe(e2e.sender.ed25519_pk_hex);
    expect(sender.sessionId).toBe(e2e.sender.session_id);
    expect(recipient.sessionId).toBe(e2e.recipient.session_id);
    expect(toHex(recipient.x25519SecretKey)).toBe(e2e.recipient.x25519_sk_hex);
  });

  it('encodes Content, pads, encrypts, wraps the Envelope and the WebSocketMessage byte for byte', () => {
    const contentBytes = encodeContent(content);
    expect(toHex(contentBytes)).toBe(e2e.content_hex);
    const padded = padMessage(contentBytes);
    expect(toHex(padded)).toBe(e2e.padded_content_hex);
    const ciphertext = encryptForRecipientDeterministic(padded, sender, recipient.x25519PublicKey);
    expect(toHex(ciphertext)).toBe(e2e.ciphertext_hex);
    const envelope = encodeEnvelope({ type: 'session_message', timestamp: 1_700_000_000_000, sourceDevice: 1, content: ciphertext });
    expect(toHex(envelope)).toBe(e2e.envelope_hex);
    const message = encodeWebSocketMessage({ type: 'request', request: { verb: '', path: '', body: envelope, requestId: 0n } });
    expect(toHex(message)).toBe(e2e.websocket_message_hex);
    expect(toBase64(message)).toBe(e2e.store_data_b64);
    expect(createHash('sha256').update(message).digest('hex')).toBe(e2e.websocket_message_sha256_hex);
    expect(messageHash(recipient.sessionId, e2e.store_namespace, message)).toBe(e2e.expected_swarm_hash);
  });

  it('wrapForRecipientDeterministic gives the whole vector in one call, with sigTimestamp filled in', () => {
    const { sigTimestamp: _, ...withoutSig } = content;
    const wrapped = wrapForRecipientDeterministic({
      content: withoutSig,
      sender,
      recipientSessionId: recipient.sessionId,
      timestamp: 1_700_000_000_000,
    });
    expect(toHex(wrapped.data)).toBe(e2e.websocket_message_hex);
    expect(wrapped.dataBase64).toBe(e2e.store_data_b64);
    expect(messageHash(recipient.sessionId, 0, wrapped.data)).toBe(e2e.expected_swarm_hash);
  });

  it('decodes back with the recipient key, from base64 and from bytes', () => {
    for (const data of [e2e.store_data_b64, fromBase64(e2e.store_data_b64)]) {
      const opened = openStoredMessage(data, recipient);
      expect(opened.senderSessionId).toBe(e2e.sender.session_id);
      expect(opened.envelopeTimestamp).toBe(1_700_000_000_000);
      expect(opened.content).toEqual(content);
    }
  });

  it('decodes every stage field by field', () => {
    const message = decodeWebSocketMessage(fromHex(e2e.websocket_message_hex));
    expect(message.type).toBe('request');
    expect(message.request?.verb).toBe('');
    expect(message.request?.path).toBe('');
    expect(message.request?.requestId).toBe(0n);
    expect(toHex(message.request!.body!)).toBe(e2e.envelope_hex);
    const envelope = decodeEnvelope(message.request!.body!);
    expect(envelope).toEqual({
      type: 'session_message',
      timestamp: 1_700_000_000_000,
      sourceDevice: 1,
      content: fromHex(e2e.ciphertext_hex),
    });
    expect(decodeContent(fromHex(e2e.content_hex))).toEqual(content);
  });

  it('is not opened by someone else', () => {
    expect(codeOf(() => openStoredMessage(e2e.store_data_b64, other))).toBe('decrypt_failed');
  });
});

describe('SS-STORED-1: a stored payload from an older desktop', () => {
  it('decodes to the listed WebSocketMessage and Envelope fields', () => {
    const bytes = fromBase64(stored.data_b64);
    expect(toHex(bytes)).toBe(stored.data_hex);
    const message = decodeWebSocketMessage(bytes);
    expect(message.type).toBe('request');
    expect(message.request?.verb).toBe(stored.expected_websocket_message.request.verb);
    expect(message.request?.path).toBe(stored.expected_websocket_message.request.path);
    expect(message.request?.requestId).toBe(BigInt(stored.expected_websocket_message.request.requestId));
    expect(message.request?.body?.length).toBe(stored.expected_websocket_message.request.body_length);
    expect(toHex(message.request!.body!)).toBe(stored.envelope_hex);
    const envelope = decodeEnvelope(message.request!.body!);
    expect(envelope.type).toBe('session_message');
    expect(envelope.timestamp).toBe(stored.expected_envelope.timestamp);
    expect(envelope.source).toBeUndefined();
    expect(envelope.sourceDevice).toBeUndefined();
    expect(envelope.content?.length).toBe(stored.expected_envelope.content_length);
    expect(toHex(envelope.content!)).toBe(stored.expected_envelope.content_hex);
    expect(messageHash(stored.stored_for_pubkey, stored.namespace, bytes)).toBe(stored.expected_swarm_hash);
  });

  it('re-encodes to the same bytes (field-number order, explicit zero id)', () => {
    const message = decodeWebSocketMessage(fromBase64(stored.data_b64));
    expect(toHex(encodeWebSocketMessage(message))).toBe(stored.data_hex);
    expect(toHex(encodeEnvelope(decodeEnvelope(message.request!.body!)))).toBe(stored.envelope_hex);
  });

  it('is not for us: opening it fails as decrypt_failed, not as anything else', () => {
    expect(codeOf(() => openStoredMessage(stored.data_b64, recipient))).toBe('decrypt_failed');
  });
});

describe('wrapForRecipient / openStoredMessage', () => {
  it('round-trips random text with a random sealed box (two wraps differ)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), fc.integer({ min: 0, max: 2 ** 53 - 1 }), (body, timestamp) => {
        const content: Content = { dataMessage: { body }, expirationType: 'delete_after_send', expirationTimer: 86_400 };
        const args = { content, sender, recipientSessionId: recipient.sessionId, timestamp };
        const a = wrapForRecipient(args);
        const b = wrapForRecipient(args);
        expect(toHex(a.data)).not.toBe(toHex(b.data));
        expect(toBase64(a.data)).toBe(a.dataBase64);
        const opened = openStoredMessage(a.dataBase64, recipient);
        expect(opened).toEqual({
          senderSessionId: sender.sessionId,
          envelopeTimestamp: timestamp,
          content: { ...content, sigTimestamp: timestamp },
        });
      }),
      { numRuns: 50 },
    );
  });

  it('does not change the caller’s content object', () => {
    const content: Content = { dataMessage: { body: 'x' } };
    wrapForRecipient({ content, sender, recipientSessionId: recipient.sessionId, timestamp: 5 });
    expect(content).toEqual({ dataMessage: { body: 'x' } });
  });

  it('accepts an equal sigTimestamp and refuses a different one', () => {
    const args = { sender, recipientSessionId: recipient.sessionId, timestamp: 1000 };
    expect(codeOf(() => wrapForRecipient({ ...args, content: { sigTimestamp: 1000 } }))).toBe('no error');
    expect(codeOf(() => wrapForRecipient({ ...args, content: { sigTimestamp: 1001 } }))).toBe('invalid_argument');
  });

  it('checks its arguments', () => {
    const good = { content: {}, sender, recipientSessionId: recipient.sessionId, timestamp: 1000 };
    const bad: unknown[] = [
      null,
      { ...good, content: null },
      { ...good, content: 'text' },
      { ...good, timestamp: -1 },
      { ...good, timestamp: 1.5 },
      { ...good, timestamp: 2 ** 53 },
      { ...good, sender: {} },
      { ...good, sender: { ed25519SecretKey: new Uint8Array(32) } },
      { ...good, content: { dataMessage: { body: 5 } } },
      { ...good, content: { dataMessage: { quote: { id: 1 } } } },
    ];
    for (const args of bad) {
      expect(codeOf(() => wrapForRecipient(args as Parameters<typeof wrapForRecipient>[0]))).toBe('invalid_argument');
    }
    expect(codeOf(() => wrapForRecipient({ ...good, recipientSessionId: '15' + '00'.repeat(32) }))).toBe('session_id_blinded');
    expect(codeOf(() => wrapForRecipient({ ...good, recipientSessionId: 'abc' }))).toBe('session_id_length');
    expect(codeOf(() => openStoredMessage(5 as unknown as string, recipient))).toBe('invalid_argument');
    expect(codeOf(() => openStoredMessage(e2e.store_data_b64, null as unknown as Identity))).toBe('invalid_argument');
  });
});

describe('openStoredMessage refuses, with a code for each kind of junk', () => {
  /** Builds a stored message around arbitrary content bytes, sealed properly from `from` to `to`. */
  function storedFrom(from: Identity, to: Identity, contentBytes: Uint8Array, timestamp = 1000, type: 'session_message' | 'closed_group_message' = 'session_message'): Uint8Array {
    const ciphertext = encryptMessage(contentBytes, from, to.x25519PublicKey);
    const envelope = encodeEnvelope({ type, timestamp, content: ciphertext });
    return encodeWebSocketMessage({ type: 'request', request: { body: envelope } });
  }

  it('a sync message (syncTarget) from another account: message_rejected', () => {
    const content = encodeContent({ dataMessage: { body: 'hi', syncTarget: recipient.sessionId }, sigTimestamp: 1000 });
    const error = errorOf(() => openStoredMessage(storedFrom(other, recipient, content), recipient));
    expect(error.code).toBe('message_rejected');
    expect(error.details['reason']).toBe('sync_target');
  });

  it('a sync message from our own account is accepted', () => {
    const content = encodeContent({ dataMessage: { body: 'hi', syncTarget: other.sessionId }, sigTimestamp: 1000 });
    const opened = openStoredMessage(storedFrom(recipient, recipient, content), recipient);
    expect(opened.content.dataMessage?.syncTarget).toBe(other.sessionId);
    expect(opened.senderSessionId).toBe(recipient.sessionId);
  });

  it('sigTimestamp differing from the envelope timestamp: message_rejected; missing: accepted (legacy)', () => {
    const mismatched = encodeContent({ dataMessage: { body: 'hi' }, sigTimestamp: 1001 });
    const error = errorOf(() => openStoredMessage(storedFrom(other, recipient, mismatched, 1000), recipient));
    expect(error.code).toBe('message_rejected');
    expect(error.details['reason']).toBe('sig_timestamp');
    const legacy = encodeContent({ dataMessage: { body: 'hi' } });
    expect(openStoredMessage(storedFrom(other, recipient, legacy, 1000), recipient).content).toEqual({ dataMessage: { body: 'hi' } });
  });

  it('an unsend request for another author: message_rejected', () => {
    const forged = encodeContent({ unsendRequest: { timestamp: 5, author: recipient.sessionId }, sigTimestamp: 1000 });
    expect(errorOf(() => openStoredMessage(storedFrom(other, recipient, forged), recipient)).details['reason']).toBe('unsend_author');
    const own = encodeContent({ unsendRequest: { timestamp: 5, author: other.sessionId }, sigTimestamp: 1000 });
    expect(openStoredMessage(storedFrom(other, recipient, own), recipient).content.unsendRequest?.author).toBe(other.sessionId);
  });

  it('a group envelope (type 7): message_rejected', () => {
    const content = encodeContent({ sigTimestamp: 1000 });
    const error = errorOf(() => openStoredMessage(storedFrom(other, recipient, content, 1000, 'closed_group_message'), recipient));
    expect(error.code).toBe('message_rejected');
    expect(error.details['reason']).toBe('envelope_type');
  });

  it('content that is not a Content protobuf: protobuf_malformed', () => {
    const junk = Uint8Array.of(0x0a, 0x05, 0x01); // dataMessage of 5 bytes, 1 present
    expect(codeOf(() => openStoredMessage(storedFrom(other, recipient, junk), recipient))).toBe('protobuf_malformed');
  });

  it('missing request, body or content: protobuf_malformed; short content: decrypt_failed', () => {
    const envelopeWithout = encodeEnvelope({ type: 'session_message', timestamp: 1 });
    const cases: Uint8Array[] = [
      encodeWebSocketMessage({ type: 'request' }),
      encodeWebSocketMessage({ type: 'request', request: { verb: 'PUT' } }),
      encodeWebSocketMessage({ type: 'request', request: { body: envelopeWithout } }),
      new Uint8Array(0),
    ];
    for (const bytes of cases) expect(codeOf(() => openStoredMessage(bytes, recipient))).toBe('protobuf_malformed');
    const short = encodeWebSocketMessage({
      request: { body: encodeEnvelope({ type: 'session_message', timestamp: 1, content: new Uint8Array(100) }) },
    });
    expect(codeOf(() => openStoredMessage(short, recipient))).toBe('decrypt_failed');
    expect(codeOf(() => openStoredMessage('not base64!', recipient))).toBe('protobuf_malformed');
  });

  it('a tampered signature inside a valid box: signature_invalid', () => {
    const content = encodeContent({ sigTimestamp: 1000 });
    const padded = padMessage(content);
    // Seal M ‖ A ‖ SIG by hand with a flipped signature bit, so the box opens but the signature fails.
    const s = sodium();
    const signed = new Uint8Array([...padded, ...other.ed25519PublicKey, ...recipient.x25519PublicKey]);
    const signature = s.crypto_sign_detached(signed, other.ed25519SecretKey);
    signature[0]! ^= 1;
    const inner = new Uint8Array([...padded, ...other.ed25519PublicKey, ...signature]);
    const ciphertext = s.crypto_box_seal(inner, recipient.x25519PublicKey);
    const bytes = encodeWebSocketMessage({
      request: { body: encodeEnvelope({ type: 'session_message', timestamp: 1000, content: ciphertext }) },
    });
    expect(codeOf(() => openStoredMessage(bytes, recipient))).toBe('signature_invalid');
  });

  it('E2E-1 truncated at every length and with every byte flipped: always a coded error, never a crash', () => {
    const whole = fromHex(e2e.websocket_message_hex);
    const allowed = new Set(['protobuf_malformed', 'decrypt_failed', 'signature_invalid', 'message_rejected']);
    for (let length = 0; length < whole.length; length++) {
      const code = codeOf(() => openStoredMessage(whole.subarray(0, length), recipient));
      expect(allowed.has(code), `length ${length}: ${code}`).toBe(true);
    }
    const stillValid: number[] = [];
    for (let i = 0; i < whole.length; i++) {
      const flipped = whole.slice();
      flipped[i]! ^= 0x01;
      const code = codeOf(() => openStoredMessage(flipped, recipient));
      if (code === 'no error') stillValid.push(i);
      else expect(allowed.has(code), `byte ${i}: ${code}`).toBe(true);
    }
    // Only fields outside the signed box and unchecked by design survive a flip: the WebSocketMessage
    // type (1 → 0), Envelope.sourceDevice (1 → 0) and the request id (0 → 1).
    expect(stillValid).toEqual([1, 22, whole.length - 1]);
  });

  // Random bytes and text, and bytes near real messages: protocol.fuzz.test.ts.
});

