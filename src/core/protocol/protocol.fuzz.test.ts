/**
 * Fuzzing the protobuf decoders (WebSocketMessage, Envelope, Content and what it nests) and the whole
 * 1:1 pipeline a stored message goes through (openStoredMessage): random bytes, the envelope vectors
 * cut and flipped, and protobuf-shaped records with wrong wire types, overlong varints and lengths
 * that lie. A decoder returns or throws protobuf_malformed; the pipeline returns or throws one of
 * the receiver's junk codes. `npm run fuzz` runs each property 10,000 times or more.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { bytesNear, returnsOrThrowsOnly } from '../../../test/fuzz-inputs.ts';
import { fuzzParameters, fuzzTimeoutMs } from '../../../test/fuzz.ts';
import { casesOf, loadVectors } from '../../../test/vectors.ts';
import { fromBase64, fromHex, toBase64 } from '../../../wasm/bytes.ts';
import { identityFromEntropy, type Identity } from '../../../wasm/identity.ts';
import { ready } from '../../../wasm/sodium.ts';
import type { ErrorCode } from '../../shared/errors.ts';
import { openStoredMessage, wrapForRecipient } from './message-pipeline.ts';
import {
  decodeAttachmentPointer,
  decodeContent,
  decodeDataMessage,
  decodeEnvelope,
  decodeWebSocketMessage,
  encodeContent,
  type Content,
} from './messages.ts';

interface E2ECase {
  recipient: { ed25519_seed_hex: string };
  content_hex: string;
  envelope_hex: string;
  websocket_message_hex: string;
}
interface StoredCase {
  data_hex: string;
  envelope_hex: string;
}

const vectors = loadVectors('envelope');
const e2e = casesOf<E2ECase>(vectors, 'build_1to1_message')[0]!;
const stored = casesOf<StoredCase>(vectors, 'decode_stored_payload')[0]!;

/** A Content using most of what this client decodes: every nested decoder gets real bytes to break. */
const richContent: Content = {
  dataMessage: {
    body: 'héllo 👋',
    attachments: [{ id: 7n, contentType: 'image/png', key: new Uint8Array([1, 2]), size: 300, fileName: 'a.png', width: 640, height: 480 }],
    flags: 2,
    profileKey: new Uint8Array([255]),
    quote: { id: 300, author: 'a', text: 't' },
    reaction: { id: 1, author: 'a', emoji: 'e', action: 'react' },
    profile: { displayName: 'd', profilePicture: 'p' },
  },
  receiptMessage: { type: 'read', timestamps: [1, 2] },
  typingMessage: { timestamp: 1, action: 'stopped' },
  unsendRequest: { timestamp: 1, author: 'a' },
  expirationType: 'delete_after_read',
  expirationTimer: 300,
  sigTimestamp: 1_700_000_000_000,
};

/** The same without the unsend request, which policy refuses for another author's message. */
const { unsendRequest: _refusedByPolicy, ...acceptedContent } = richContent;

const PROTOBUF: ReadonlySet<ErrorCode> = new Set(['protobuf_malformed']);
/** What the receiver counts as junk (message-pipeline.ts). */
const PIPELINE: ReadonlySet<ErrorCode> = new Set(['protobuf_malformed', 'decrypt_failed', 'signature_invalid', 'message_rejected']);

let recipient: Identity;
let samples: Uint8Array[];

beforeAll(async () => {
  await ready();
  recipient = identityFromEntropy(fromHex(e2e.recipient.ed25519_seed_hex).subarray(0, 16));
  const sender = identityFromEntropy(new Uint8Array(16).fill(3));
  samples = [
    fromHex(e2e.content_hex),
    fromHex(e2e.envelope_hex),
    fromHex(e2e.websocket_message_hex),
    fromHex(stored.data_hex),
    fromHex(stored.envelope_hex),
    encodeContent(richContent),
    // A real message to `recipient` with the rich content: flips inside it reach the signature and the policy checks.
    wrapForRecipient({ content: acceptedContent, sender, recipientSessionId: recipient.sessionId, timestamp: 1_700_000_000_000 }).data,
  ];
});

// ---------- protobuf-shaped junk ----------

function varint(value: bigint): number[] {
  const out: number[] = [];
  let v = value;
  do {
    const low = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v > 0n ? low | 0x80 : low);
  } while (v > 0n);
  return out;
}

interface RawField {
  readonly field: number;
  readonly wireType: number;
  readonly value: bigint;
  readonly payload: Uint8Array;
  /** Added to a length prefix: a length that lies about its payload. */
  readonly lie: number;
}

function encodeRaw(fields: readonly RawField[]): Uint8Array {
  const out: number[] = [];
  for (const { field, wireType, value, payload, lie } of fields) {
    out.push(...varint((BigInt(field) << 3n) | BigInt(wireType)));
    if (wireType === 0) out.push(...varint(value));
    else if (wireType === 1) out.push(...payload.subarray(0, 8));
    else if (wireType === 2) out.push(...varint(BigInt(Math.max(0, payload.length + lie))), ...payload);
    else if (wireType === 5) out.push(...payload.subarray(0, 4));
    // 3, 4 (groups), 6, 7 (no such wire type): the key alone
  }
  return new Uint8Array(out);
}

const rawField = (payload: fc.Arbitrary<Uint8Array>): fc.Arbitrary<RawField> =>
  fc.record({
    // the fields the decoders know sit in 1…16 and 101…106
    field: fc.oneof(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 99, max: 110 }), fc.integer({ min: 0, max: 2 ** 29 })),
    wireType: fc.oneof({ arbitrary: fc.constantFrom(0, 1, 2, 5), weight: 4 }, { arbitrary: fc.integer({ min: 0, max: 7 }), weight: 1 }),
    // up to 2^70: past 64 bits, and past 10 bytes of varint
    value: fc.oneof(fc.bigInt({ min: 0n, max: 300n }), fc.bigInt({ min: 0n, max: 2n ** 70n })),
    payload,
    lie: fc.oneof({ arbitrary: fc.constant(0), weight: 4 }, { arbitrary: fc.integer({ min: -3, max: 3 }), weight: 1 }),
  });

/** Records of fields whose length-delimited payloads are themselves records (two levels), or bytes. */
const protobufShaped: fc.Arbitrary<Uint8Array> = (() => {
  const leaf = fc.array(rawField(fc.uint8Array({ maxLength: 12 })), { maxLength: 6 }).map(encodeRaw);
  const middle = fc.array(rawField(fc.oneof(fc.uint8Array({ maxLength: 12 }), leaf)), { maxLength: 6 }).map(encodeRaw);
  return fc.array(rawField(fc.oneof(fc.uint8Array({ maxLength: 12 }), middle)), { maxLength: 8 }).map(encodeRaw);
})();

const decoders: readonly [string, (b: Uint8Array) => unknown][] = [
  ['Content', (b) => decodeContent(b)],
  ['Envelope', (b) => decodeEnvelope(b)],
  ['WebSocketMessage', (b) => decodeWebSocketMessage(b)],
  ['DataMessage', (b) => decodeDataMessage(b, 'dataMessage')],
  ['AttachmentPointer', (b) => decodeAttachmentPointer(b, 'attachment')],
];

describe('protobuf decoders on junk: a value or protobuf_malformed', () => {
  it(
    'random bytes, and the vectors cut, flipped, spliced',
    () => {
      fc.assert(
        fc.property(
          fc.constant(null).chain(() => bytesNear(samples)),
          (input) => {
            for (const [, decode] of decoders) returnsOrThrowsOnly(PROTOBUF, () => decode(input));
          },
        ),
        fuzzParameters(300),
      );
    },
    fuzzTimeoutMs(10_000),
  );

  it(
    'protobuf-shaped records: unknown fields, wrong wire types, overlong varints, lying lengths',
    () => {
      let decoded = 0;
      fc.assert(
        fc.property(protobufShaped, (input) => {
          for (const [, decode] of decoders) if (returnsOrThrowsOnly(PROTOBUF, () => decode(input)).ok) decoded++;
        }),
        fuzzParameters(300),
      );
      // The shapes are close enough to the .proto that some decode: the property reaches past the first check.
      expect(decoded).toBeGreaterThan(0);
    },
    fuzzTimeoutMs(10_000),
  );
});

describe('openStoredMessage on junk: a message or one of the receiver’s junk codes', () => {
  it(
    'bytes near a real stored message (and the same as base64 text)',
    () => {
      fc.assert(
        fc.property(
          fc.constant(null).chain(() => bytesNear(samples)),
          (input) => {
            returnsOrThrowsOnly(PIPELINE, () => openStoredMessage(input, recipient));
            returnsOrThrowsOnly(PIPELINE, () => openStoredMessage(toBase64(input), recipient));
          },
        ),
        fuzzParameters(200),
      );
    },
    fuzzTimeoutMs(10_000),
  );

  it(
    'protobuf-shaped records, and text that is not base64',
    () => {
      fc.assert(
        fc.property(protobufShaped, fc.string({ unit: 'binary', maxLength: 60 }), (input, text) => {
          returnsOrThrowsOnly(PIPELINE, () => openStoredMessage(input, recipient));
          returnsOrThrowsOnly(PIPELINE, () => openStoredMessage(text, recipient));
        }),
        fuzzParameters(200),
      );
    },
    fuzzTimeoutMs(10_000),
  );

  it('the samples themselves: the real message opens (the fuzzing starts from valid input)', () => {
    expect(openStoredMessage(samples.at(-1)!, recipient).content.dataMessage?.body).toBe('héllo 👋');
    expect(openStoredMessage(toBase64(samples.at(-1)!), recipient).envelopeTimestamp).toBe(1_700_000_000_000);
    expect(fromBase64(toBase64(samples[2]!))).toEqual(samples[2]);
  });
});
