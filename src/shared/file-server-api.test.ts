import { describe, expect, it } from 'vitest';
import { mainnetProfile, devnetProfile } from '../core/net/network-profile.ts';
import { isFileId, parseFileServerProfile, SESSION_FILE_SERVER } from './file-server-api.ts';

const KEY = 'ab'.repeat(32);

describe('parseFileServerProfile', () => {
  it('takes an http(s) origin with two 64-hex keys', () => {
    expect(parseFileServerProfile({ url: 'http://127.0.0.1:22098', ed25519PublicKeyHex: KEY, x25519PublicKeyHex: KEY })).toEqual({
      url: 'http://127.0.0.1:22098',
      ed25519PublicKeyHex: KEY,
      x25519PublicKeyHex: KEY,
    });
    expect(parseFileServerProfile(SESSION_FILE_SERVER)).toEqual(SESSION_FILE_SERVER);
  });

  it('refuses anything else', () => {
    for (const value of [
      null,
      'http://x',
      { url: 'ftp://x', ed25519PublicKeyHex: KEY, x25519PublicKeyHex: KEY },
      { url: 'http://x/path', ed25519PublicKeyHex: KEY, x25519PublicKeyHex: KEY },
      { url: 'http://user@x', ed25519PublicKeyHex: KEY, x25519PublicKeyHex: KEY },
      { url: 'not a url', ed25519PublicKeyHex: KEY, x25519PublicKeyHex: KEY },
      { url: 'http://x', ed25519PublicKeyHex: KEY.toUpperCase(), x25519PublicKeyHex: KEY },
      { url: 'http://x', ed25519PublicKeyHex: KEY, x25519PublicKeyHex: KEY.slice(2) },
    ]) {
      expect(parseFileServerProfile(value), JSON.stringify(value)).toBeUndefined();
    }
  });
});

describe('file ids and profiles', () => {
  it('knows both id forms', () => {
    expect(isFileId('A'.repeat(44))).toBe(true);
    expect(isFileId('1234567890123')).toBe(true);
    expect(isFileId('../x')).toBe(false);
    expect(isFileId('A'.repeat(43))).toBe(false);
  });

  it("mainnet points at Session's file server; a devnet at the one its relay names", () => {
    expect(mainnetProfile('http://127.0.0.1:1/').fileServer).toEqual(SESSION_FILE_SERVER);
    expect(devnetProfile('http://127.0.0.1:1/').fileServer).toBeUndefined();
    const named = { url: 'http://127.0.0.1:2', ed25519PublicKeyHex: KEY, x25519PublicKeyHex: KEY };
    expect(devnetProfile('http://127.0.0.1:1/', { fileServer: named }).fileServer).toEqual(named);
  });
});
