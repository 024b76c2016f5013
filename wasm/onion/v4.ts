/**
 * The "v4" onion payload for servers (file server, SOGS, push; network-protocol.md §4.4, §8.5):
 * a bencoded list of one or two byte strings, `l<len>:<json meta>[<len>:<body>]e`.
 * Pure byte handling, no crypto; every decoding fault is onion_malformed.
 */
import { fromUtf8, utf8 } from '../bytes.ts';
import { checkBytes, checkInteger, checkObject, checkString } from '../check.ts';
import { ParleyError } from '../../src/shared/errors.ts';
import { isPlainObject } from './layer.ts';

export type V4Headers = Readonly<Record<string, string>>;

export interface V4Request {
  readonly method: string;
  /** Path and query, starting with "/". */
  readonly endpoint: string;
  readonly headers: V4Headers;
  /** Absent means a one-part request (no body string at all). */
  readonly body?: Uint8Array | undefined;
}

export interface V4Reply {
  /** The server's real HTTP status; the outer HTTP status of the onion reply says nothing. */
  readonly code: number;
  /** Lower-case names as servers send them. */
  readonly headers: V4Headers;
  readonly body: Uint8Array;
}

const LIST_START = 0x6c; // 'l'
const LIST_END = 0x65; // 'e'
const COLON = 0x3a;
const MAX_LENGTH_DIGITS = 10;

export function encodeV4Request(request: V4Request): Uint8Array {
  checkObject(request, 'request');
  checkString(request.method, 'request.method');
  checkEndpoint(request.endpoint, 'request.endpoint');
  checkHeaders(request.headers, 'request.headers');
  if (request.body !== undefined) checkBytes(request.body, 'request.body');
  // Key order method, endpoint, headers: the order of §8.5's vectors.
  const meta = utf8(JSON.stringify({ method: request.method, endpoint: request.endpoint, headers: request.headers }));
  return encodeBencodedStrings(request.body === undefined ? [meta] : [meta, request.body]);
}

/** The server side: SOGS's rules (one or two parts, endpoint starting with "/", headers optional). */
export function decodeV4Request(bytes: Uint8Array): V4Request {
  const [meta, body] = decodeV4Parts(bytes, 'request');
  const method = meta['method'];
  const endpoint = meta['endpoint'];
  if (typeof method !== 'string' || method.length === 0) malformed('meta_method', 'v4 request has no method');
  if (typeof endpoint !== 'string' || !endpoint.startsWith('/')) {
    malformed('meta_endpoint', 'v4 request endpoint must start with "/"');
  }
  const headers = headersFromMeta(meta['headers']);
  return body === undefined ? { method, endpoint, headers } : { method, endpoint, headers, body };
}

/** Always two parts, as servers reply (§4.4). */
export function encodeV4Reply(reply: V4Reply): Uint8Array {
  checkObject(reply, 'reply');
  checkInteger(reply.code, 'reply.code', 100, 999);
  checkHeaders(reply.headers, 'reply.headers');
  checkBytes(reply.body, 'reply.body');
  const meta = utf8(JSON.stringify({ code: reply.code, headers: reply.headers }));
  return encodeBencodedStrings([meta, reply.body]);
}

/** Accepts a one-part reply as an empty body; the meta JSON may use any formatting (pysogs adds spaces). */
export function decodeV4Reply(bytes: Uint8Array): V4Reply {
  const [meta, body] = decodeV4Parts(bytes, 'reply');
  const code = meta['code'];
  if (typeof code !== 'number' || !Number.isInteger(code) || code < 100 || code > 999) {
    malformed('meta_code', 'v4 reply has no valid code');
  }
  return { code, headers: headersFromMeta(meta['headers']), body: body ?? new Uint8Array(0) };
}

/** `l` then `<decimal length>:<bytes>` for each part, then `e`. */
export function encodeBencodedStrings(parts: readonly Uint8Array[]): Uint8Array {
  if (!Array.isArray(parts)) {
    throw new ParleyError('invalid_argument', 'parts must be an array', { param: 'parts', problem: 'type' });
  }
  const pieces: Uint8Array[] = [Uint8Array.of(LIST_START)];
  for (const [i, part] of parts.entries()) {
    checkBytes(part, `parts[${i}]`);
    pieces.push(utf8(`${part.length}:`), part);
  }
  pieces.push(Uint8Array.of(LIST_END));
  const out = new Uint8Array(pieces.reduce((sum, p) => sum + p.length, 0));
  let offset = 0;
  for (const piece of pieces) {
    out.set(piece, offset);
    offset += piece.length;
  }
  return out;
}

/**
 * Strict: a list holding only byte strings, canonical lengths (no sign, no leading zero), every
 * length inside the buffer, and nothing after the closing `e`.
 */
export function decodeBencodedStrings(bytes: Uint8Array, name = 'bytes'): Uint8Array[] {
  checkBytes(bytes, name);
  if (bytes[0] !== LIST_START) malformed('bencode_not_list', `${name} is not a bencoded list`);
  const parts: Uint8Array[] = [];
  let pos = 1;
  for (;;) {
    if (pos >= bytes.length) malformed('bencode_truncated', `${name} ends inside the list`);
    if (bytes[pos] === LIST_END) break;
    const digitsStart = pos;
    while (pos < bytes.length && isDigit(bytes[pos]!)) pos++;
    const digits = pos - digitsStart;
    if (digits === 0 || bytes[pos] !== COLON) malformed('bencode_length', `${name} has a part without N: prefix`);
    if (digits > MAX_LENGTH_DIGITS || (digits > 1 && bytes[digitsStart] === 0x30)) {
      malformed('bencode_length', `${name} has a non-canonical part length`);
    }
    const length = Number(fromUtf8(bytes.subarray(digitsStart, pos)));
    pos++; // the colon
    if (length > bytes.length - pos) malformed('bencode_truncated', `${name} part length exceeds the buffer`);
    parts.push(bytes.slice(pos, pos + length));
    pos += length;
  }
  if (pos !== bytes.length - 1) malformed('bencode_trailing', `${name} has bytes after the list`);
  return parts;
}

function decodeV4Parts(bytes: Uint8Array, name: string): [Record<string, unknown>, Uint8Array | undefined] {
  const parts = decodeBencodedStrings(bytes, name);
  if (parts.length < 1 || parts.length > 2) malformed('v4_parts', `v4 ${name} must have one or two parts`);
  let meta: unknown;
  try {
    meta = JSON.parse(fromUtf8(parts[0]!));
  } catch {
    malformed('meta_not_json', `v4 ${name} meta is not JSON`);
  }
  if (!isPlainObject(meta)) malformed('meta_not_object', `v4 ${name} meta is not a JSON object`);
  return [meta, parts[1]];
}

function headersFromMeta(value: unknown): V4Headers {
  if (value === undefined) return {};
  if (!isPlainObject(value) || !Object.values(value).every((v) => typeof v === 'string')) {
    malformed('meta_headers', 'v4 headers must be an object of strings');
  }
  return value as V4Headers;
}

function checkEndpoint(value: unknown, name: string): asserts value is string {
  checkString(value, name);
  if (!value.startsWith('/')) {
    throw new ParleyError('invalid_argument', `${name} must start with "/"`, { param: name, problem: 'value' });
  }
}

function checkHeaders(value: unknown, name: string): asserts value is V4Headers {
  if (!isPlainObject(value) || !Object.values(value).every((v) => typeof v === 'string')) {
    throw new ParleyError('invalid_argument', `${name} must be an object of string values`, {
      param: name,
      problem: 'type',
    });
  }
}

function isDigit(byte: number): boolean {
  return byte >= 0x30 && byte <= 0x39;
}

function malformed(reason: string, message: string): never {
  throw new ParleyError('onion_malformed', message, { reason });
}
