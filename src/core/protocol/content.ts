/**
 * Content, the plaintext inside a 1:1 sealed box (client-protocol.md §4.3, §4.6, §8), and the
 * control messages it carries. Not decoded, so skipped as unknown fields: callMessage (3, calls are
 * out of scope) and the Pro fields (16, 17).
 */
import { checkArray, checkObject } from '../../../wasm/check.ts';
import {
  dataExtractionTypes,
  expirationTypes,
  receiptTypes,
  typingActions,
  type DataExtractionType,
  type ExpirationType,
  type ReceiptType,
  type TypingAction,
} from './enums.ts';
import {
  decodeDataMessage,
  decodeLokiProfile,
  encodeDataMessage,
  encodeLokiProfile,
  type DataMessage,
  type LokiProfile,
} from './data-message.ts';
import {
  encodeOptional,
  Reader,
  requireDecoded,
  requireForEncode,
  Writer,
  type Draft,
} from './wire.ts';

export interface ReceiptMessage {
  readonly type: ReceiptType;
  /** Field 2 (`timestamp`, repeated): the sent timestamps of the messages acknowledged. */
  readonly timestamps?: readonly number[];
}

export interface TypingMessage {
  /** Equals the envelope timestamp. */
  readonly timestamp: number;
  readonly action: TypingAction;
}

/** "Delete for everyone": `Unsend` in desktop's .proto. */
export interface UnsendRequest {
  /** The target message's sent timestamp. */
  readonly timestamp: number;
  /** The target message's author; receivers drop the request unless it is the sender. */
  readonly author: string;
}

export interface MessageRequestResponse {
  readonly isApproved: boolean;
  readonly profileKey?: Uint8Array;
  readonly profile?: LokiProfile;
}

export interface DataExtractionNotification {
  readonly type: DataExtractionType;
  readonly timestamp?: number;
}

export interface Content {
  readonly dataMessage?: DataMessage;
  readonly receiptMessage?: ReceiptMessage;
  readonly typingMessage?: TypingMessage;
  readonly dataExtractionNotification?: DataExtractionNotification;
  /** Field 9 (`unsendMessage` in desktop). */
  readonly unsendRequest?: UnsendRequest;
  readonly messageRequestResponse?: MessageRequestResponse;
  /** Disappearing-messages mode of this message. */
  readonly expirationType?: ExpirationType;
  /** Seconds; 0 means off. */
  readonly expirationTimer?: number;
  /** Must equal Envelope.timestamp. */
  readonly sigTimestamp?: number;
}

export function encodeContent(content: Content, path = 'content'): Uint8Array {
  checkObject(content, path);
  const w = new Writer(path);
  w.message(1, encodeOptional(content.dataMessage, `${path}.dataMessage`, encodeDataMessage));
  w.message(5, encodeOptional(content.receiptMessage, `${path}.receiptMessage`, encodeReceiptMessage));
  w.message(6, encodeOptional(content.typingMessage, `${path}.typingMessage`, encodeTypingMessage));
  w.message(
    8,
    encodeOptional(content.dataExtractionNotification, `${path}.dataExtractionNotification`, encodeDataExtraction),
  );
  w.message(9, encodeOptional(content.unsendRequest, `${path}.unsendRequest`, encodeUnsendRequest));
  w.message(
    10,
    encodeOptional(content.messageRequestResponse, `${path}.messageRequestResponse`, encodeMessageRequestResponse),
  );
  w.enumOf(12, content.expirationType, expirationTypes, 'expirationType');
  w.uint32(13, content.expirationTimer, 'expirationTimer');
  w.uint64(15, content.sigTimestamp, 'sigTimestamp');
  return w.finish();
}

export function decodeContent(bytes: Uint8Array, path = 'content'): Content {
  const r = new Reader(bytes, path);
  const out: Draft<Content> = {};
  while (!r.done) {
    const tag = r.tag();
    const wt = tag.wireType;
    switch (tag.field) {
      case 1: out.dataMessage = r.message(wt, 'dataMessage', decodeDataMessage); break;
      case 5: out.receiptMessage = r.message(wt, 'receiptMessage', decodeReceiptMessage); break;
      case 6: out.typingMessage = r.message(wt, 'typingMessage', decodeTypingMessage); break;
      case 8: out.dataExtractionNotification = r.message(wt, 'dataExtractionNotification', decodeDataExtraction); break;
      case 9: out.unsendRequest = r.message(wt, 'unsendRequest', decodeUnsendRequest); break;
      case 10: out.messageRequestResponse = r.message(wt, 'messageRequestResponse', decodeRequestResponse); break;
      case 12: out.expirationType = expirationTypes.decode(r.enumValue(wt, 'expirationType')); break;
      case 13: out.expirationTimer = r.uint32(wt, 'expirationTimer'); break;
      case 15: out.sigTimestamp = r.uint64(wt, 'sigTimestamp'); break;
      default: r.skip(tag);
    }
  }
  return out;
}

function encodeReceiptMessage(value: ReceiptMessage, path: string): Uint8Array {
  requireForEncode(value.type, `${path}.type`);
  const w = new Writer(path);
  w.enumOf(1, value.type, receiptTypes, 'type');
  // proto2 repeated scalars are unpacked unless the .proto says packed, and Session's does not.
  if (value.timestamps !== undefined) {
    checkArray(value.timestamps, `${path}.timestamps`);
    value.timestamps.forEach((timestamp, i) => w.uint64(2, timestamp, `timestamps[${i}]`));
  }
  return w.finish();
}

function decodeReceiptMessage(bytes: Uint8Array, path: string): ReceiptMessage {
  const r = new Reader(bytes, path);
  const out: Draft<ReceiptMessage> = {};
  const timestamps: number[] = [];
  while (!r.done) {
    const tag = r.tag();
    const wt = tag.wireType;
    switch (tag.field) {
      case 1: out.type = receiptTypes.decode(r.enumValue(wt, 'type')); break;
      case 2: r.repeatedUint64(wt, 'timestamps', timestamps); break;
      default: r.skip(tag);
    }
  }
  requireDecoded(out.type, r.field('type'));
  if (timestamps.length > 0) out.timestamps = timestamps;
  return out as ReceiptMessage;
}

function encodeTypingMessage(value: TypingMessage, path: string): Uint8Array {
  requireForEncode(value.timestamp, `${path}.timestamp`);
  requireForEncode(value.action, `${path}.action`);
  const w = new Writer(path);
  w.uint64(1, value.timestamp, 'timestamp');
  w.enumOf(2, value.action, typingActions, 'action');
  return w.finish();
}

function decodeTypingMessage(bytes: Uint8Array, path: string): TypingMessage {
  const r = new Reader(bytes, path);
  const out: Draft<TypingMessage> = {};
  while (!r.done) {
    const tag = r.tag();
    const wt = tag.wireType;
    switch (tag.field) {
      case 1: out.timestamp = r.uint64(wt, 'timestamp'); break;
      case 2: out.action = typingActions.decode(r.enumValue(wt, 'action')); break;
      default: r.skip(tag);
    }
  }
  requireDecoded(out.timestamp, r.field('timestamp'));
  requireDecoded(out.action, r.field('action'));
  return out as TypingMessage;
}

function encodeUnsendRequest(value: UnsendRequest, path: string): Uint8Array {
  requireForEncode(value.timestamp, `${path}.timestamp`);
  requireForEncode(value.author, `${path}.author`);
  const w = new Writer(path);
  w.uint64(1, value.timestamp, 'timestamp');
  w.string(2, value.author, 'author');
  return w.finish();
}

function decodeUnsendRequest(bytes: Uint8Array, path: string): UnsendRequest {
  const r = new Reader(bytes, path);
  const out: Draft<UnsendRequest> = {};
  while (!r.done) {
    const tag = r.tag();
    const wt = tag.wireType;
    switch (tag.field) {
      case 1: out.timestamp = r.uint64(wt, 'timestamp'); break;
      case 2: out.author = r.string(wt, 'author'); break;
      default: r.skip(tag);
    }
  }
  requireDecoded(out.timestamp, r.field('timestamp'));
  requireDecoded(out.author, r.field('author'));
  return out as UnsendRequest;
}

function encodeMessageRequestResponse(value: MessageRequestResponse, path: string): Uint8Array {
  requireForEncode(value.isApproved, `${path}.isApproved`);
  const w = new Writer(path);
  w.bool(1, value.isApproved, 'isApproved');
  w.bytes(2, value.profileKey, 'profileKey');
  w.message(3, encodeOptional(value.profile, `${path}.profile`, encodeLokiProfile));
  return w.finish();
}

function decodeRequestResponse(bytes: Uint8Array, path: string): MessageRequestResponse {
  const r = new Reader(bytes, path);
  const out: Draft<MessageRequestResponse> = {};
  while (!r.done) {
    const tag = r.tag();
    const wt = tag.wireType;
    switch (tag.field) {
      case 1: out.isApproved = r.bool(wt, 'isApproved'); break;
      case 2: out.profileKey = r.bytes(wt, 'profileKey'); break;
      case 3: out.profile = r.message(wt, 'profile', decodeLokiProfile); break;
      default: r.skip(tag);
    }
  }
  requireDecoded(out.isApproved, r.field('isApproved'));
  return out as MessageRequestResponse;
}

function encodeDataExtraction(value: DataExtractionNotification, path: string): Uint8Array {
  requireForEncode(value.type, `${path}.type`);
  const w = new Writer(path);
  w.enumOf(1, value.type, dataExtractionTypes, 'type');
  w.uint64(2, value.timestamp, 'timestamp');
  return w.finish();
}

function decodeDataExtraction(bytes: Uint8Array, path: string): DataExtractionNotification {
  const r = new Reader(bytes, path);
  const out: Draft<DataExtractionNotification> = {};
  while (!r.done) {
    const tag = r.tag();
    const wt = tag.wireType;
    switch (tag.field) {
      case 1: out.type = dataExtractionTypes.decode(r.enumValue(wt, 'type')); break;
      case 2: out.timestamp = r.uint64(wt, 'timestamp'); break;
      default: r.skip(tag);
    }
  }
  requireDecoded(out.type, r.field('type'));
  return out as DataExtractionNotification;
}
