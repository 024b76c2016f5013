/**
 * Serves the built app (dist/) to the browser: correct types, cache rules that suit hashed
 * assets and a service worker, a strict Content-Security-Policy, and no way out of the root.
 */
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';

/** Everything from this origin; WebAssembly compiled in the worker (libsodium); images and audio also from the page's own object URLs; nothing inline but styles Svelte sets. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "connect-src 'self'",
  "img-src 'self' data: blob:",
  // Videos and voice messages play from object URLs of bytes decrypted on the device (docs/attachments.md).
  "media-src 'self' blob:",
  "style-src 'self'",
  "worker-src 'self'",
  "manifest-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');

/** Sent with every response of the relay, static or not. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export const CACHE_IMMUTABLE = 'public, max-age=31536000, immutable';
export const CACHE_REVALIDATE = 'no-cache';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

export function contentTypeFor(filePath: string): string {
  return CONTENT_TYPES[path.extname(filePath).toLowerCase()] ?? 'application/octet-stream';
}

/** Vite puts content-hashed files, and only those, under assets/: they never change, so cache them for good. */
export function cacheControlFor(relativePath: string): string {
  return relativePath.startsWith('assets/') ? CACHE_IMMUTABLE : CACHE_REVALIDATE;
}

export function applySecurityHeaders(res: ServerResponse): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
}

export type ResolvedPath =
  | { readonly kind: 'file'; readonly relativePath: string }
  | { readonly kind: 'refused' };

/**
 * Turns a request path into a path relative to the root, or refuses it. Refused: malformed
 * percent-encoding, NUL, backslashes, any `.`/`..` segment or dotfile after decoding (so
 * `%2e%2e%2f` cannot climb out), and anything that would still resolve outside the root.
 */
export function resolveRequestPath(root: string, pathname: string): ResolvedPath {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return { kind: 'refused' };
  }
  if (!decoded.startsWith('/') || decoded.includes('\0') || decoded.includes('\\')) return { kind: 'refused' };
  const segments = decoded.split('/').slice(1);
  if (segments.some((segment) => segment.startsWith('.'))) return { kind: 'refused' };
  const relativePath = segments.join('/');
  const absolute = path.resolve(root, relativePath);
  if (absolute !== root && !absolute.startsWith(root + path.sep)) return { kind: 'refused' };
  return { kind: 'file', relativePath };
}

/** A path without a file extension outside assets/ (including `/` and `…/`) is an in-app route: it gets the app shell. */
export function isNavigationPath(relativePath: string): boolean {
  if (relativePath.startsWith('assets/')) return false;
  const last = relativePath.split('/').pop() ?? '';
  return !last.includes('.');
}

export interface StaticOptions {
  /** The directory to serve, e.g. the absolute path of dist/. */
  readonly root: string;
}

export type StaticHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export function createStaticHandler(options: StaticOptions): StaticHandler {
  const root = path.resolve(options.root);
  let realRoot: Promise<string> | undefined;

  async function findFile(relativePath: string): Promise<{ absolute: string; size: number; mtimeMs: number } | undefined> {
    const absolute = path.join(root, relativePath);
    try {
      const info = await stat(absolute);
      if (!info.isFile()) return undefined;
      // A symlink inside dist/ must not lead outside it either.
      realRoot ??= realpath(root);
      const [real, base] = await Promise.all([realpath(absolute), realRoot]);
      if (!real.startsWith(base + path.sep)) return undefined;
      return { absolute, size: info.size, mtimeMs: info.mtimeMs };
    } catch {
      return undefined;
    }
  }

  return async function serveStatic(req, res) {
    applySecurityHeaders(res);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return sendText(res, 405, 'Method Not Allowed');
    }
    const pathname = pathnameOf(req.url ?? '/');
    if (pathname === undefined) return sendText(res, 400, 'Bad Request');
    const resolved = resolveRequestPath(root, pathname);
    if (resolved.kind === 'refused') return sendText(res, 400, 'Bad Request');

    let relativePath = resolved.relativePath;
    let file = await findFile(relativePath);
    if (file === undefined && isNavigationPath(relativePath)) {
      relativePath = 'index.html';
      file = await findFile(relativePath);
    }
    if (file === undefined) return sendText(res, 404, 'Not Found');

    const etag = `W/"${file.size.toString(16)}-${Math.trunc(file.mtimeMs).toString(16)}"`;
    res.setHeader('Content-Type', contentTypeFor(relativePath));
    res.setHeader('Cache-Control', cacheControlFor(relativePath));
    res.setHeader('ETag', etag);
    if (req.headers['if-none-match'] === etag) {
      res.statusCode = 304;
      res.end();
      return;
    }
    res.setHeader('Content-Length', file.size);
    res.statusCode = 200;
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    await new Promise<void>((resolve) => {
      const stream = createReadStream(file.absolute);
      stream.on('error', () => {
        res.destroy();
        resolve();
      });
      res.on('close', resolve);
      stream.pipe(res);
    });
  };
}

/** The request target's path; undefined for targets no URL parser takes (`//[::`, `//host:99999`). */
function pathnameOf(target: string): string | undefined {
  try {
    return new URL(target, 'http://relay.invalid').pathname;
  } catch {
    return undefined;
  }
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.setHeader('Cache-Control', CACHE_REVALIDATE);
  res.end(`${text}\n`);
}
