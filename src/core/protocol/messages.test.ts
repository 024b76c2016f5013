import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../../wasm/bytes.ts';
import { isParleyError } from '../../shared/errors.ts';
import {
  decodeAttachmentPointer,
  decodeContent,
  decodeDataMessage,
  decodeEnvelope,
  decodeWebSocketMessage,
  encodeAttachmentPointer,
  encodeContent,
  encodeDataMessage,
  encodeEnvelope,
  encodeWebSocketMessage,
  type AttachmentPointer,
  type Content,
  type DataMessage,
  type Envelope,
  type LokiProfile,
  type WebSocketMessage,
} from './messages.ts';
import { errorOf } from '../../../test/expect-code.ts';

// ---------- arbitraries: every field absent or present, unicode text, the full numeric ranges ----------

const text = fc.string({ unit: 'grapheme', maxLength: 24 });
const bytes = fc.uint8Array({ maxLength: 40 });
const uint32 = fc.integer({ min: 0, max: 2 ** 32 - 1 });
const timestamp = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });
const uint64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
const some = <T>(item: fc.Arbitrary<T>) => fc.array(item, { minLength: 1, maxLength: 3 });

const attachment: fc.Arbitrary<AttachmentPointer> = fc.record(
  {
    id: uint64,
    contentType: text,
    key: bytes,
    size: uint32,
    digest: bytes,
    fileName: text,
    flags: uint32,
    width: uint32,
    height: uint32,
    caption: text,
    url: text,
  },
  { requiredKeys: ['id'] },
);

const profile: fc.Arbitrary<LokiProfile> = fc.record(
  { displayName: text, profilePicture: text, lastProfileUpdateSeconds: timestamp },
  { requiredKeys: [] },
);

const dataMessage: fc.Arbitrary<DataMessage> = fc.record(
  {
    body: fc.string({ unit: 'grapheme', maxLength: 200 }),
    attachments: some(attachment),
    flags: uint32,
    profileKey: bytes,
    quote: fc.record({ id: timestamp, author: text, text }, { requiredKeys: ['id', 'author'] }),
    preview: some(fc.record({ url: text, title: text, image: attachment }, { requiredKeys: ['url'] })),
    reaction: fc.record(
      { id: timestamp, author: text, emoji: text, action: fc.constantFrom('react' as const, 'remove' as const) },
      { requiredKeys: ['id', 'author', 'action'] },
    ),
    profile,
    communityInvitation: fc.record({ url: text, name: text }),
    syncTarget: text,
    blocksCommunityMessageRequests: fc.boolean(),
  },
  { requiredKeys: [] },
);

const content: fc.Arbitrary<Content> = fc.record(
  {
    dataMessage,
    receiptMessage: fc.record(
      { type: fc.constantFrom('read' as const, 'delivery' as const), timestamps: some(timestamp) },
      { requiredKeys: ['type'] },
    ),
    typingMessage: fc.record({ timestamp, action: fc.constantFrom('started' as const, 'stopped' as const) }),
    dataExtractionNotification: fc.record(
      { type: fc.constantFrom('screenshot' as const, 'media_saved' as const), timestamp },
      { requiredKeys: ['type'] },
    ),
    unsendRequest: fc.record({ timestamp, author: text }),
    messageRequestResponse: fc.record({ isApproved: fc.boolean(), profileKey: bytes, profile }, { requiredKeys: ['isApproved'] }),
    expirationType: fc.constantFrom('unknown' as const, 'delete_after_read' as const, 'delete_after_send' as const),
    expirationTimer: uint32,
    sigTimestamp: timestamp,
  },
  { requiredKeys: [] },
);

const envelope: fc.Arbitrary<Envelope> = fc.record(
  {
    type: fc.constantFrom('session_message' as const, 'closed_group_message' as const),
    source: text,
    timestamp,
    sourceDevice: uint32,
    content: bytes,
    serverTimestamp: timestamp,
    proSig: bytes,
  },
  { requiredKeys: ['type', 'timestamp'] },
);

const webSocketMessage: fc.Arbitrary<WebSocketMessage> = fc.record(
  {
    type: fc.constantFrom('unknown' as const, 'request' as const, 'response' as const),
    request: fc.record({ verb: text, path: text, body: bytes, requestId: uint64, headers: some(text) }, { requiredKeys: [] }),
  },
  { requiredKeys: [] },
);

// ---------- helpers ----------


/** Hex of length-delimited field `tagHex` holding `payloadHex`. */
function len(tagHex: string, payloadHex: string): string {
  let length = payloadHex.length / 2;
  let varint = '';
  while (length >= 0x80) {
    varint += ((length & 0x7f) | 0x80).toString(16);
    length >>>= 7;
  }
  return tagHex + varint + length.toString(16).padStart(2, '0') + payloadHex;
}

const hexOf = (s: string) => toHex(new TextEncoder().encode(s));

/** A Content using every field this codec knows: the subject of the truncation and golden tests. */
const fullContent: Content = {
  dataMessage: {
    body: 'héllo 👋',
    attachments: [
      {
        id: 0x0102030405060708n,
        contentType: 'image/png',
        key: Uint8Array.of(1, 2),
        size: 300,
        digest: Uint8Array.of(3),
        fileName: 'a.png',
        flags: 1,
        width: 640,
        height: 480,
        caption: 'c',
        url: 'http://f/1',
      },
    ],
    flags: 2,
    profileKey: Uint8Array.of(0xff),
    quote: { id: 300, author: 'a', text: 't' },
    preview: [{ url: 'u', title: 't', image: { id: 1n } }],
    reaction: { id: 1, author: 'a', emoji: 'e', action: 'remove' },
    profile: { displayName: 'd', profilePicture: 'p', lastProfileUpdateSeconds: 1_700_000_000 },
    communityInvitation: { url: 'u', name: 'n' },
    syncTarget: 'x',
    blocksCommunityMessageRequests: true,
  },
  receiptMessage: { type: 'read', timestamps: [1, 2] },
  typingMessage: { timestamp: 1, action: 'stopped' },
  dataExtractionNotification: { type: 'media_saved', timestamp: 7 },
  unsendRequest: { timestamp: 1, author: 'a' },
  messageRequestResponse: { isApproved: true, profileKey: Uint8Array.of(0xff), profile: { displayName: 'd' } },
  expirationType: 'delete_after_read',
  expirationTimer: 300,
  sigTimestamp: 1_700_000_000_000,
};

/** The same, assembled by hand from the field numbers and wire types of the .proto (client-protocol.md §4, §6.4). */
const fullContentHex = (() => {
  const attachmentHex =
    '09' + '0807060504030201' + // id, fixed64 (1)
    len('12', hexOf('image/png')) + // contentType (2)
    len('1a', '0102') + // key (3)
    '20' + 'ac02' + // size (4) = 300
    len('32', '03') + // digest (6)
    len('3a', hexOf('a.png')) + // fileName (7)
    '40' + '01' + // flags (8)
    '48' + '8005' + // width (9) = 640
    '50' + 'e003' + // height (10) = 480
    len('5a', hexOf('c')) + // caption (11)
    len('aa06', hexOf('http://f/1')); // url (101)
  const dataMessageHex =
    len('0a', hexOf('héllo 👋')) + // body (1)
    len('12', attachmentHex) + // attachments (2)
    '20' + '02' + // flags (4)
    len('32', 'ff') + // profileKey (6)
    len('42', '08' + 'ac02' + len('12', '61') + len('1a', '74')) + // quote (8): id, author, text
    len('52', len('0a', '75') + len('12', '74') + len('1a', '09' + '0100000000000000')) + // preview (10)
    len('5a', '0801' + len('12', '61') + len('1a', '65') + '2001') + // reaction (11)
    len('aa06', len('0a', '64') + len('12', '70') + '18' + '80e2cfaa06') + // profile (101)
    len('b206', len('0a', '75') + len('1a', '6e')) + // communityInvitation (102): url 1, name 3
    len('ca06', '78') + // syncTarget (105)
    'd006' + '01'; // blocksCommunityMessageRequests (106)
  return (
    len('0a', dataMessageHex) + // dataMessage (1)
    len('2a', '0801' + '1001' + '1002') + // receiptMessage (5): type READ, timestamps unpacked
    len('32', '0801' + '1001') + // typingMessage (6): timestamp, action STOPPED
    len('42', '0802' + '1007') + // dataExtractionNotification (8): MEDIA_SAVED, timestamp
    len('4a', '0801' + len('12', '61')) + // unsendRequest (9)
    len('52', '0801' + len('12', 'ff') + len('1a', len('0a', '64'))) + // messageRequestResponse (10)
    '60' + '01' + // expirationType (12) DELETE_AFTER_READ
    '68' + 'ac02' + // expirationTimer (13)
    '78' + '80d095ffbc31' // sigTimestamp (15)
  );
})();

// ---------- tests ----------

describe('known bytes, assembled by hand from the .proto', () => {
  it('Content with every field encodes to the expected bytes and decodes back', () => {
    expect(toHex(encodeContent(fullContent))).toBe(fullContentHex);
    expect(decodeContent(fromHex(fullContentHex))).toEqual(fullContent);
  });

  it('Envelope and WebSocketMessage with every field', () => {
    const env: Envelope = {
      type: 'closed_group_message',
      source: 's',
      timestamp: 5,
      sourceDevice: 1,
      content: Uint8Array.of(0xaa),
      serverTimestamp: 6,
      proSig: Uint8Array.of(0xbb),
    };
    const envHex = '0807' + len('12', '73') + '2805' + '3801' + len('42', 'aa') + '5006' + len('5a', 'bb');
    expect(toHex(encodeEnvelope(env))).toBe(envHex);
    expect(decodeEnvelope(fromHex(envHex))).toEqual(env);

    const ws: WebSocketMessage = {
      type: 'request',
      request: { verb: 'PUT', path: '/', body: Uint8Array.of(1), requestId: 2n ** 64n - 1n, headers: ['a', 'b'] },
    };
    const wsHex =
      '0801' + len('12', len('0a', hexOf('PUT')) + len('12', '2f') + len('1a', '01') + '20ffffffffffffffffff01' + len('2a', '61') + len('2a', '62'));
    expect(toHex(encodeWebSocketMessage(ws))).toBe(wsHex);
    expect(decodeWebSocketMessage(fromHex(wsHex))).toEqual(ws);
  });

  it('an empty message encodes to nothing and decodes to {}', () => {
    expect(encodeContent({}).length).toBe(0);
    expect(decodeContent(new Uint8Array(0))).toEqual({});
    expect(decodeDataMessage(new Uint8Array(0), 'dataMessage')).toEqual({});
    expect(decodeWebSocketMessage(new Uint8Array(0))).toEqual({});
  });
});

describe('round trips (fast-check)', () => {
  it('Content, with every nested message type', () => {
    fc.assert(
      fc.property(content, (value) => {
        expect(decodeContent(encodeContent(value))).toEqual(value);
      }),
      { numRuns: 150 },
    );
  });

  it('Envelope', () => {
    fc.assert(
      fc.property(envelope, (value) => {
        expect(decodeEnvelope(encodeEnvelope(value))).toEqual(value);
      }),
      { numRuns: 100 },
    );
  });

  it('WebSocketMessage', () => {
    fc.assert(
      fc.property(webSocketMessage, (value) => {
        expect(decodeWebSocketMessage(encodeWebSocketMessage(value))).toEqual(value);
      }),
      { numRuns: 100 },
    );
  });

  it('AttachmentPointer on its own', () => {
    fc.assert(
      fc.property(attachment, (value) => {
        expect(decodeAttachmentPointer(encodeAttachmentPointer(value, 'a'), 'a')).toEqual(value);
      }),
      { numRuns: 100 },
    );
  });

  it('encoding is deterministic and re-encoding a decoded message gives the same bytes', () => {
    fc.assert(
      fc.property(content, (value) => {
        const once = encodeContent(value);
        expect(toHex(encodeContent(decodeContent(once)))).toBe(toHex(once));
      }),
      { numRuns: 50 },
    );
  });
});

describe('proto2 required fields, both ways', () => {
  const missingOnEncode: [string, Content, string][] = [
    ['Quote.id', { dataMessage: { quote: { author: 'a' } as never } }, 'content.dataMessage.quote.id'],
    ['Quote.author', { dataMessage: { quote: { id: 1 } as never } }, 'content.dataMessage.quote.author'],
    ['Reaction.action', { dataMessage: { reaction: { id: 1, author: 'a' } as never } }, 'content.dataMessage.reaction.action'],
    ['Preview.url', { dataMessage: { preview: [{ title: 't' } as never] } }, 'content.dataMessage.preview[0].url'],
    [
      'AttachmentPointer.id (second attachment)',
      { dataMessage: { attachments: [{ id: 1n }, { url: 'u' } as never] } },
      'content.dataMessage.attachments[1].id',
    ],
    ['Preview.image.id', { dataMessage: { preview: [{ url: 'u', image: {} as never }] } }, 'content.dataMessage.preview[0].image.id'],
    ['CommunityInvitation.name', { dataMessage: { communityInvitation: { url: 'u' } as never } }, 'content.dataMessage.communityInvitation.name'],
    ['ReceiptMessage.type', { receiptMessage: { timestamps: [1] } as never }, 'content.receiptMessage.type'],
    ['TypingMessage.timestamp', { typingMessage: { action: 'started' } as never }, 'content.typingMessage.timestamp'],
    ['TypingMessage.action', { typingMessage: { timestamp: 1 } as never }, 'content.typingMessage.action'],
    ['UnsendRequest.author', { unsendRequest: { timestamp: 1 } as never }, 'content.unsendRequest.author'],
    ['MessageRequestResponse.isApproved', { messageRequestResponse: {} as never }, 'content.messageRequestResponse.isApproved'],
    ['DataExtractionNotification.type', { dataExtractionNotification: { timestamp: 1 } as never }, 'content.dataExtractionNotification.type'],
  ];

  it.each(missingOnEncode)('the encoder refuses a missing %s', (_, value, path) => {
    const error = errorOf(() => encodeContent(value));
    expect(error.code).toBe('invalid_argument');
    expect(error.details).toMatchObject({ param: path, problem: 'required' });
  });

  it('the encoder refuses an Envelope without type or timestamp', () => {
    expect(errorOf(() => encodeEnvelope({ timestamp: 1 } as never)).details['param']).toBe('envelope.type');
    expect(errorOf(() => encodeEnvelope({ type: 'session_message' } as never)).details['param']).toBe('envelope.timestamp');
  });

  const missingOnDecode: [string, string, string][] = [
    ['Quote.author', len('0a', len('42', '0801')), 'content.dataMessage.quote.author'],
    ['Quote.id', len('0a', len('42', len('12', '61'))), 'content.dataMessage.quote.id'],
    ['Reaction.action', len('0a', len('5a', '0801' + len('12', '61'))), 'content.dataMessage.reaction.action'],
    ['Preview.url', len('0a', len('52', len('12', '74'))), 'content.dataMessage.preview[0].url'],
    ['AttachmentPointer.id', len('0a', len('12', len('12', '61'))), 'content.dataMessage.attachments[0].id'],
    ['Preview.image.id', len('0a', len('52', len('0a', '75') + len('1a', ''))), 'content.dataMessage.preview[0].image.id'],
    ['CommunityInvitation.url', len('0a', len('b206', len('1a', '6e'))), 'content.dataMessage.communityInvitation.url'],
    ['ReceiptMessage.type', len('2a', '1001'), 'content.receiptMessage.type'],
    ['TypingMessage.action', len('32', '0801'), 'content.typingMessage.action'],
    ['UnsendRequest.timestamp', len('4a', len('12', '61')), 'content.unsendRequest.timestamp'],
    ['MessageRequestResponse.isApproved', len('52', ''), 'content.messageRequestResponse.isApproved'],
    ['DataExtractionNotification.type', len('42', '1007'), 'content.dataExtractionNotification.type'],
  ];

  it.each(missingOnDecode)('the decoder rejects a missing %s', (_, hex, path) => {
    const error = errorOf(() => decodeContent(fromHex(hex)));
    expect(error.code).toBe('protobuf_malformed');
    expect(error.details).toMatchObject({ path, problem: 'required' });
  });

  it('the decoder rejects an Envelope without type or timestamp', () => {
    expect(errorOf(() => decodeEnvelope(fromHex('2805'))).details['path']).toBe('envelope.type');
    expect(errorOf(() => decodeEnvelope(fromHex('0806'))).details['path']).toBe('envelope.timestamp');
  });
});

describe('decoding what this client does not know', () => {
  it('unknown enum values decode to "unknown", negative ones too', () => {
    expect(decodeContent(fromHex('6009')).expirationType).toBe('unknown');
    expect(decodeEnvelope(fromHex('0808' + '2801')).type).toBe('unknown');
    expect(decodeContent(fromHex(len('2a', '08ffffffffffffffffff01'))).receiptMessage?.type).toBe('unknown');
    expect(decodeContent(fromHex(len('32', '0801' + '1005'))).typingMessage?.action).toBe('unknown');
    expect(decodeContent(fromHex(len('0a', len('5a', '0801' + len('12', '61') + '2007')))).dataMessage?.reaction?.action).toBe('unknown');
  });

  it('"unknown" encodes only where the enum has an UNKNOWN member', () => {
    expect(toHex(encodeContent({ expirationType: 'unknown' }))).toBe('6000');
    expect(toHex(encodeWebSocketMessage({ type: 'unknown' }))).toBe('0800');
    expect(errorOf(() => encodeEnvelope({ type: 'unknown', timestamp: 1 })).details).toMatchObject({ param: 'envelope.type', problem: 'enum' });
    expect(errorOf(() => encodeContent({ typingMessage: { timestamp: 1, action: 'unknown' } })).code).toBe('invalid_argument');
    expect(errorOf(() => encodeContent({ expirationType: 'sometimes' as never })).code).toBe('invalid_argument');
    expect(errorOf(() => encodeContent({ expirationType: 'toString' as never })).code).toBe('invalid_argument');
  });

  it('skips unknown fields: callMessage, groupUpdateMessage, Pro fields, legacy fields, future ones', () => {
    const hex =
      len('1a', '0801') + // callMessage (3)
      len('0a', len('0a', '6869') + '2805' + '3801' + len('c207', '00')) + // dataMessage: body, expireTimer 5, timestamp 7, groupUpdateMessage 120
      len('8201', '00') + // proMessage (16), a two-byte tag
      '7801' + // sigTimestamp
      '9d0601020304' + // field 99, fixed32
      'a1060102030405060708' + // field 100, fixed64
      'a806ffffffffffffffffff01'; // field 101, varint
    expect(decodeContent(fromHex(hex))).toEqual({ dataMessage: { body: 'hi' }, sigTimestamp: 1 });
  });

  it('reads ReceiptMessage timestamps packed as well as unpacked', () => {
    expect(decodeContent(fromHex(len('2a', '0801' + len('12', '0102') + '1003'))).receiptMessage).toEqual({
      type: 'read',
      timestamps: [1, 2, 3],
    });
  });

  it('the last occurrence of a singular field wins', () => {
    expect(decodeContent(fromHex('7801' + '7802')).sigTimestamp).toBe(2);
  });
});

describe('malformed input', () => {
  it('a wrong wire type on a known field is protobuf_malformed naming the field', () => {
    const cases: [string, string][] = [
      ['0801', 'content.dataMessage'], // dataMessage as a varint
      [len('7a', '01'), 'content.sigTimestamp'], // sigTimestamp as bytes
      [len('0a', '0801'), 'content.dataMessage.body'], // body as a varint
      [len('0a', len('12', '0801')), 'content.dataMessage.attachments[0].id'], // attachment id as a varint, not fixed64
      [len('0a', '2501000000'), 'content.dataMessage.flags'], // flags (4) as fixed32
      ['6501000000', 'content.expirationType'],
    ];
    for (const [hex, path] of cases) {
      expect(errorOf(() => decodeContent(fromHex(hex))).details, hex).toMatchObject({ problem: 'wire_type', path });
    }
  });

  it('lengths past the end and over-long varints, at any depth', () => {
    expect(errorOf(() => decodeContent(fromHex('0a05' + '0a01'))).details['problem']).toBe('length');
    expect(errorOf(() => decodeContent(fromHex(len('0a', '0a05' + '6869')))).details).toMatchObject({
      problem: 'length',
      path: 'content.dataMessage.body',
    });
    expect(errorOf(() => decodeContent(fromHex('78' + 'ff'.repeat(10) + '01'))).details['problem']).toBe('varint_too_long');
    expect(errorOf(() => decodeEnvelope(fromHex('0806' + '28' + '80'.repeat(10) + '00'))).details['problem']).toBe('varint_too_long');
  });

  it('a real encoded message truncated at every length: decodes or fails as protobuf_malformed, nothing else', () => {
    const whole = fromHex(fullContentHex);
    let failures = 0;
    for (let length = 0; length < whole.length; length++) {
      try {
        decodeContent(whole.subarray(0, length));
      } catch (error) {
        expect(isParleyError(error, 'protobuf_malformed'), `length ${length}`).toBe(true);
        failures++;
      }
    }
    // Prefixes that end on a top-level field boundary are valid Contents; all others must fail.
    expect(failures).toBeGreaterThan(whole.length - 12);
  });
  // Random bytes and random mutations of real messages: protocol.fuzz.test.ts.
});

describe('encoder entry checks name the field', () => {
  const bad: [string, unknown, string][] = [
    ['content not an object', 'text', 'content'],
    ['content null', null, 'content'],
    ['dataMessage an array', { dataMessage: [] }, 'content.dataMessage'],
    ['body a number', { dataMessage: { body: 5 } }, 'content.dataMessage.body'],
    ['attachments not an array', { dataMessage: { attachments: { id: 1n } } }, 'content.dataMessage.attachments'],
    ['attachment id a number', { dataMessage: { attachments: [{ id: 1 }] } }, 'content.dataMessage.attachments[0].id'],
    ['attachment not an object', { dataMessage: { attachments: [7] } }, 'content.dataMessage.attachments[0]'],
    ['profileKey an array', { dataMessage: { profileKey: [1] } }, 'content.dataMessage.profileKey'],
    ['flags fractional', { dataMessage: { flags: 0.5 } }, 'content.dataMessage.flags'],
    ['sigTimestamp negative', { sigTimestamp: -1 }, 'content.sigTimestamp'],
    ['sigTimestamp past 2^53 - 1', { sigTimestamp: 2 ** 53 }, 'content.sigTimestamp'],
    ['expirationTimer past uint32', { expirationTimer: 2 ** 32 }, 'content.expirationTimer'],
    ['receipt timestamps not an array', { receiptMessage: { type: 'read', timestamps: 1 } }, 'content.receiptMessage.timestamps'],
    ['receipt timestamp a string', { receiptMessage: { type: 'read', timestamps: [1, '2'] } }, 'content.receiptMessage.timestamps[1]'],
    ['isApproved a string', { messageRequestResponse: { isApproved: 'yes' } }, 'content.messageRequestResponse.isApproved'],
    ['profile name with a lone surrogate', { dataMessage: { profile: { displayName: '\uDC00' } } }, 'content.dataMessage.profile.displayName'],
    ['quote a string', { dataMessage: { quote: 'q' } }, 'content.dataMessage.quote'],
  ];

  it.each(bad)('%s', (_, value, param) => {
    const error = errorOf(() => encodeContent(value as Content));
    expect(error.code).toBe('invalid_argument');
    expect(error.details['param']).toBe(param);
  });

  it('decoders refuse something that is not bytes', () => {
    expect(errorOf(() => decodeContent([1, 2] as unknown as Uint8Array)).code).toBe('invalid_argument');
    expect(errorOf(() => decodeEnvelope(undefined as unknown as Uint8Array)).code).toBe('invalid_argument');
  });
});
