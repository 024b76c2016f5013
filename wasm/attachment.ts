/**
 * Attachment encryption (client-protocol.md §6.1, §6.2): the legacy scheme Parley sends (padding,
 * AES-256-CBC + HMAC-SHA256 through WebCrypto, SHA-256 digest of the blob) and both schemes'
 * decryption. WebCrypto has no streaming AES-CBC, so a blob is one call; the core runs these in its
 * worker, so a 10 MB file never blocks the UI thread.
 *
 * Every refusal of received bytes is coded: attachment_malformed (a key of the wrong length, a blob
 * too short or of an impossible length, bad padding inside, a plaintext shorter than its claimed
 * size), attachment_mac_invalid, attachment_digest_invalid. Only the caller's own mistakes are
 * invalid_argument.
 */
import { FILE_SERVER_MAX_BYTES } from '../src/shared/file-server-api.ts';
import { ParleyError } from '../src/shared/errors.ts';
import { checkBytes, checkInteger } from './check.ts';
import { randomBytes, sodium, wipe } from './sodium.ts';

export const ATTACHMENT_KEY_BYTES = 64;
export const ATTACHMENT_IV_BYTES = 16;
export const ATTACHMENT_MAC_BYTES = 32;
export const ATTACHMENT_DIGEST_BYTES = 32;
/** Padding never goes below this many bytes (§6.1 step 1). */
export const ATTACHMENT_MIN_PADDED = 541;
/** Padding stops at this size when the input itself is not larger (§6.1 step 1). */
export const ATTACHMENT_PADDING_CAP = 10_000_000;

/** §6.2: a 32-byte key, the 'S' version byte, a secretstream header, then 32 KiB chunks (+17 each). */
export const DETERMINISTIC_KEY_BYTES = 32;
const DETERMINISTIC_VERSION = 0x53;
const SECRETSTREAM_HEADER_BYTES = 24;
const SECRETSTREAM_CHUNK_BYTES = 32_768;
const SECRETSTREAM_OVERHEAD = 17;

const AES_BLOCK = 16;

/** WebCrypto's key type, named without the DOM library (the Node typecheck has none). */
type WebCryptoKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;

export interface EncryptedAttachment {
  /** iv ‖ ct ‖ mac: what is uploaded. */
  readonly blob: Uint8Array;
  /** The pointer's `key`: aesKey ‖ macKey. */
  readonly key: Uint8Array;
  /** The pointer's `digest`: SHA-256 of the blob. */
  readonly digest: Uint8Array;
  /** The pointer's `size`: the unpadded plaintext length. */
  readonly size: number;
}

/** `max(541, floor(1.05 ^ ceil(log(len) / log(1.05))))`, capped at 10,000,000 when the input is not over it. */
export function attachmentPaddedSize(length: number): number {
  checkInteger(length, 'length', 0);
  const grown = Math.max(ATTACHMENT_MIN_PADDED, Math.floor(Math.pow(1.05, Math.ceil(Math.log(length) / Math.log(1.05)))));
  return grown > ATTACHMENT_PADDING_CAP && length <= ATTACHMENT_PADDING_CAP ? ATTACHMENT_PADDING_CAP : grown;
}

/** The length of the legacy blob for a plaintext of `length` bytes: iv, the padded text with PKCS#7's block, the MAC. */
export function legacyBlobLength(length: number): number {
  const padded = attachmentPaddedSize(length);
  return ATTACHMENT_IV_BYTES + (Math.floor(padded / AES_BLOCK) + 1) * AES_BLOCK + ATTACHMENT_MAC_BYTES;
}

/**
 * Encrypts with fresh random key and IV. A plaintext whose blob would pass the file server's limit
 * is refused (attachment_too_large): with the padding cap, that is anything over about 9.83 MB.
 */
export async function encryptAttachment(plaintext: Uint8Array): Promise<EncryptedAttachment> {
  checkBytes(plaintext, 'plaintext');
  checkUploadable(plaintext.length);
  return encryptAttachmentWith(plaintext, randomBytes(ATTACHMENT_KEY_BYTES), randomBytes(ATTACHMENT_IV_BYTES));
}

/** As encryptAttachment with a chosen key and IV: for known-answer tests. The key is not wiped (the pointer needs it). */
export async function encryptAttachmentWith(plaintext: Uint8Array, key: Uint8Array, iv: Uint8Array): Promise<EncryptedAttachment> {
  checkBytes(plaintext, 'plaintext');
  checkBytes(key, 'key', ATTACHMENT_KEY_BYTES);
  checkBytes(iv, 'iv', ATTACHMENT_IV_BYTES);
  checkUploadable(plaintext.length);
  const padded = new Uint8Array(attachmentPaddedSize(plaintext.length));
  padded.set(plaintext);
  const { aesKey, macKey } = await importKeys(key);
  const ct = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-CBC', iv: copy(iv) }, aesKey, plain(padded)));
  wipe(padded);
  const blob = new Uint8Array(ATTACHMENT_IV_BYTES + ct.length + ATTACHMENT_MAC_BYTES);
  blob.set(iv, 0);
  blob.set(ct, ATTACHMENT_IV_BYTES);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', macKey, plain(blob.subarray(0, ATTACHMENT_IV_BYTES + ct.length))));
  blob.set(mac, ATTACHMENT_IV_BYTES + ct.length);
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', plain(blob)));
  return { blob, key: key.slice(), digest, size: plaintext.length };
}

/**
 * §6.1 step 8: a 64-byte key, a blob of at least 48 bytes, the HMAC (constant time), the digest,
 * AES-CBC, then truncation to `size`; a plaintext shorter than `size` is refused. `size`
 * undefined (a pointer without one) keeps the whole decrypted text.
 */
export async function decryptAttachment(
  blob: Uint8Array,
  key: Uint8Array,
  digest: Uint8Array,
  size: number | undefined,
): Promise<Uint8Array> {
  checkBytes(blob, 'blob');
  checkBytes(key, 'key');
  checkBytes(digest, 'digest');
  if (size !== undefined) checkInteger(size, 'size', 0);
  if (key.length !== ATTACHMENT_KEY_BYTES) malformed(`the key is ${key.length} bytes, not ${ATTACHMENT_KEY_BYTES}`, 'key_length');
  if (blob.length < ATTACHMENT_IV_BYTES + ATTACHMENT_MAC_BYTES) malformed(`the blob is ${blob.length} bytes, under 48`, 'blob_short');
  const macAt = blob.length - ATTACHMENT_MAC_BYTES;
  const { aesKey, macKey } = await importKeys(key);
  const expectedMac = new Uint8Array(await crypto.subtle.sign('HMAC', macKey, plain(blob.subarray(0, macAt))));
  if (!sodium().memcmp(expectedMac, blob.slice(macAt))) {
    throw new ParleyError('attachment_mac_invalid', 'the attachment MAC does not match');
  }
  const actualDigest = new Uint8Array(await crypto.subtle.digest('SHA-256', plain(blob)));
  if (digest.length !== ATTACHMENT_DIGEST_BYTES || !sodium().memcmp(actualDigest, digest)) {
    throw new ParleyError('attachment_digest_invalid', 'the attachment digest does not match its blob');
  }
  const ct = blob.subarray(ATTACHMENT_IV_BYTES, macAt);
  if (ct.length === 0 || ct.length % AES_BLOCK !== 0) malformed(`the ciphertext is ${ct.length} bytes, not whole AES blocks`, 'ciphertext_length');
  let padded: Uint8Array;
  try {
    padded = new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-CBC', iv: copy(blob.subarray(0, ATTACHMENT_IV_BYTES)) }, aesKey, plain(ct)));
  } catch {
    // Only a sender who MACed bad padding gets here.
    malformed('the decrypted attachment has invalid PKCS#7 padding', 'pkcs7');
  }
  return truncateToSize(padded, size);
}

/**
 * §6.2: 'S', a secretstream header, chunks of 32 KiB (+17), TAG_FINAL exactly on the last; the
 * stream starts with 0x00… 0x01 padding, stripped up to and including the first 0x01; then `size`.
 * A chunk that does not open is attachment_mac_invalid; any structural fault is attachment_malformed.
 */
export function decryptDeterministicAttachment(blob: Uint8Array, key: Uint8Array, size: number | undefined): Uint8Array {
  checkBytes(blob, 'blob');
  checkBytes(key, 'key');
  if (size !== undefined) checkInteger(size, 'size', 0);
  if (key.length !== DETERMINISTIC_KEY_BYTES) malformed(`the key is ${key.length} bytes, not ${DETERMINISTIC_KEY_BYTES}`, 'key_length');
  const firstChunkAt = 1 + SECRETSTREAM_HEADER_BYTES;
  if (blob.length < firstChunkAt + SECRETSTREAM_OVERHEAD) malformed(`the blob is ${blob.length} bytes, too short`, 'blob_short');
  if (blob[0] !== DETERMINISTIC_VERSION) malformed(`unknown version byte ${blob[0]}`, 'version');
  const s = sodium();
  const state = s.crypto_secretstream_xchacha20poly1305_init_pull(blob.subarray(1, firstChunkAt), key);
  const parts: Uint8Array[] = [];
  let total = 0;
  let at = firstChunkAt;
  let final = false;
  while (at < blob.length) {
    if (final) malformed('bytes follow the final chunk', 'after_final');
    const end = Math.min(blob.length, at + SECRETSTREAM_CHUNK_BYTES + SECRETSTREAM_OVERHEAD);
    if (end - at < SECRETSTREAM_OVERHEAD) malformed('a chunk shorter than its overhead', 'chunk_short');
    const opened = s.crypto_secretstream_xchacha20poly1305_pull(state, blob.subarray(at, end), null) as
      | { message: Uint8Array; tag: number }
      | false;
    if (opened === false) throw new ParleyError('attachment_mac_invalid', 'an attachment chunk does not authenticate');
    if (opened.tag === s.crypto_secretstream_xchacha20poly1305_TAG_FINAL) final = true;
    else if (opened.tag !== s.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE) malformed(`unexpected chunk tag ${opened.tag}`, 'tag');
    parts.push(opened.message);
    total += opened.message.length;
    at = end;
  }
  if (!final) malformed('the stream ends without its final chunk', 'no_final');
  const stream = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    stream.set(part, offset);
    offset += part.length;
    wipe(part);
  }
  const marker = stream.indexOf(0x01);
  if (marker < 0) malformed('the padding has no 0x01 marker', 'padding');
  const content = stream.slice(marker + 1);
  wipe(stream);
  return truncateToSize(content, size);
}

function truncateToSize(plaintext: Uint8Array, size: number | undefined): Uint8Array {
  if (size === undefined || plaintext.length === size) return plaintext;
  if (plaintext.length < size) {
    malformed(`the attachment is ${plaintext.length} bytes, shorter than its claimed ${size}`, 'size');
  }
  const out = plaintext.slice(0, size);
  wipe(plaintext);
  return out;
}

function checkUploadable(length: number): void {
  const blobLength = legacyBlobLength(length);
  if (blobLength > FILE_SERVER_MAX_BYTES) {
    throw new ParleyError('attachment_too_large', `a ${length}-byte file makes a ${blobLength}-byte blob, over the ${FILE_SERVER_MAX_BYTES}-byte limit`, {
      size: length,
      limit: FILE_SERVER_MAX_BYTES,
    });
  }
}

async function importKeys(key: Uint8Array): Promise<{ aesKey: WebCryptoKey; macKey: WebCryptoKey }> {
  const aesBytes = key.slice(0, 32);
  const macBytes = key.slice(32, 64);
  try {
    const aesKey = await crypto.subtle.importKey('raw', plain(aesBytes), { name: 'AES-CBC' }, false, ['encrypt', 'decrypt']);
    const macKey = await crypto.subtle.importKey('raw', plain(macBytes), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    return { aesKey, macKey };
  } finally {
    wipe(aesBytes, macBytes);
  }
}

function copy(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(bytes);
}

/** WebCrypto takes views of plain ArrayBuffers only; a view of a shared buffer is copied. */
function plain(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes);
}

function malformed(message: string, problem: string): never {
  throw new ParleyError('attachment_malformed', message, { problem });
}
