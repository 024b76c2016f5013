import { fromHex } from './bytes.ts';
import { checkString } from './check.ts';
import { ParleyError } from '../src/shared/errors.ts';

/**
 * Session IDs typed or pasted to start a conversation (client-protocol.md §10): "05" followed by
 * the 64-hex-char X25519 public key. Blinded IDs (15, 25) belong to communities and cannot receive
 * 1:1 messages. The key itself is not checked: any 32 bytes are a usable X25519 public key.
 */

export const SESSION_ID_LENGTH = 66;
const STANDARD_PREFIX = '05';
const BLINDED_PREFIXES: readonly string[] = ['15', '25'];

export interface ParsedSessionId {
  /** Lowercase, 66 hex chars, "05…". */
  readonly sessionId: string;
  readonly x25519PublicKey: Uint8Array;
}

/**
 * Parses a Session ID after trimming it and lowering its case. Errors, in this order:
 * `session_id_not_hex` {position (1-based, in the trimmed text), character}, `session_id_length`
 * {length, expected}, `session_id_blinded` {prefix}, `session_id_prefix` {prefix}.
 */
export function parseSessionId(text: string): ParsedSessionId {
  checkString(text, 'text');
  const id = text.trim().toLowerCase();
  // A non-hex character says "this is not an ID at all", more useful than a length for pasted words.
  const notHex = id.search(/[^0-9a-f]/);
  if (notHex !== -1) {
    throw new ParleyError('session_id_not_hex', `character ${notHex + 1} is not a hex digit`, {
      position: notHex + 1,
      character: String.fromCodePoint(id.codePointAt(notHex)!),
    });
  }
  if (id.length !== SESSION_ID_LENGTH) {
    throw new ParleyError('session_id_length', `a Session ID has ${SESSION_ID_LENGTH} hex digits, got ${id.length}`, {
      length: id.length,
      expected: SESSION_ID_LENGTH,
    });
  }
  const prefix = id.slice(0, 2);
  if (BLINDED_PREFIXES.includes(prefix)) {
    throw new ParleyError('session_id_blinded', `a blinded ID (${prefix}) cannot start a conversation`, { prefix });
  }
  if (prefix !== STANDARD_PREFIX) {
    throw new ParleyError('session_id_prefix', `a Session ID starts with 05, got ${prefix}`, { prefix });
  }
  return { sessionId: id, x25519PublicKey: fromHex(id.slice(2)) };
}

/** Whether `parseSessionId` would accept `text`; false for anything that is not a string. */
export function isSessionId(text: unknown): boolean {
  if (typeof text !== 'string') return false;
  const id = text.trim().toLowerCase();
  return id.length === SESSION_ID_LENGTH && id.startsWith(STANDARD_PREFIX) && /^[0-9a-f]+$/.test(id);
}

/** "05ab…7e9f": the first and last 4 characters, for logs and compact display. Short text is returned as is. */
export function shortSessionId(id: string): string {
  checkString(id, 'id');
  return id.length <= 9 ? id : `${id.slice(0, 4)}…${id.slice(-4)}`;
}
