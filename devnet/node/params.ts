/**
 * Strict reading of storage-RPC parameters, with the storage server's own error texts
 * (session-storage-server v2.8.0 `rpc/client_rpc_endpoints.cpp`). Every reader treats a missing
 * key and a JSON null alike, and throws `ParamError` for a value of the wrong type; the caller
 * answers 400 "invalid request: <message>".
 */
import { bytesOfHex, hexOf, isHex, isServerBase64, utf8Bytes, utf8Length } from './encoding.ts';
import type { JsonObject } from './json.ts';

/** A request the server refuses to parse: HTTP 400 "invalid request: " + message. */
export class ParamError extends Error {
  override readonly name = 'ParamError';
}

export const NAMESPACE_MIN = -32768;
export const NAMESPACE_MAX = 32767;
/** Timestamps under 1 000 000 seconds are taken to be seconds sent by mistake. */
const MIN_MILLISECONDS = 1_000_000_000;
const INT64_LIMIT = 2 ** 63;
const SUBACCOUNT_TOKEN_BYTES = 36;

export type NamespaceSelector = number | 'all';

/** An account key: a network-id byte and 32 key bytes (`05…` Session ID, `03…` group, …). */
export interface AccountKey {
  readonly type: number;
  readonly key: Uint8Array;
  /** 66 lowercase hex digits, the form signatures and the database use. */
  readonly hex: string;
}

/** The authentication fields shared by the signed methods (signature as sent, in base64). */
export interface Auth {
  readonly signature: string;
  readonly pubkeyEd25519?: Uint8Array;
  readonly subaccount?: { readonly token: Uint8Array; readonly signature: string };
}

function present(params: JsonObject, name: string): unknown {
  const value = Object.hasOwn(params, name) ? params[name] : undefined;
  return value === null ? undefined : value;
}

function wrongType(name: string, expected: string): ParamError {
  return new ParamError(`Invalid value given for '${name}': expected ${expected}`);
}

/**
 * A JSON integer as the server's parser sees one: numbers past the 64-bit range become floats
 * there. (Integers written with a fraction or exponent, like `2.0`, are floats there too; JSON.parse
 * cannot tell them apart, so the devnet accepts them.)
 */
function isInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= -INT64_LIMIT && value < 2 * INT64_LIMIT;
}

/** JSON's unsigned integers: no sign, so -0 does not count. */
function isUnsigned(value: unknown): value is number {
  return isInteger(value) && value >= 0 && !Object.is(value, -0);
}

/** C++ `int` from a JSON integer: wraps modulo 2^32 like the server's conversion. */
function toInt32(value: number): number {
  return Number.isSafeInteger(value) ? Number(BigInt.asIntN(32, BigInt(value))) : 0;
}

export function readString(params: JsonObject, name: string): string | undefined {
  const value = present(params, name);
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw wrongType(name, 'string');
  return value;
}

export function readBool(params: JsonObject, name: string): boolean | undefined {
  const value = present(params, name);
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw wrongType(name, 'boolean');
  return value;
}

export function readInt(params: JsonObject, name: string): number | undefined {
  const value = present(params, name);
  if (value === undefined) return undefined;
  if (!isInteger(value)) throw wrongType(name, 'integer');
  return toInt32(value);
}

export function readTimestamp(params: JsonObject, name: string): number | undefined {
  const value = present(params, name);
  if (value === undefined) return undefined;
  if (!isUnsigned(value)) throw wrongType(name, 'integer timestamp (in milliseconds)');
  // Values past int64 wrap negative on the server, which then calls them seconds.
  if (value < MIN_MILLISECONDS || value >= INT64_LIMIT) {
    throw new ParamError(`Invalid timestamp for '${name}': timestamp must be in milliseconds`);
  }
  return value;
}

export function readNamespace(params: JsonObject, name: string): number | undefined {
  const value = present(params, name);
  if (value === undefined) return undefined;
  if (!isInteger(value)) throw wrongType(name, '16-bit integer');
  return checkNamespaceRange(value, name);
}

export function readNamespaceSelector(params: JsonObject, name: string): NamespaceSelector | undefined {
  const value = present(params, name);
  if (value === undefined) return undefined;
  if (isInteger(value)) return checkNamespaceRange(value, name);
  if (value === 'all') return 'all';
  throw wrongType(name, 'integer or "all"');
}

function checkNamespaceRange(value: number, name: string): number {
  if (value < NAMESPACE_MIN || value > NAMESPACE_MAX) {
    throw new ParamError(`Invalid value given for '${name}': value out of range`);
  }
  return value === 0 ? 0 : value;
}

/** A list of strings, or one string standing for a list of one. */
export function readStringArray(params: JsonObject, name: string): string[] | undefined {
  const value = present(params, name);
  if (value === undefined) return undefined;
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  throw wrongType(name, 'string array');
}

export function readIntArray(params: JsonObject, name: string): number[] | undefined {
  const value = present(params, name);
  if (value === undefined) return undefined;
  if (isInteger(value)) return [toInt32(value)];
  if (Array.isArray(value) && value.every(isInteger)) return (value as number[]).map(toInt32);
  throw wrongType(name, 'integer array');
}

export function readTimestampArray(params: JsonObject, name: string): number[] | undefined {
  const value = present(params, name);
  if (value === undefined) return undefined;
  // Values past int64 wrap negative on the server (and then fail its clock checks).
  const wrap = (v: number) => (v >= INT64_LIMIT ? v - 2 * INT64_LIMIT : v);
  if (isUnsigned(value)) return [wrap(value)];
  if (Array.isArray(value) && value.every(isUnsigned)) return (value as number[]).map(wrap);
  throw wrongType(name, 'timestamp array');
}

/**
 * `store.timestamp` (signed) and `store.ttl` (unsigned) may also be decimal strings, for old
 * clients. A string must be an integer and nothing else.
 */
export function readStringifiedInteger(
  params: JsonObject,
  name: string,
  signed: boolean,
): number | undefined {
  const value = present(params, name);
  if (typeof value === 'string') {
    const parsed = parseDecimal(value, signed);
    if (parsed === undefined) throw new ParamError(`Invalid value given for '${name}': ${JSON.stringify(value)}`);
    return parsed;
  }
  if (value === undefined) return undefined;
  if (signed && isInteger(value)) return value;
  if (!signed && isUnsigned(value)) return value;
  throw wrongType(name, signed ? 'integer' : 'positive integer');
}

function parseDecimal(text: string, signed: boolean): number | undefined {
  if (!(signed ? /^-?[0-9]+$/ : /^[0-9]+$/).test(text)) return undefined;
  const big = BigInt(text);
  const fits = signed ? big >= -(2n ** 63n) && big < 2n ** 63n : big < 2n ** 64n;
  return fits ? Number(big) : undefined;
}

export function requireField<T>(name: string, value: T | undefined): T {
  if (value === undefined) throw new ParamError(`Required field '${name}' missing`);
  return value;
}

export function requireAtMostOne(first: string, a: unknown, second: string, b: unknown): void {
  if (a !== undefined && b !== undefined) throw new ParamError(`Cannot specify both '${first}' and '${second}'`);
}

/** `pubkey` and its alias `pubKey`: exactly one, and the error names only `pubkey`. */
export function eitherAlias(first: string, a: string | undefined, second: string, b: string | undefined): string {
  requireAtMostOne(first, a, second, b);
  return requireField(first, a ?? b);
}

/** 66 hex digits, or 33 raw bytes; `undefined` for anything else. */
export function accountKeyOf(text: string): AccountKey | undefined {
  let bytes: Uint8Array;
  if (text.length === 66 && isHex(text)) bytes = bytesOfHex(text);
  else if (utf8Length(text) === 33) bytes = utf8Bytes(text);
  else return undefined;
  return { type: bytes[0] ?? 0, key: bytes.slice(1), hex: hexOf(bytes) };
}

export function loadAccountKey(pubkey: string | undefined): AccountKey {
  const key = accountKeyOf(requireField('pubkey', pubkey));
  if (key === undefined) throw new ParamError('Pubkey must be 66 hex digits (33 bytes) long');
  return key;
}

/** Parses (does not verify) a required signature, with `pubkey_ed25519` allowed only for 05 keys. */
export function loadSignature(
  account: AccountKey,
  pubkeyEd25519: string | undefined,
  signature: string | undefined,
): { signature: string; pubkeyEd25519?: Uint8Array } {
  const sig = requireField('signature', signature);
  let edKey: Uint8Array | undefined;
  if (pubkeyEd25519 !== undefined) {
    if (account.type !== 5) throw new ParamError('pubkey_ed25519 is only permitted for 05[...] pubkeys');
    if (utf8Length(pubkeyEd25519) === 64) {
      if (!isHex(pubkeyEd25519)) throw new ParamError('invalid pubkey_ed25519: value is not hex');
      edKey = bytesOfHex(pubkeyEd25519);
    } else if (utf8Length(pubkeyEd25519) === 32) {
      edKey = utf8Bytes(pubkeyEd25519);
    } else {
      throw new ParamError('Invalid pubkey_ed25519: expected 64 hex char or 32 byte pubkey');
    }
  }
  if (!isSignatureText(sig)) throw new ParamError('invalid signature: expected base64 encoded Ed25519 signature');
  return edKey === undefined ? { signature: sig } : { signature: sig, pubkeyEd25519: edKey };
}

/** The subaccount token is parsed like the server does; verifying it is not implemented (see docs). */
export function loadSubaccount(
  subaccount: string | undefined,
  subaccountSig: string | undefined,
): Auth['subaccount'] | undefined {
  if (subaccount === undefined || subaccount === '') return undefined;
  if (subaccountSig === undefined) {
    throw new ParamError('invalid subaccount: subaccount_sig is required when using subaccount');
  }
  let token: Uint8Array;
  if (isServerBase64(subaccount) && subaccount.length === (SUBACCOUNT_TOKEN_BYTES * 4) / 3) {
    token = new Uint8Array(Buffer.from(subaccount, 'base64'));
  } else if (isHex(subaccount) && subaccount.length === SUBACCOUNT_TOKEN_BYTES * 2) {
    token = bytesOfHex(subaccount);
  } else {
    throw new ParamError('invalid subaccount: expected base64 or hex-encoded subaccount token');
  }
  if (!isSignatureText(subaccountSig)) {
    throw new ParamError('invalid subaccount signature: expected base64 encoded Ed25519 signature');
  }
  return { token, signature: subaccountSig };
}

function isSignatureText(text: string): boolean {
  return isServerBase64(text) && (text.length === 86 || (text.length === 88 && text.endsWith('==')));
}

/** A message hash as requests must give it: 43 base64 characters. */
export function isMessageHash(text: string): boolean {
  return text.length === 43 && isServerBase64(text);
}
