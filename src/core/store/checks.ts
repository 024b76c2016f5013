/**
 * Entry checks for the store's public functions: the shape of what may be written, so that a bad
 * value fails at the call with the parameter's name instead of landing in IndexedDB.
 */
import { checkInteger, checkObject, checkString } from '../../../wasm/check.ts';
import { ParleyError } from '../../shared/errors.ts';

const SESSION_ID = /^05[0-9a-f]{64}$/;
const ACCOUNT_PUBKEY = /^[0-9a-f]{66}$/;
const ED25519_HEX = /^[0-9a-f]{64}$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Longest text kept in a name or a swarm hash; message bodies have their own limit. */
const MAX_SHORT_TEXT = 1_000;

function invalid(name: string, problem: string, message: string): ParleyError {
  return new ParleyError('invalid_argument', `${name} ${message}`, { param: name, problem });
}

/** A canonical Session ID (lowercase): what every store key and index holds. */
export function checkSessionId(value: unknown, name: string): asserts value is string {
  checkString(value, name);
  if (!SESSION_ID.test(value)) throw invalid(name, 'format', 'must be "05" and 64 lowercase hex digits');
}

/** The storage server's account key (05 Session ID, 03 group, …): 66 lowercase hex digits. */
export function checkAccountPubkey(value: unknown, name: string): asserts value is string {
  checkString(value, name);
  if (!ACCOUNT_PUBKEY.test(value)) throw invalid(name, 'format', 'must be 66 lowercase hex digits');
}

export function checkEd25519Hex(value: unknown, name: string): asserts value is string {
  checkString(value, name);
  if (!ED25519_HEX.test(value)) throw invalid(name, 'format', 'must be 64 lowercase hex digits');
}

/** Milliseconds since the epoch (or a count): a non-negative safe integer. */
export function checkTime(value: unknown, name: string): asserts value is number {
  checkInteger(value, name, 0);
}

export function checkNullableTime(value: unknown, name: string): asserts value is number | null {
  if (value !== null) checkTime(value, name);
}

/** A non-empty string of bounded length (a swarm hash, a name). */
export function checkText(value: unknown, name: string, maxLength = MAX_SHORT_TEXT): asserts value is string {
  checkString(value, name);
  if (value.length === 0 || value.length > maxLength) {
    throw invalid(name, 'length', `must be 1 to ${maxLength} characters, got ${value.length}`);
  }
}

/** Any string up to `maxLength` characters, the empty one included (a message body). */
export function checkMaxLength(value: unknown, name: string, maxLength: number): asserts value is string {
  checkString(value, name);
  if (value.length > maxLength) throw invalid(name, 'length', `must be at most ${maxLength} characters, got ${value.length}`);
}

export function checkNullableText(value: unknown, name: string): asserts value is string | null {
  if (value !== null) checkText(value, name);
}

/** Standard base64 with padding, as stored payloads are sent to the storage server. */
export function checkBase64(value: unknown, name: string): asserts value is string {
  checkString(value, name);
  if (value.length === 0 || !BASE64.test(value)) throw invalid(name, 'encoding', 'must be padded standard base64');
}

export function checkOneOf<T extends string>(value: unknown, name: string, allowed: readonly T[]): asserts value is T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw invalid(name, 'value', `must be one of ${allowed.join(', ')}`);
  }
}

/** A ParleyError code as stored for a failed send: snake_case, bounded. */
export function checkErrorCode(value: unknown, name: string): asserts value is string {
  checkText(value, name, 64);
  if (!/^[a-z0-9_]+$/.test(value)) throw invalid(name, 'format', 'must be a snake_case error code');
}

/** A disappearing-messages setting: a known mode and a whole number of seconds (at most 30 days). */
export function checkDisappearingSetting(value: unknown, name: string): asserts value is { mode: 'after_send' | 'after_read'; timerSeconds: number } {
  checkObject(value, name);
  checkOneOf(value['mode'], `${name}.mode`, ['after_send', 'after_read'] as const);
  checkInteger(value['timerSeconds'], `${name}.timerSeconds`, 1, 30 * 24 * 3600);
}
