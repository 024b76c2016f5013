import { describe, expect, it } from 'vitest';
import { mainnetProfile, devnetProfile } from '../core/net/network-profile.ts';
import { attachmentUrl, isFileId, parseAttachmentUrl, parseFileServerProfile, SESSION_FILE_SERVER } from './file-server-api.ts';

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

describe('attachment URLs', () => {
  const id = 'A'.repeat(43) + 'b';
  it("Session's server has no p=, another server names its key", () => {
    expect(attachmentUrl(SESSION_FILE_SERVER, id)).toBe(`http://filev2.getsession.org/file/${id}`);
    const devnet = { url: 'http://127.0.0.1:22098', ed25519PublicKeyHex: KEY, x25519PublicKeyHex: KEY };
    expect(attachmentUrl(devnet, id)).toBe(`http://127.0.0.1:22098/file/${id}#p=${KEY}`);
    expect(parseAttachmentUrl(attachmentUrl(devnet, id))).toEqual({ serverUrl: 'http://127.0.0.1:22098', id, serverEd25519Hex: KEY, deterministic: false });
  });

  it('reads the fragment flags and refuses what is not a file URL', () => {
    expect(parseAttachmentUrl(`http://filev2.getsession.org/file/1234#d`)).toEqual({
      serverUrl: 'http://filev2.getsession.org',
      id: '1234',
      serverEd25519Hex: undefined,
      deterministic: true,
    });
    expect(parseAttachmentUrl(`http://filev2.getsession.org/file/${id}#d=&p=${KEY}`)?.deterministic).toBe(true);
    for (const bad of ['', 'nonsense', `ftp://x/file/${id}`, `http://x/files/${id}`, 'http://x/file/../keys', `http://x/file/${id}/info`]) {
      expect(parseAttachmentUrl(bad), bad).toBeUndefined();
    }
  });
});
