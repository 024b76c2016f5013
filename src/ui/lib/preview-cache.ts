/**
 * The previews (thumbnails, video poster frames) of one open conversation, by "messageId:index",
 * each an object URL of a small image made on this device. Bounded: past `limit` entries the
 * least recently used one that no row shows is dropped and its URL revoked; one a row shows is
 * never dropped under it (its <img> would lose its source when decoded again). `clear` revokes all.
 */
export interface Preview {
  /** An object URL of the small image (a thumbnail, or a video's poster frame). */
  readonly url: string;
  readonly kind: 'image' | 'video';
  /** The small image's pixel size. */
  readonly width: number;
  readonly height: number;
}

interface Entry {
  readonly preview: Preview;
  /** How many rows show it now. */
  users: number;
}

export class PreviewCache {
  /** In use order: a Map iterates in insertion order, and each use moves its entry to the end. */
  readonly #entries = new Map<string, Entry>();

  constructor(
    readonly limit: number,
    private readonly revoke: (url: string) => void,
  ) {}

  get size(): number {
    return this.#entries.size;
  }

  /** A preview without using it (nor making it recent). */
  peek(key: string): Preview | undefined {
    return this.#entries.get(key)?.preview;
  }

  /** Adds a preview nobody uses yet (no eviction until it is taken or released). */
  put(key: string, preview: Preview): void {
    const old = this.#entries.get(key);
    if (old !== undefined && old.preview.url !== preview.url) this.revoke(old.preview.url);
    this.#entries.delete(key);
    this.#entries.set(key, { preview, users: old?.users ?? 0 });
  }

  /** Uses a preview (a row shows it): it becomes the most recent and is kept until released. */
  take(key: string): Preview | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    entry.users += 1;
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    this.#evict();
    return entry.preview;
  }

  /** A row no longer shows it: it stays cached, and may be evicted when over the limit. */
  release(key: string): void {
    const entry = this.#entries.get(key);
    if (entry === undefined) return;
    entry.users = Math.max(0, entry.users - 1);
    this.#evict();
  }

  /** Revokes every URL (the conversation is closed). */
  clear(): void {
    for (const entry of this.#entries.values()) this.revoke(entry.preview.url);
    this.#entries.clear();
  }

  #evict(): void {
    if (this.#entries.size <= this.limit) return;
    for (const [key, entry] of this.#entries) {
      if (this.#entries.size <= this.limit) return;
      if (entry.users > 0) continue;
      this.#entries.delete(key);
      this.revoke(entry.preview.url);
    }
  }
}
