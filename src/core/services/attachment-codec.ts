/**
 * Between a file and its AttachmentPointer (client-protocol.md §6.1–6.4), without storage or
 * network: seal a file for upload, make the pointer once it is uploaded, read a received pointer
 * into what a download needs, and open a downloaded blob with the scheme the pointer names. The
 * attachment queue (docs/attachments.md, not written yet) runs these in the worker.
 *
 * A received pointer is checked before anything is fetched: a bad one is `attachment_malformed`
 * (details.problem says what) on that attachment only, never on the message that carries it.
 */
import { ParleyError, isParleyError } from '../../shared/errors.ts';
import { FILE_SERVER_MAX_BYTES, parseAttachmentUrl } from '../../shared/file-server-api.ts';
import {
  ATTACHMENT_DIGEST_BYTES,
  ATTACHMENT_KEY_BYTES,
  DETERMINISTIC_KEY_BYTES,
  decryptAttachment,
  decryptDeterministicAttachment,
  encryptAttachment,
  encryptAttachmentWith,
  ATTACHMENT_IV_BYTES,
  type EncryptedAttachment,
} from '../../../wasm/attachment.ts';
import { randomBytes } from '../../../wasm/sodium.ts';
import type { AttachmentPointer } from '../protocol/attachment.ts';
import type { StoredAttachment } from '../store/schema.ts';
import { MAX_ATTACHMENT_TEXT, MAX_ATTACHMENTS_PER_MESSAGE } from '../store/attachment-checks.ts';
import type { UploadedFile } from '../net/file-server-client.ts';

/** AttachmentPointer.flags bit (§6.4). */
export const ATTACHMENT_FLAG_VOICE_MESSAGE = 1;

/** What the person picked, as the Core API will take it (the bytes already read from the Blob). */
export interface AttachmentFile {
  readonly name: string;
  /** The type the browser claims: carried to the peer, never trusted for rendering. */
  readonly type: string;
  readonly data: Uint8Array;
  readonly width?: number | undefined;
  readonly height?: number | undefined;
  readonly voiceMessage?: boolean | undefined;
}

export interface SealedAttachment {
  readonly file: Omit<AttachmentFile, 'data'>;
  readonly encrypted: EncryptedAttachment;
}

/** What a received pointer says, checked: enough to download, open and show the attachment. */
export interface ReceivedAttachment {
  readonly url: string;
  readonly scheme: 'legacy' | 'deterministic';
  readonly key: Uint8Array;
  /** Legacy scheme only. */
  readonly digest: Uint8Array | undefined;
  /** The unpadded size the sender claims; undefined when the pointer has none. */
  readonly size: number | undefined;
  readonly contentType: string;
  readonly fileName: string;
  readonly width: number | undefined;
  readonly height: number | undefined;
  readonly voiceMessage: boolean;
}

/**
 * A file about to be sent, as it is written before any upload: its description and source (key, IV,
 * digest; no URL yet) for the message record, and its plaintext. The blob is made again from these
 * on each upload attempt (the same bytes: the key and IV are fixed), so it is never stored.
 */
export interface PreparedAttachment {
  readonly stored: StoredAttachment;
  readonly plaintext: Uint8Array;
}

/** Picks the key and IV and checks the file can be sent (attachment_too_large otherwise). */
export async function prepareAttachment(file: AttachmentFile): Promise<PreparedAttachment> {
  const key = randomBytes(ATTACHMENT_KEY_BYTES);
  const iv = randomBytes(ATTACHMENT_IV_BYTES);
  const encrypted = await encryptAttachmentWith(file.data, key, iv);
  return {
    stored: {
      contentType: file.type.slice(0, MAX_ATTACHMENT_TEXT),
      fileName: file.name.slice(0, MAX_ATTACHMENT_TEXT),
      size: encrypted.size,
      width: file.width ?? null,
      height: file.height ?? null,
      voiceMessage: file.voiceMessage === true,
      state: 'queued',
      failureCode: null,
      source: { url: null, scheme: 'legacy', key, digest: encrypted.digest, iv },
    },
    plaintext: file.data,
  };
}

/** The upload of a prepared attachment: its blob made again from the stored key and IV, checked against the digest. */
export async function resealAttachment(stored: StoredAttachment, plaintext: Uint8Array): Promise<SealedAttachment> {
  const source = stored.source;
  if (source === null || source.iv === undefined || source.digest === null) {
    throw new ParleyError('attachment_malformed', 'this attachment has no key and IV to seal it with', { problem: 'source' });
  }
  const encrypted = await encryptAttachmentWith(plaintext, source.key, source.iv);
  if (encrypted.digest.length !== source.digest.length || !encrypted.digest.every((b, i) => b === source.digest![i])) {
    throw new ParleyError('attachment_digest_invalid', 'the attachment sealed again does not match its digest');
  }
  return {
    file: {
      name: stored.fileName,
      type: stored.contentType,
      width: stored.width ?? undefined,
      height: stored.height ?? undefined,
      voiceMessage: stored.voiceMessage,
    },
    encrypted,
  };
}

/** Encrypts a file with the legacy scheme (what Session clients send by default). */
export async function sealAttachment(file: AttachmentFile): Promise<SealedAttachment> {
  const { data, ...meta } = file;
  return { file: meta, encrypted: await encryptAttachment(data) };
}

/** The pointer for a sealed file once the file server has taken it (§6.4). */
export function pointerFor(sealed: SealedAttachment, uploaded: UploadedFile): AttachmentPointer {
  const { file, encrypted } = sealed;
  return {
    id: pointerIdOf(uploaded.id),
    contentType: file.type,
    key: encrypted.key,
    size: encrypted.size,
    digest: encrypted.digest,
    fileName: file.name,
    ...(file.voiceMessage ? { flags: ATTACHMENT_FLAG_VOICE_MESSAGE } : {}),
    ...(file.width !== undefined ? { width: file.width } : {}),
    ...(file.height !== undefined ? { height: file.height } : {}),
    url: uploaded.url,
  };
}

/** The pointer of one of our attachments from its record, once uploaded to `url` (no sealing again). */
export function pointerOfStored(stored: StoredAttachment, url: string): AttachmentPointer {
  const source = stored.source;
  if (source === null || source.digest === null) {
    throw new ParleyError('attachment_malformed', 'this attachment has no key and digest to point to', { problem: 'source' });
  }
  return {
    id: pointerIdOf(parseAttachmentUrl(url)?.id ?? ''),
    contentType: stored.contentType,
    key: source.key,
    ...(stored.size !== null ? { size: stored.size } : {}),
    digest: source.digest,
    fileName: stored.fileName,
    ...(stored.voiceMessage ? { flags: ATTACHMENT_FLAG_VOICE_MESSAGE } : {}),
    ...(stored.width !== null ? { width: stored.width } : {}),
    ...(stored.height !== null ? { height: stored.height } : {}),
    url,
  };
}

/**
 * Field 1 is required on the wire: the file id as an integer when it is one (the older server
 * form), else 0 (desktop attachmentIdAsLongFromUrl).
 */
export function pointerIdOf(fileId: string): bigint {
  if (!/^[0-9]{1,20}$/.test(fileId)) return 0n;
  const value = BigInt(fileId);
  return value <= 0xffff_ffff_ffff_ffffn ? value : 0n;
}

/** Checks a received pointer; `attachment_malformed` with details.problem for any fault. */
export function readPointer(pointer: AttachmentPointer): ReceivedAttachment {
  const url = pointer.url === undefined || pointer.url.length > MAX_ATTACHMENT_TEXT ? undefined : parseAttachmentUrl(pointer.url);
  if (pointer.url === undefined || url === undefined) malformed('the pointer has no usable file server URL', 'url');
  const key = pointer.key;
  if (key === undefined) malformed('the pointer has no key', 'key');
  const scheme = url.deterministic ? 'deterministic' : 'legacy';
  if (scheme === 'deterministic' && key.length !== DETERMINISTIC_KEY_BYTES) malformed(`a deterministic key is ${DETERMINISTIC_KEY_BYTES} bytes`, 'key');
  if (scheme === 'legacy') {
    if (key.length !== ATTACHMENT_KEY_BYTES) malformed(`a legacy key is ${ATTACHMENT_KEY_BYTES} bytes`, 'key');
    if (pointer.digest?.length !== ATTACHMENT_DIGEST_BYTES) malformed('a legacy pointer needs its 32-byte digest', 'digest');
  }
  if (pointer.size !== undefined && pointer.size > FILE_SERVER_MAX_BYTES) malformed('the pointer claims a size over the attachment limit', 'size');
  return {
    url: pointer.url,
    scheme,
    key,
    digest: scheme === 'legacy' ? pointer.digest : undefined,
    // 0 is what an absent uint32 reads as on some senders: treated as "not given".
    size: pointer.size === undefined || pointer.size === 0 ? undefined : pointer.size,
    contentType: pointer.contentType ?? '',
    fileName: pointer.fileName ?? '',
    width: pointer.width,
    height: pointer.height,
    voiceMessage: ((pointer.flags ?? 0) & ATTACHMENT_FLAG_VOICE_MESSAGE) !== 0,
  };
}

/** Decrypts a downloaded blob with the pointer's scheme; the attachment codes of wasm/attachment.ts. */
export async function openAttachment(received: ReceivedAttachment, blob: Uint8Array): Promise<Uint8Array> {
  if (received.scheme === 'deterministic') return decryptDeterministicAttachment(blob, received.key, received.size);
  return decryptAttachment(blob, received.key, received.digest ?? new Uint8Array(0), received.size);
}

/**
 * A received pointer as the message record keeps it: 'available' with its source, or 'failed'
 * (attachment_malformed) with what could be read of it, so one bad pointer spoils only itself.
 */
export function storedAttachmentOf(pointer: AttachmentPointer): StoredAttachment {
  const shown = {
    // A peer's overlong name or type is cut, not a reason to refuse the message.
    contentType: (pointer.contentType ?? '').slice(0, MAX_ATTACHMENT_TEXT),
    fileName: (pointer.fileName ?? '').slice(0, MAX_ATTACHMENT_TEXT),
    width: pointer.width ?? null,
    height: pointer.height ?? null,
    voiceMessage: ((pointer.flags ?? 0) & ATTACHMENT_FLAG_VOICE_MESSAGE) !== 0,
  };
  try {
    const received = readPointer(pointer);
    return {
      ...shown,
      size: received.size ?? null,
      state: 'available',
      failureCode: null,
      source: { url: received.url, scheme: received.scheme, key: received.key, digest: received.digest ?? null },
    };
  } catch (error) {
    if (!isParleyError(error, 'attachment_malformed')) throw error;
    return { ...shown, size: pointer.size ?? null, state: 'failed', failureCode: 'attachment_malformed', source: null };
  }
}

/** A received message's pointers as its record keeps them: the first MAX_ATTACHMENTS_PER_MESSAGE, each checked alone. */
export function storedAttachmentsOf(pointers: readonly AttachmentPointer[]): StoredAttachment[] {
  return pointers.slice(0, MAX_ATTACHMENTS_PER_MESSAGE).map(storedAttachmentOf);
}

function malformed(message: string, problem: string): never {
  throw new ParleyError('attachment_malformed', message, { problem });
}

/** A file as the Core API takes it (the Blob read in the worker). */
export interface OutgoingFileInput {
  readonly name: string;
  readonly type: string;
  readonly data: Blob;
  readonly width?: number;
  readonly height?: number;
  readonly voiceMessage?: boolean;
}

/**
 * Checks what `sendAttachments` was given and reads each Blob: 1 to 32 files, names and types as
 * strings, sizes within the limit (attachment_too_large before anything is read), dimensions as
 * whole numbers. `invalid_argument` names the parameter.
 */
export async function readOutgoingFiles(files: unknown): Promise<AttachmentFile[]> {
  if (!Array.isArray(files) || files.length === 0 || files.length > MAX_ATTACHMENTS_PER_MESSAGE) {
    throw new ParleyError('invalid_argument', `files must be an array of 1 to ${MAX_ATTACHMENTS_PER_MESSAGE} files`, { param: 'files', problem: 'length' });
  }
  const out: AttachmentFile[] = [];
  for (const [i, file] of (files as unknown[]).entries()) {
    const name = `files[${i}]`;
    if (typeof file !== 'object' || file === null) throw new ParleyError('invalid_argument', `${name} must be an object`, { param: name, problem: 'type' });
    const f = file as Record<string, unknown>;
    if (typeof f['name'] !== 'string') throw new ParleyError('invalid_argument', `${name}.name must be a string`, { param: `${name}.name`, problem: 'type' });
    if (typeof f['type'] !== 'string') throw new ParleyError('invalid_argument', `${name}.type must be a string`, { param: `${name}.type`, problem: 'type' });
    const data = f['data'];
    if (!(data instanceof Blob)) throw new ParleyError('invalid_argument', `${name}.data must be a Blob`, { param: `${name}.data`, problem: 'type' });
    if (data.size > FILE_SERVER_MAX_BYTES) {
      throw new ParleyError('attachment_too_large', `${name} is ${data.size} bytes, over the limit`, { size: data.size, limit: FILE_SERVER_MAX_BYTES, index: i });
    }
    for (const dimension of ['width', 'height'] as const) {
      const value = f[dimension];
      if (value !== undefined && (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 0xffff_ffff)) {
        throw new ParleyError('invalid_argument', `${name}.${dimension} must be a whole number`, { param: `${name}.${dimension}`, problem: 'range' });
      }
    }
    out.push({
      name: f['name'],
      type: f['type'],
      data: new Uint8Array(await data.arrayBuffer()),
      width: f['width'] as number | undefined,
      height: f['height'] as number | undefined,
      voiceMessage: f['voiceMessage'] === true,
    });
  }
  return out;
}
