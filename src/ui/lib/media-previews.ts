/**
 * The inline previews of one open conversation (Conversation.svelte makes one and closes it when
 * the conversation goes): an attachment's bytes are sniffed (the claimed type is never trusted),
 * and an image gets a thumbnail, a video a poster frame (media-frames.ts), at most two being made
 * at once so that opening a conversation full of photos does not decode them all together. The
 * results are cached per (message, index) with a bound (preview-cache.ts); `close` revokes every URL.
 */
import { imageThumbnail, previewPixels, videoPoster, type Frame } from './media-frames.ts';
import { PreviewCache, type Preview } from './preview-cache.ts';
import { SNIFF_BYTES, sniffMedia, type SniffedMedia } from './sniff.ts';

/** Previews kept per conversation (each a few tens of kB of encoded image, decoded only while shown). */
const CACHED_PREVIEWS = 200;
/** Previews made at the same time. */
const AT_ONCE = 2;

/** What the bytes of a Blob are, and the same bytes typed by that (never by the claim); null for anything else. */
export async function sniffBlob(blob: Blob): Promise<{ media: SniffedMedia; typed: Blob } | null> {
  const media = sniffMedia(new Uint8Array(await blob.slice(0, SNIFF_BYTES).arrayBuffer()));
  return media === null ? null : { media, typed: new Blob([blob], { type: media.type }) };
}

/** Makes the small picture of sniffed bytes; null (or a throw) when there is none. */
export type MakeFrame = (media: SniffedMedia, typed: Blob, maxWidth: number) => Promise<Frame | null>;

/** The browser's way: a thumbnail for an image, a poster frame for a video (media-frames.ts). */
const makeFrameHere: MakeFrame = (media, typed, maxWidth) => (media.kind === 'image' ? imageThumbnail(typed, maxWidth) : videoPoster(typed, maxWidth));

export interface MediaPreviewsOptions {
  readonly makeFrame?: MakeFrame;
  readonly createUrl?: (blob: Blob) => string;
  readonly revokeUrl?: (url: string) => void;
  readonly limit?: number;
}

export class MediaPreviews {
  readonly #makeFrame: MakeFrame;
  readonly #createUrl: (blob: Blob) => string;
  readonly #cache: PreviewCache;
  readonly #pending = new Map<string, Promise<Preview | null>>();
  /** Attachments whose bytes are neither an image nor a video we can draw: not read again. */
  readonly #notMedia = new Set<string>();
  #running = 0;
  readonly #waiting: (() => void)[] = [];
  #closed = false;

  constructor(options: MediaPreviewsOptions = {}) {
    this.#makeFrame = options.makeFrame ?? makeFrameHere;
    this.#createUrl = options.createUrl ?? ((blob) => URL.createObjectURL(blob));
    const revoke = options.revokeUrl ?? ((url: string) => URL.revokeObjectURL(url));
    this.#cache = new PreviewCache(options.limit ?? CACHED_PREVIEWS, revoke);
  }

  /** The kind of an attachment's preview while one exists (the viewer steps through these). */
  kindOf(messageId: number, index: number): Preview['kind'] | undefined {
    return this.#cache.peek(key(messageId, index))?.kind;
  }

  /**
   * The preview of an attachment that is on this device, made once; null when its bytes are not a
   * picture. Each preview answered must be given back with `release` when no longer shown.
   */
  async acquire(messageId: number, index: number, read: () => Promise<Blob>): Promise<Preview | null> {
    const id = key(messageId, index);
    if (this.#closed || this.#notMedia.has(id)) return null;
    const cached = this.#cache.take(id);
    if (cached !== undefined) return cached;
    let pending = this.#pending.get(id);
    if (pending === undefined) {
      pending = this.#turn(() => this.#make(id, read)).finally(() => this.#pending.delete(id));
      this.#pending.set(id, pending);
    }
    if ((await pending) === null || this.#closed) return null;
    return this.#cache.take(id) ?? null;
  }

  release(messageId: number, index: number): void {
    this.#cache.release(key(messageId, index));
  }

  /** The conversation is gone: every URL is revoked, and previews still being made are dropped. */
  close(): void {
    this.#closed = true;
    this.#cache.clear();
    this.#notMedia.clear();
  }

  async #make(id: string, read: () => Promise<Blob>): Promise<Preview | null> {
    if (this.#closed) return null;
    const blob = await read().catch(() => null);
    if (blob === null) return null; // not here (yet): asked again when it is
    const sniffed = await sniffBlob(blob);
    let frame: Frame | null = null;
    if (sniffed !== null) {
      const maxWidth = previewPixels(globalThis.devicePixelRatio ?? 1);
      frame = await this.#makeFrame(sniffed.media, sniffed.typed, maxWidth).catch(() => null);
    }
    if (sniffed === null || frame === null) {
      this.#notMedia.add(id);
      return null;
    }
    if (this.#closed) return null;
    const preview: Preview = { url: this.#createUrl(frame.blob), kind: sniffed.media.kind, width: frame.width, height: frame.height };
    this.#cache.put(id, preview);
    return preview;
  }

  async #turn<T>(job: () => Promise<T>): Promise<T> {
    while (this.#running >= AT_ONCE) await new Promise<void>((wake) => this.#waiting.push(wake));
    this.#running += 1;
    try {
      return await job();
    } finally {
      this.#running -= 1;
      this.#waiting.shift()?.();
    }
  }
}

function key(messageId: number, index: number): string {
  return `${messageId}:${index}`;
}
