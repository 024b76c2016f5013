/**
 * File ids in the file server's modern form (client-protocol.md §6.3): BLAKE2b-264 of the body with
 * salt "SessionFileSvr\0\0", as 44 url-safe base64 characters. Equal bodies get equal ids, so an
 * upload repeated after a lost answer lands on the same file. libsodium's generichash takes no salt
 * for a message, so this one hash comes from @noble/hashes.
 */
import { blake2b } from '@noble/hashes/blake2b';

const SALT = new TextEncoder().encode('SessionFileSvr\0\0');

export function fileIdOf(body: Uint8Array): string {
  return Buffer.from(blake2b(body, { dkLen: 33, salt: SALT })).toString('base64url');
}
