/** Test helper: a file id in the file server's modern form (44 url-safe base64 characters) for fake servers. */
import { createHash } from 'node:crypto';

export function fileIdOfForTests(body: Uint8Array): string {
  // Not the server's BLAKE2b (devnet/file-server/file-id.ts): any 33-byte digest has the id's shape.
  return Buffer.concat([createHash('sha256').update(body).digest(), Buffer.alloc(1)]).toString('base64url');
}
