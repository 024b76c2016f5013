/**
 * The storage server's account key: a 1-byte network id (05 Session ID, 03 group, …) and 32 key
 * bytes, written as 66 hex digits (either case) or given as 33 raw bytes (network-protocol.md §3.2).
 */
import { fromHex } from './bytes.ts';
import { ParleyError } from '../src/shared/errors.ts';

export const ACCOUNT_PUBKEY_BYTES = 33;

/** The 33 bytes of an account pubkey. Bytes are returned as given (not copied); hex gives a new array. */
export function accountPubkeyBytes(pubkey: unknown, name = 'pubkey'): Uint8Array {
  if (pubkey instanceof Uint8Array) {
    if (pubkey.length !== ACCOUNT_PUBKEY_BYTES) {
      throw new ParleyError('invalid_argument', `${name} must be 33 bytes, got ${pubkey.length}`, {
        param: name,
        problem: 'length',
        expected: ACCOUNT_PUBKEY_BYTES,
        actual: pubkey.length,
      });
    }
    return pubkey;
  }
  if (typeof pubkey === 'string') {
    if (pubkey.length !== ACCOUNT_PUBKEY_BYTES * 2) {
      throw new ParleyError('invalid_argument', `${name} must be 66 hex digits, got ${pubkey.length} characters`, {
        param: name,
        problem: 'length',
        expected: ACCOUNT_PUBKEY_BYTES * 2,
        actual: pubkey.length,
      });
    }
    return fromHex(pubkey, name);
  }
  throw new ParleyError('invalid_argument', `${name} must be a 66-digit hex string or 33 bytes`, {
    param: name,
    problem: 'type',
  });
}
