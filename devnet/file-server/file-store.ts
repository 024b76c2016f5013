/**
 * The devnet file server's files on disk: `<dir>/<id>.bin` (the uploaded bytes) and `<id>.json`
 * (upload and expiry times, unix seconds). Both are written to a temporary name and renamed, so a
 * crash leaves either the whole file or none; a `.bin` without its `.json` is not served. Files
 * outlive a restart; expired ones are not served and are removed by `prune`.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FILE_ID_PATTERN } from '../../src/shared/file-server-api.ts';
import { fileIdOf } from './file-id.ts';

export interface StoredFileInfo {
  readonly id: string;
  readonly size: number;
  /** Unix seconds. */
  readonly uploaded: number;
  /** Unix seconds. */
  readonly expires: number;
}

interface FileMeta {
  readonly uploaded: number;
  readonly expires: number;
}

export class FileStore {
  constructor(
    private readonly dir: string,
    /** Milliseconds since the epoch (the devnet's clock, which tests may shift). */
    private readonly nowMs: () => number,
  ) {
    mkdirSync(dir, { recursive: true });
  }

  /** Stores `body` for `ttlSeconds`; an equal body already stored keeps its id and gets the later expiry. */
  put(body: Uint8Array, ttlSeconds: number): StoredFileInfo {
    const id = fileIdOf(body);
    const now = this.nowSeconds();
    const existing = this.live(id);
    const expires = Math.max(existing?.expires ?? 0, now + ttlSeconds);
    if (existing === undefined) writeAtomically(this.binPath(id), body);
    this.writeMeta(id, { uploaded: existing?.uploaded ?? now, expires });
    return { id, size: body.length, uploaded: existing?.uploaded ?? now, expires };
  }

  get(id: string): Uint8Array | undefined {
    if (this.live(id) === undefined) return undefined;
    return new Uint8Array(readFileSync(this.binPath(id)));
  }

  info(id: string): StoredFileInfo | undefined {
    const meta = this.live(id);
    if (meta === undefined) return undefined;
    return { id, size: statSync(this.binPath(id)).size, ...meta };
  }

  /** Moves the expiry to now + `ttlSeconds` (never earlier than it was); undefined for an unknown or expired id. */
  extend(id: string, ttlSeconds: number): StoredFileInfo | undefined {
    const meta = this.live(id);
    if (meta === undefined) return undefined;
    const expires = Math.max(meta.expires, this.nowSeconds() + ttlSeconds);
    this.writeMeta(id, { ...meta, expires });
    return { id, size: statSync(this.binPath(id)).size, uploaded: meta.uploaded, expires };
  }

  /** Removes expired files and leftovers of interrupted writes; returns how many files went. */
  prune(): number {
    let removed = 0;
    for (const name of readdirSync(this.dir)) {
      if (name.endsWith('.tmp')) {
        rmSync(join(this.dir, name), { force: true });
        continue;
      }
      if (!name.endsWith('.bin')) continue;
      const id = name.slice(0, -'.bin'.length);
      if (this.live(id) !== undefined) continue;
      rmSync(this.binPath(id), { force: true });
      rmSync(this.metaPath(id), { force: true });
      removed++;
    }
    return removed;
  }

  private live(id: string): FileMeta | undefined {
    // Only ids this server makes name files: nothing from a request reaches the file system otherwise.
    if (!FILE_ID_PATTERN.test(id)) return undefined;
    if (!existsSync(this.metaPath(id)) || !existsSync(this.binPath(id))) return undefined;
    const meta = JSON.parse(readFileSync(this.metaPath(id), 'utf8')) as FileMeta;
    return meta.expires > this.nowSeconds() ? meta : undefined;
  }

  private writeMeta(id: string, meta: FileMeta): void {
    writeAtomically(this.metaPath(id), new TextEncoder().encode(JSON.stringify(meta)));
  }

  private nowSeconds(): number {
    return this.nowMs() / 1000;
  }

  private binPath(id: string): string {
    return join(this.dir, `${id}.bin`);
  }

  private metaPath(id: string): string {
    return join(this.dir, `${id}.json`);
  }
}

function writeAtomically(path: string, bytes: Uint8Array): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, bytes);
  renameSync(temporary, path);
}
