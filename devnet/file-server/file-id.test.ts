import { describe, expect, it } from 'vitest';
import { FILE_ID_PATTERN } from '../../src/shared/file-server-api.ts';
import { fileIdOf } from './file-id.ts';

describe('fileIdOf', () => {
  it('is BLAKE2b-264 with the file server salt (pinned from Python hashlib.blake2b(digest_size=33, salt=…))', () => {
    // python3 -c "import hashlib; print(hashlib.blake2b(bytes([1,2,3]), digest_size=33, salt=b'SessionFileSvr\0\0').hexdigest())"
    const expected = Buffer.from('0196856f7058ad18c3866db5853f39cc8d47edfd8cd9e8fdcb75ac57f71dca9363', 'hex').toString('base64url');
    expect(fileIdOf(new Uint8Array([1, 2, 3]))).toBe(expected);
  });

  it('is 44 url-safe base64 characters, equal for equal bodies', () => {
    const id = fileIdOf(new Uint8Array(1000).fill(7));
    expect(id).toMatch(FILE_ID_PATTERN);
    expect(fileIdOf(new Uint8Array(1000).fill(7))).toBe(id);
    expect(fileIdOf(new Uint8Array(1000).fill(8))).not.toBe(id);
  });
});
