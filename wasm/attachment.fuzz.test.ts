/**
 * Fuzzing both attachment decryptions (client-protocol.md §6.1, §6.2) with blobs near valid ones
 * (cut, flipped, spliced) and random bytes: each returns a plaintext or throws one of the
 * attachment codes, never anything else.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { bytesNear, resolvesOrRejectsOnly, returnsOrThrowsOnly } from '../test/fuzz-inputs.ts';
import { fuzzParameters, fuzzTimeoutMs } from '../test/fuzz.ts';
import { deterministicBlob } from '../test/deterministic-attachment.ts';
import type { ErrorCode } from '../src/shared/errors.ts';
import { decryptAttachment, decryptDeterministicAttachment, encryptAttachment, type EncryptedAttachment } from './attachment.ts';
import { ready, sodium } from './sodium.ts';

const REFUSALS: ReadonlySet<ErrorCode> = new Set(['attachment_mac_invalid', 'attachment_digest_invalid', 'attachment_malformed']);

let legacy: EncryptedAttachment[];
let deterministicKey: Uint8Array;
let deterministic: Uint8Array[];

beforeAll(async () => {
  await ready();
  legacy = [await encryptAttachment(new Uint8Array(0)), await encryptAttachment(new TextEncoder().encode('fuzz me'))];
  deterministicKey = sodium().randombytes_buf(32);
  deterministic = [deterministicBlob(new Uint8Array(10), deterministicKey, 3), deterministicBlob(new Uint8Array(33_000), deterministicKey, 1)];
});

describe('attachment decryption on junk', () => {
  it('legacy: a blob near a valid one, with its key and digest, or a digest made for the junk', async () => {
    await fc.assert(
      fc.asyncProperty(nearOneOf(legacy.map((sample) => sample.blob), 700), fc.boolean(), fc.option(fc.nat({ max: 2000 })), async ([which, blob], digestOfJunk, size) => {
        const sample = legacy[which]!;
        const digest = digestOfJunk ? new Uint8Array(await crypto.subtle.digest('SHA-256', blob)) : sample.digest;
        const result = await resolvesOrRejectsOnly(REFUSALS, () => decryptAttachment(blob, sample.key, digest, size ?? undefined));
        if (result.ok) expect(result.value.length).toBe(size ?? result.value.length);
      }),
      fuzzParameters(60),
    );
  }, fuzzTimeoutMs(30_000));

  it('deterministic: a blob near a valid one, with its key', () => {
    fc.assert(
      fc.property(nearOneOf(deterministic, 300), fc.option(fc.nat({ max: 40_000 })), ([, blob], size) => {
        returnsOrThrowsOnly(REFUSALS, () => decryptDeterministicAttachment(blob, deterministicKey, size ?? undefined));
      }),
      fuzzParameters(60),
    );
  }, fuzzTimeoutMs(30_000));
});

/** Which sample, and bytes near it (or random bytes). */
function nearOneOf(samples: readonly Uint8Array[], maxRandomLength: number): fc.Arbitrary<[number, Uint8Array]> {
  return fc.nat({ max: samples.length - 1 }).chain((which) => bytesNear([samples[which]!], maxRandomLength).map((blob): [number, Uint8Array] => [which, blob]));
}
