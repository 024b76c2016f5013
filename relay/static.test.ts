import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { request, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  CACHE_IMMUTABLE,
  CONTENT_SECURITY_POLICY,
  cacheControlFor,
  contentTypeFor,
  isNavigationPath,
  resolveRequestPath,
} from './static.ts';
import { close, createRelayServer, listen } from './server.ts';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Sends the path exactly as written (fetch would normalise `..` away before it left). */
function get(base: string, rawPath: string, method = 'GET', headers: Record<string, string> = {}): Promise<Reply> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path: rawPath, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

const INDEX = '<!doctype html><title>shell</title>';
const SECRET = 'top secret outside dist';

let workDir: string;
let base: string;
let server: Server;

beforeAll(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), 'parley-static-'));
  const dist = path.join(workDir, 'dist');
  await mkdir(path.join(dist, 'assets'), { recursive: true });
  await writeFile(path.join(workDir, 'secret.txt'), SECRET);
  await writeFile(path.join(dist, 'index.html'), INDEX);
  await writeFile(path.join(dist, 'sw.js'), 'self.x=1');
  await writeFile(path.join(dist, 'manifest.webmanifest'), '{"name":"Parley"}');
  await writeFile(path.join(dist, 'icon-192.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  await writeFile(path.join(dist, 'assets', 'index-abc123.js'), 'console.log(1)');
  await writeFile(path.join(dist, 'assets', 'index-abc123.css'), 'body{}');
  await writeFile(path.join(dist, '.env'), 'HIDDEN=1');
  await symlink(path.join(workDir, 'secret.txt'), path.join(dist, 'link.txt'));
  server = createRelayServer({ distDir: dist });
  base = await listen(server, 0, '127.0.0.1');
});

afterAll(async () => {
  await close(server);
  await rm(workDir, { recursive: true, force: true });
});

describe('headers', () => {
  it('serves index.html at / with no-cache, its type and the security headers', async () => {
    const reply = await get(base, '/');
    expect(reply.status).toBe(200);
    expect(reply.body).toBe(INDEX);
    expect(reply.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(reply.headers['cache-control']).toBe('no-cache');
    expect(reply.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(reply.headers['x-content-type-options']).toBe('nosniff');
    expect(reply.headers['referrer-policy']).toBe('no-referrer');
  });

  it('the CSP allows nothing from elsewhere and no inline script', () => {
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'self'");
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(CONTENT_SECURITY_POLICY).toContain("object-src 'none'");
    // Videos and voice messages play from object URLs (blob:), never from another origin.
    expect(CONTENT_SECURITY_POLICY).toContain("media-src 'self' blob:");
    expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
    expect(CONTENT_SECURITY_POLICY).not.toContain("'unsafe-inline'");
    expect(CONTENT_SECURITY_POLICY).not.toContain("'unsafe-eval'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/https?:|\*/);
  });

  it('caches hashed assets for a year, immutable', async () => {
    const reply = await get(base, '/assets/index-abc123.js');
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(reply.headers['cache-control']).toBe(CACHE_IMMUTABLE);
    expect(reply.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(reply.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    const css = await get(base, '/assets/index-abc123.css');
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
  });

  it('makes the service worker and the manifest revalidate', async () => {
    const sw = await get(base, '/sw.js');
    expect(sw.headers['cache-control']).toBe('no-cache');
    expect(sw.headers['content-type']).toBe('text/javascript; charset=utf-8');
    const manifest = await get(base, '/manifest.webmanifest');
    expect(manifest.headers['cache-control']).toBe('no-cache');
    expect(manifest.headers['content-type']).toBe('application/manifest+json; charset=utf-8');
  });

  it('answers HEAD without a body and a matching ETag with 304', async () => {
    const head = await get(base, '/icon-192.png', 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    expect(head.headers['content-length']).toBe('4');
    expect(head.headers['content-type']).toBe('image/png');
    const etag = head.headers['etag'];
    expect(typeof etag).toBe('string');
    const again = await get(base, '/icon-192.png', 'GET', { 'If-None-Match': etag as string });
    expect(again.status).toBe(304);
    expect(again.body).toBe('');
  });

  it('refuses methods other than GET and HEAD', async () => {
    const reply = await get(base, '/', 'POST');
    expect(reply.status).toBe(405);
    expect(reply.headers['allow']).toBe('GET, HEAD');
  });
});

describe('path traversal is refused', () => {
  const attempts = [
    '/../secret.txt',
    '/assets/../../secret.txt',
    '/%2e%2e/secret.txt',
    '/..%2fsecret.txt',
    '/%2e%2e%2fsecret.txt',
    '/assets/..%2f..%2fsecret.txt',
    '/..%5csecret.txt',
    '/%5c..%5csecret.txt',
    '/secret.txt%00.js',
    '/%E0%A4%A',
    '/.env',
    '/link.txt',
  ];
  for (const attempt of attempts) {
    it(`never returns what lies outside dist/: ${attempt}`, async () => {
      const reply = await get(base, attempt);
      expect(reply.body).not.toContain(SECRET);
      expect(reply.body).not.toContain('HIDDEN');
      // Either refused outright, or normalised by the URL parser into an in-app route (the shell).
      if (reply.status === 200) expect(reply.body).toBe(INDEX);
      else expect([400, 404]).toContain(reply.status);
    });
  }

  it('answers 400 to request targets no URL parser takes (found by relay.fuzz.test.ts: they were a 500)', async () => {
    for (const target of ['//[::', '//evil.example:99999/x']) {
      const reply = await get(base, target);
      expect(reply.status, target).toBe(400);
    }
  });

  it('resolveRequestPath refuses encoded climbs, NUL, backslashes and dotfiles', () => {
    const root = '/srv/dist';
    expect(resolveRequestPath(root, '/%2e%2e/x')).toEqual({ kind: 'refused' });
    expect(resolveRequestPath(root, '/a/..%2f..%2fx')).toEqual({ kind: 'refused' });
    expect(resolveRequestPath(root, '/a%5c..%5cx')).toEqual({ kind: 'refused' });
    expect(resolveRequestPath(root, '/x%00')).toEqual({ kind: 'refused' });
    expect(resolveRequestPath(root, '/%E0%A4%A')).toEqual({ kind: 'refused' });
    expect(resolveRequestPath(root, '/.git/config')).toEqual({ kind: 'refused' });
    expect(resolveRequestPath(root, 'relative')).toEqual({ kind: 'refused' });
    expect(resolveRequestPath(root, '/assets/a.js')).toEqual({ kind: 'file', relativePath: 'assets/a.js' });
    expect(resolveRequestPath(root, '/')).toEqual({ kind: 'file', relativePath: '' });
  });
});

describe('fallback and 404', () => {
  it('gives in-app routes the shell (SPA fallback)', async () => {
    for (const route of ['/conversations', '/conversations/05abc', '/settings/', '/c?x=1']) {
      const reply = await get(base, route);
      expect(reply.status, route).toBe(200);
      expect(reply.body, route).toBe(INDEX);
      expect(reply.headers['cache-control'], route).toBe('no-cache');
      expect(reply.headers['content-type'], route).toBe('text/html; charset=utf-8');
    }
  });

  it('answers 404 for missing files, never the shell', async () => {
    for (const missing of ['/assets/gone-123.js', '/assets/gone', '/nope.png', '/missing.js']) {
      const reply = await get(base, missing);
      expect(reply.status, missing).toBe(404);
      expect(reply.body, missing).not.toBe(INDEX);
      expect(reply.headers['content-security-policy'], missing).toBe(CONTENT_SECURITY_POLICY);
    }
  });

  it('classifies navigation paths', () => {
    expect(isNavigationPath('')).toBe(true);
    expect(isNavigationPath('settings/')).toBe(true);
    expect(isNavigationPath('c/05ab')).toBe(true);
    expect(isNavigationPath('assets/x')).toBe(false);
    expect(isNavigationPath('icon.png')).toBe(false);
  });
});

describe('routes before the static files', () => {
  it('lets a route answer first and passes on what it does not handle', async () => {
    const dist = path.join(workDir, 'dist');
    const withRoute = createRelayServer({
      distDir: dist,
      routes: [
        (req, res) => {
          if (req.url !== '/ping') return false;
          res.end('pong');
          return true;
        },
      ],
    });
    const url = await listen(withRoute, 0, '127.0.0.1');
    try {
      const ping = await get(url, '/ping');
      expect(ping.body).toBe('pong');
      expect(ping.headers['x-content-type-options']).toBe('nosniff');
      expect((await get(url, '/')).body).toBe(INDEX);
    } finally {
      await close(withRoute);
    }
  });
});

describe('content types and cache rules', () => {
  it('maps extensions', () => {
    expect(contentTypeFor('a/b.WASM')).toBe('application/wasm');
    expect(contentTypeFor('icon.svg')).toBe('image/svg+xml');
    expect(contentTypeFor('x.unknown')).toBe('application/octet-stream');
    expect(cacheControlFor('assets/x-1.js')).toBe(CACHE_IMMUTABLE);
    expect(cacheControlFor('index.html')).toBe('no-cache');
    expect(cacheControlFor('sw.js')).toBe('no-cache');
  });
});
