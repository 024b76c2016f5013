import { beforeAll, describe, expect, it } from 'vitest';
import { attachmentUrl, SESSION_FILE_SERVER, type FileServerProfile } from '../../shared/file-server-api.ts';
import { ready, sodium } from '../../../wasm/sodium.ts';
import { deterministicBlob } from '../../../test/deterministic-attachment.ts';
import { expectCode } from '../../../test/expect-code.ts';
import { decodeAttachmentPointer, encodeAttachmentPointer, type AttachmentPointer } from '../protocol/attachment.ts';
import { ATTACHMENT_FLAG_VOICE_MESSAGE, openAttachment, pointerFor, pointerIdOf, readPointer, sealAttachment } from './attachment-codec.ts';

beforeAll(ready);

const DEVNET_SERVER: FileServerProfile = { url: 'http://127.0.0.1:22098', ed25519PublicKeyHex: 'ab'.repeat(32), x25519PublicKeyHex: 'cd'.repeat(32) };
const FILE_ID = 'Qm'.repeat(22);

function malformedProblem(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    expect((error as { code: string }).code).toBe('attachment_malformed');
    return String((error as { details: Record<string, unknown> }).details['problem']);
  }
  return undefined;
}

describe('attachment codec', () => {
  it('seals a file, points to it, and a receiver opens it through the wire form', async () => {
    const data = new TextEncoder().encode('a picture, honestly');
    const sealed = await sealAttachment({ name: 'cat.png', type: 'image/png', data, width: 640, height: 480 });
    const pointer = pointerFor(sealed, { id: FILE_ID, url: attachmentUrl(DEVNET_SERVER, FILE_ID), expires: 0 });
    expect(pointer.id).toBe(0n);
    const wire = decodeAttachmentPointer(encodeAttachmentPointer(pointer, 'pointer'), 'pointer');
    const received = readPointer(wire);
    expect(received).toMatchObject({ scheme: 'legacy', contentType: 'image/png', fileName: 'cat.png', width: 640, height: 480, size: data.length, voiceMessage: false });
    expect(new TextDecoder().decode(await openAttachment(received, sealed.encrypted.blob))).toBe('a picture, honestly');
  });

  it('flags a voice message, and keeps a numeric file id in field 1', async () => {
    const sealed = await sealAttachment({ name: 'voice.m4a', type: 'audio/mp4', data: new Uint8Array(10), voiceMessage: true });
    const pointer = pointerFor(sealed, { id: '1234567', url: attachmentUrl(SESSION_FILE_SERVER, '1234567'), expires: 0 });
    expect(pointer.flags).toBe(ATTACHMENT_FLAG_VOICE_MESSAGE);
    expect(pointer.id).toBe(1_234_567n);
    expect(readPointer(pointer).voiceMessage).toBe(true);
    expect(pointerIdOf('99999999999999999999999')).toBe(0n);
  });

  it('opens a deterministic-scheme pointer (#d, 32-byte key, no digest)', async () => {
    const key = sodium().randombytes_buf(32);
    const blob = deterministicBlob(new TextEncoder().encode('from a newer client'), key, 5);
    const pointer: AttachmentPointer = { id: 0n, key, size: 19, url: `${attachmentUrl(SESSION_FILE_SERVER, FILE_ID)}#d`, contentType: 'text/plain' };
    const received = readPointer(pointer);
    expect(received.scheme).toBe('deterministic');
    expect(new TextDecoder().decode(await openAttachment(received, blob))).toBe('from a newer client');
  });

  it('refuses a pointer with no URL, a foreign URL, no key, a key of the wrong scheme, no digest, an impossible size', async () => {
    const sealed = await sealAttachment({ name: 'x', type: 'x', data: new Uint8Array(3) });
    const good = pointerFor(sealed, { id: FILE_ID, url: attachmentUrl(DEVNET_SERVER, FILE_ID), expires: 0 });
    const { url: _url, ...noUrl } = good;
    const { key: _key, ...noKey } = good;
    const { digest: _digest, ...noDigest } = good;
    expect(malformedProblem(() => readPointer(noUrl))).toBe('url');
    expect(malformedProblem(() => readPointer({ ...good, url: 'http://x/elsewhere' }))).toBe('url');
    expect(malformedProblem(() => readPointer(noKey))).toBe('key');
    expect(malformedProblem(() => readPointer({ ...good, key: good.key!.slice(0, 32) }))).toBe('key');
    expect(malformedProblem(() => readPointer({ ...good, url: `${good.url}&d` }))).toBe('key');
    expect(malformedProblem(() => readPointer(noDigest))).toBe('digest');
    expect(malformedProblem(() => readPointer({ ...good, size: 10_000_001 }))).toBe('size');
    // A good pointer with a blob from elsewhere: the MAC says no.
    const other = await sealAttachment({ name: 'y', type: 'y', data: new Uint8Array(3) });
    await expectCode(openAttachment(readPointer(good), other.encrypted.blob), 'attachment_mac_invalid');
  });
});
