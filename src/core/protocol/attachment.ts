/**
 * AttachmentPointer (client-protocol.md §6.4). Parley does not send attachments yet, but a message
 * from another client that carries one must decode, and one without its required `id` must not:
 * libsession refuses the whole message then, and so do we.
 */
import { checkObject } from '../../../wasm/check.ts';
import { Reader, requireDecoded, requireForEncode, Writer, type Draft } from './wire.ts';

export interface AttachmentPointer {
  /** Field 1, fixed64, required: the file id from the URL's last path segment, or 0 if not numeric. */
  readonly id: bigint;
  readonly contentType?: string;
  /** 64 bytes (legacy scheme) or 32 (deterministic scheme). */
  readonly key?: Uint8Array;
  /** Unpadded plaintext size. */
  readonly size?: number;
  /** SHA-256 of the encrypted blob (legacy scheme only). */
  readonly digest?: Uint8Array;
  readonly fileName?: string;
  /** Bit field: ATTACHMENT_FLAG_VOICE_MESSAGE. */
  readonly flags?: number;
  readonly width?: number;
  readonly height?: number;
  readonly caption?: string;
  /** Field 101: the file-server URL, possibly with a `#p=…&d=` fragment. */
  readonly url?: string;
}

export function encodeAttachmentPointer(value: AttachmentPointer, path: string): Uint8Array {
  checkObject(value, path);
  requireForEncode(value.id, `${path}.id`);
  const w = new Writer(path);
  w.fixed64(1, value.id, 'id');
  w.string(2, value.contentType, 'contentType');
  w.bytes(3, value.key, 'key');
  w.uint32(4, value.size, 'size');
  w.bytes(6, value.digest, 'digest');
  w.string(7, value.fileName, 'fileName');
  w.uint32(8, value.flags, 'flags');
  w.uint32(9, value.width, 'width');
  w.uint32(10, value.height, 'height');
  w.string(11, value.caption, 'caption');
  w.string(101, value.url, 'url');
  return w.finish();
}

export function decodeAttachmentPointer(bytes: Uint8Array, path: string): AttachmentPointer {
  const r = new Reader(bytes, path);
  const out: Draft<AttachmentPointer> = {};
  while (!r.done) {
    const tag = r.tag();
    const wt = tag.wireType;
    switch (tag.field) {
      case 1: out.id = r.fixed64(wt, 'id'); break;
      case 2: out.contentType = r.string(wt, 'contentType'); break;
      case 3: out.key = r.bytes(wt, 'key'); break;
      case 4: out.size = r.uint32(wt, 'size'); break;
      case 6: out.digest = r.bytes(wt, 'digest'); break;
      case 7: out.fileName = r.string(wt, 'fileName'); break;
      case 8: out.flags = r.uint32(wt, 'flags'); break;
      case 9: out.width = r.uint32(wt, 'width'); break;
      case 10: out.height = r.uint32(wt, 'height'); break;
      case 11: out.caption = r.string(wt, 'caption'); break;
      case 101: out.url = r.string(wt, 'url'); break;
      default: r.skip(tag);
    }
  }
  requireDecoded(out.id, r.field('id'));
  return out as AttachmentPointer;
}
