import { createCipheriv, createHash, createHmac } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { isParleyError, type ErrorCode } from '../src/shared/errors.ts';
import { FILE_SERVER_MAX_BYTES } from '../src/shared/file-server-api.ts';
import {
  attachmentPaddedSize,
  decryptAttachment,
  decryptDeterministicAttachment,
  encryptAttachment,
  encryptAttachmentWith,
  legacyBlobLength,
} from './attachment.ts';
import { toHex } from './bytes.ts';
import { ready, sodium } from './sodium.ts';
import { deterministicBlob } from '../test/deterministic-attachment.ts';

beforeAll(ready);

async function refusedWith(code: ErrorCode, run: () => Promise<unknown> | unknown): Promise<void> {
  let caught: unknown;
  try {
    await run();
  } catch (error) {
    caught = error;
  }
  expect(isParleyError(caught, code), `expected ${code}, got ${String(caught)}`).toBe(true);
}

const VECTOR_KEY = Uint8Array.from({ length: 64 }, (_, i) => i);
const VECTOR_IV = Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i);
const VECTOR_PLAINTEXT = new TextEncoder().encode('Parley attachment vector 1');

describe('attachmentPaddedSize (§6.1 step 1)', () => {
  it('has the spec examples and its edges', () => {
    expect(attachmentPaddedSize(0)).toBe(541);
    expect(attachmentPaddedSize(1)).toBe(541);
    expect(attachmentPaddedSize(15)).toBe(541);
    expect(attachmentPaddedSize(541)).toBe(541);
    expect(attachmentPaddedSize(542)).toBeGreaterThan(542);
    expect(attachmentPaddedSize(1_000_000)).toBe(1_041_743);
  });

  it('never pads below the input, and stops at 10,000,000 while the input is not over it', () => {
    for (const n of [2, 100, 540, 541, 542, 1000, 65_536, 999_999, 5_000_000, 9_830_000, 9_999_999, 10_000_000]) {
      const padded = attachmentPaddedSize(n);
      expect(padded).toBeGreaterThanOrEqual(n);
      expect(padded).toBeLessThanOrEqual(10_000_000);
    }
    expect(attachmentPaddedSize(9_999_999)).toBe(10_000_000);
    expect(attachmentPaddedSize(10_000_000)).toBe(10_000_000);
    expect(attachmentPaddedSize(10_000_001)).toBeGreaterThan(10_000_001);
  });
});

describe('legacy scheme (§6.1)', () => {
  it('matches the pinned vector (computed once with node:crypto, and recomputed here)', async () => {
    const out = await encryptAttachmentWith(VECTOR_PLAINTEXT, VECTOR_KEY, VECTOR_IV);
    expect(out.size).toBe(26);
    expect(out.blob.length).toBe(592);
    expect(toHex(out.blob.subarray(0, 16))).toBe(toHex(VECTOR_IV));
    expect(toHex(out.blob.subarray(16, 32))).toBe('33996e3140e8babd05362d578f59e489');
    expect(toHex(out.blob.subarray(544, 560))).toBe('c3476a1bb71ea375f5c7f04d671d7fde');
    expect(toHex(out.blob.subarray(560))).toBe('5d89c62f871298744d622e589788c5bdb16a81a075dd1ec839fce701b80e7782');
    expect(toHex(out.digest)).toBe('4fd23a73097b6a4f94ba2d10f2725193b06ea7745ee6a03a550e0312197a27c6');

    // The same construction by an independent implementation.
    const padded = Buffer.alloc(541);
    padded.set(VECTOR_PLAINTEXT);
    const cipher = createCipheriv('aes-256-cbc', VECTOR_KEY.subarray(0, 32), VECTOR_IV);
    const ct = Buffer.concat([cipher.update(padded), cipher.final()]);
    const mac = createHmac('sha256', VECTOR_KEY.subarray(32)).update(Buffer.concat([VECTOR_IV, ct])).digest();
    const blob = Buffer.concat([VECTOR_IV, ct, mac]);
    expect(toHex(out.blob)).toBe(blob.toString('hex'));
    expect(toHex(out.digest)).toBe(createHash('sha256').update(blob).digest('hex'));

    const back = await decryptAttachment(out.blob, VECTOR_KEY, out.digest, out.size);
    expect(new TextDecoder().decode(back)).toBe('Parley attachment vector 1');
  });

  it('round-trips sizes around the padding steps, with fresh keys each time', async () => {
    for (const n of [0, 1, 15, 540, 541, 542, 4096, 100_000]) {
      const plaintext = Uint8Array.from({ length: n }, (_, i) => (i * 7 + n) & 0xff);
      const out = await encryptAttachment(plaintext);
      expect(out.key.length).toBe(64);
      expect(out.blob.length).toBe(legacyBlobLength(n));
      expect(out.size).toBe(n);
      expect(toHex(await decryptAttachment(out.blob, out.key, out.digest, out.size))).toBe(toHex(plaintext));
    }
  });

  it('a pointer without a size keeps the padded plaintext', async () => {
    const out = await encryptAttachment(new Uint8Array([1, 2, 3]));
    const back = await decryptAttachment(out.blob, out.key, out.digest, undefined);
    expect(back.length).toBe(541);
    expect(Array.from(back.subarray(0, 4))).toEqual([1, 2, 3, 0]);
  });

  it('refuses a file whose blob would pass the file server limit, takes the largest that fits', async () => {
    expect(legacyBlobLength(9_000_000)).toBeLessThanOrEqual(FILE_SERVER_MAX_BYTES);
    expect(legacyBlobLength(9_999_999)).toBeGreaterThan(FILE_SERVER_MAX_BYTES);
    await refusedWith('attachment_too_large', () => encryptAttachment(new Uint8Array(9_999_999)));
  });

  describe('refusals', () => {
    let small: { blob: Uint8Array; key: Uint8Array; digest: Uint8Array; size: number };
    beforeAll(async () => {
      small = await encryptAttachment(new TextEncoder().encode('a small attachment'));
    });

    it('every single-bit flip of the blob (iv, ciphertext or MAC) is refused as attachment_mac_invalid', async () => {
      for (let bit = 0; bit < small.blob.length * 8; bit++) {
        const flipped = small.blob.slice();
        flipped[bit >> 3]! ^= 1 << (bit & 7);
        await refusedWith('attachment_mac_invalid', () => decryptAttachment(flipped, small.key, small.digest, small.size));
      }
    });

    it('a wrong MAC key, a wrong digest, a short blob and a wrong key length', async () => {
      const otherMacKey = small.key.slice();
      otherMacKey[40]! ^= 0x01;
      await refusedWith('attachment_mac_invalid', () => decryptAttachment(small.blob, otherMacKey, small.digest, small.size));
      const wrongDigest = small.digest.slice();
      wrongDigest[0]! ^= 0x80;
      await refusedWith('attachment_digest_invalid', () => decryptAttachment(small.blob, small.key, wrongDigest, small.size));
      await refusedWith('attachment_digest_invalid', () => decryptAttachment(small.blob, small.key, new Uint8Array(0), small.size));
      await refusedWith('attachment_malformed', () => decryptAttachment(small.blob.slice(0, 47), small.key, small.digest, small.size));
      await refusedWith('attachment_malformed', () => decryptAttachment(small.blob, small.key.slice(0, 32), small.digest, small.size));
      await refusedWith('attachment_malformed', () => decryptAttachment(small.blob, new Uint8Array(65), small.digest, small.size));
    });

    it('a claimed size beyond the plaintext is refused', async () => {
      await refusedWith('attachment_malformed', () => decryptAttachment(small.blob, small.key, small.digest, 545));
    });

    it('a blob MACed and digested by the sender but whose ciphertext is not whole blocks, or badly padded', async () => {
      // A sender who signs garbage: valid MAC and digest over bytes AES-CBC refuses.
      const key = small.key;
      const macKey = await crypto.subtle.importKey('raw', key.slice(32), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
      for (const body of [new Uint8Array(16 + 20), new Uint8Array(16 + 32)]) {
        const mac = new Uint8Array(await crypto.subtle.sign('HMAC', macKey, body));
        const blob = new Uint8Array([...body, ...mac]);
        const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', blob));
        await refusedWith('attachment_malformed', () => decryptAttachment(blob, key, digest, undefined));
      }
    });
  });
});

describe('deterministic scheme (§6.2), decrypt only', () => {
  it('round-trips blobs built with secretstream push: empty, one chunk, exact chunk edges, several chunks', () => {
    for (const n of [0, 1, 100, 32_767 - 8, 32_768, 32_768 * 2 + 5, 200_000]) {
      const content = Uint8Array.from({ length: n }, (_, i) => (i * 13) & 0xff);
      const key = sodium().randombytes_buf(32);
      const blob = deterministicBlob(content, key, 8);
      expect(toHex(decryptDeterministicAttachment(blob, key, n))).toBe(toHex(content));
      // No size: everything after the padding marker.
      expect(decryptDeterministicAttachment(blob, key, undefined).length).toBe(n);
    }
  });

  it('truncates to size, refuses a size beyond the content', () => {
    const key = sodium().randombytes_buf(32);
    const blob = deterministicBlob(new Uint8Array([9, 9, 9, 9]), key, 3);
    expect(Array.from(decryptDeterministicAttachment(blob, key, 2))).toEqual([9, 9]);
    expect(() => decryptDeterministicAttachment(blob, key, 5)).toThrow(expect.objectContaining({ code: 'attachment_malformed' }));
  });

  it('refuses a wrong key, a flipped bit, a missing final tag, trailing bytes, a wrong version, no padding marker', async () => {
    const key = sodium().randombytes_buf(32);
    const content = new TextEncoder().encode('deterministic');
    const blob = deterministicBlob(content, key, 4);
    const other = sodium().randombytes_buf(32);
    await refusedWith('attachment_mac_invalid', () => decryptDeterministicAttachment(blob, other, undefined));
    for (let bit = 25 * 8; bit < blob.length * 8; bit += 3) {
      const flipped = blob.slice();
      flipped[bit >> 3]! ^= 1 << (bit & 7);
      await refusedWith('attachment_mac_invalid', () => decryptDeterministicAttachment(flipped, key, undefined));
    }
    await refusedWith('attachment_malformed', () => decryptDeterministicAttachment(blob, key.slice(0, 31), undefined));
    await refusedWith('attachment_malformed', () => decryptDeterministicAttachment(blob, new Uint8Array(64), undefined));
    await refusedWith('attachment_malformed', () => decryptDeterministicAttachment(blob.slice(0, 30), key, undefined));
    const wrongVersion = blob.slice();
    wrongVersion[0] = 0x54;
    await refusedWith('attachment_malformed', () => decryptDeterministicAttachment(wrongVersion, key, undefined));
    await refusedWith('attachment_malformed', () =>
      decryptDeterministicAttachment(deterministicBlob(content, key, 2, { finalTag: false }), key, undefined),
    );
    await refusedWith('attachment_malformed', () =>
      decryptDeterministicAttachment(deterministicBlob(content, key, 2, { marker: false }), key, undefined),
    );
    const twoStreams = deterministicBlob(new Uint8Array(40_000), key, 2, { extraChunkAfterFinal: true });
    await refusedWith('attachment_malformed', () => decryptDeterministicAttachment(twoStreams, key, undefined));
  });
});
