/**
 * The framing around a 1:1 message on a swarm (client-protocol.md §4.1, §4.2):
 * WebSocketMessage{ request: WebSocketRequestMessage{ body: Envelope{ content: sealed box } } }.
 * The WebSocket wrapper is a leftover of Signal's server protocol; receivers only read request.body.
 */
import { checkArray, checkObject } from '../../../wasm/check.ts';
import { envelopeTypes, webSocketMessageTypes, type EnvelopeType, type WebSocketMessageType } from './enums.ts';
import {
  encodeOptional,
  Reader,
  requireDecoded,
  requireForEncode,
  Writer,
  type Draft,
} from './wire.ts';

export interface WebSocketRequestMessage {
  /** "" from libsession, "PUT" from older desktop. */
  readonly verb?: string;
  /** "" from libsession, "/api/v1/message" from older desktop. */
  readonly path?: string;
  /** The serialized Envelope. */
  readonly body?: Uint8Array;
  /** Field 4 (`id`/`requestId`), uint64; clients send 0. */
  readonly requestId?: bigint;
  readonly headers?: readonly string[];
}

export interface WebSocketMessage {
  readonly type?: WebSocketMessageType;
  readonly request?: WebSocketRequestMessage;
}

export interface Envelope {
  readonly type: EnvelopeType;
  /** Left unset for 1:1 messages. */
  readonly source?: string;
  /** The sender's network time at sending, ms: the message's identity. */
  readonly timestamp: number;
  /** libsession writes 1; optional. */
  readonly sourceDevice?: number;
  /** The sealed box. */
  readonly content?: Uint8Array;
  readonly serverTimestamp?: number;
  /** Session Pro signature or decoy (64 bytes); Parley does not send it. */
  readonly proSig?: Uint8Array;
}

export function encodeWebSocketMessage(message: WebSocketMessage, path = 'webSocketMessage'): Uint8Array {
  checkObject(message, path);
  const w = new Writer(path);
  w.enumOf(1, message.type, webSocketMessageTypes, 'type');
  w.message(2, encodeOptional(message.request, `${path}.request`, encodeWebSocketRequestMessage));
  return w.finish();
}

export function decodeWebSocketMessage(bytes: Uint8Array, path = 'webSocketMessage'): WebSocketMessage {
  const r = new Reader(bytes, path);
  const out: Draft<WebSocketMessage> = {};
  while (!r.done) {
    const tag = r.tag();
    const wt = tag.wireType;
    switch (tag.field) {
      case 1: out.type = webSocketMessageTypes.decode(r.enumValue(wt, 'type')); break;
      case 2: out.request = r.message(wt, 'request', decodeWebSocketRequestMessage); break;
      default: r.skip(tag); // 3: response, never used for stored messages
    }
  }
  return out;
}

function encodeWebSocketRequestMessage(request: WebSocketRequestMessage, path: string): Uint8Array {
  const w = new Writer(path);
  w.string(1, request.verb, 'verb');
  w.string(2, request.path, 'path');
  w.bytes(3, request.body, 'body');
  w.uint64Big(4, request.requestId, 'requestId');
  if (request.headers !== undefined) {
    checkArray(request.headers, `${path}.headers`);
    request.headers.forEach((header, i) => w.string(5, header, `headers[${i}]`));
  }
  return w.finish();
}

function decodeWebSocketRequestMessage(bytes: Uint8Array, path: string): WebSocketRequestMessage {
  const r = new Reader(bytes, path);
  const out: Draft<WebSocketRequestMessage> = {};
  const headers: string[] = [];
  while (!r.done) {
    const tag = r.tag();
    const wt = tag.wireType;
    switch (tag.field) {
      case 1: out.verb = r.string(wt, 'verb'); break;
      case 2: out.path = r.string(wt, 'path'); break;
      case 3: out.body = r.bytes(wt, 'body'); break;
      case 4: out.requestId = r.uint64Big(wt, 'requestId'); break;
      case 5: headers.push(r.string(wt, 'headers')); break;
      default: r.skip(tag);
    }
  }
  if (headers.length > 0) out.headers = headers;
  return out;
}

export function encodeEnvelope(envelope: Envelope, path = 'envelope'): Uint8Array {
  checkObject(envelope, path);
  requireForEncode(envelope.type, `${path}.type`);
  requireForEncode(envelope.timestamp, `${path}.timestamp`);
  const w = new Writer(path);
  w.enumOf(1, envelope.type, envelopeTypes, 'type');
  w.string(2, envelope.source, 'source');
  w.uint64(5, envelope.timestamp, 'timestamp');
  w.uint32(7, envelope.sourceDevice, 'sourceDevice');
  w.bytes(8, envelope.content, 'content');
  w.uint64(10, envelope.serverTimestamp, 'serverTimestamp');
  w.bytes(11, envelope.proSig, 'proSig');
  return w.finish();
}

export function decodeEnvelope(bytes: Uint8Array, path = 'envelope'): Envelope {
  const r = new Reader(bytes, path);
  const out: Draft<Envelope> = {};
  while (!r.done) {
    const tag = r.tag();
    const wt = tag.wireType;
    switch (tag.field) {
      case 1: out.type = envelopeTypes.decode(r.enumValue(wt, 'type')); break;
      case 2: out.source = r.string(wt, 'source'); break;
      case 5: out.timestamp = r.uint64(wt, 'timestamp'); break;
      case 7: out.sourceDevice = r.uint32(wt, 'sourceDevice'); break;
      case 8: out.content = r.bytes(wt, 'content'); break;
      case 10: out.serverTimestamp = r.uint64(wt, 'serverTimestamp'); break;
      case 11: out.proSig = r.bytes(wt, 'proSig'); break;
      default: r.skip(tag);
    }
  }
  requireDecoded(out.type, r.field('type'));
  requireDecoded(out.timestamp, r.field('timestamp'));
  return out as Envelope;
}
