/**
 * The devnet file server through real 3-hop onions (client-protocol.md §6.3): upload, download,
 * info, extend; the 10,000,000-byte limit, empty uploads, unknown ids, TTLs and expiry (the
 * devnet's clock moved, no waiting); no way in but the onion; files and keys kept across a restart.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FILE_ID_PATTERN,
  FILE_SERVER_DEFAULT_TTL_SECONDS,
  FILE_SERVER_MAX_BYTES,
  fileDownloadPath,
  fileExtendPath,
  fileInfoPath,
} from '../../src/shared/file-server-api.ts';
import { fileServerCall, replyJson } from '../testing/file-server-client.ts';
import { startTestDevnet, type TestDevnet } from '../testing/test-devnet.ts';
import { fileIdOf } from './file-id.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'parley-file-server-'));
let net: TestDevnet;

// Large uploads cross three hops and the proxy: give them time on a loaded machine.
const TIMEOUTS = { hopTimeoutMs: 25_000, proxyTimeoutMs: 20_000 };

beforeAll(async () => {
  net = await startTestDevnet({ dataDir, ...TIMEOUTS });
}, 60_000);
afterAll(async () => {
  await net.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const path = () => [net.started.nodes[0]!, net.started.nodes[3]!, net.started.nodes[5]!];
const call = (method: string, endpoint: string, body?: Uint8Array, headers: Record<string, string> = {}) =>
  fileServerCall(path(), net.devnet.fileServer, { method, endpoint, headers, ...(body === undefined ? {} : { body }) }, 60_000);

function bytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (x * 1_103_515_245 + 12_345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

describe('the devnet file server through onions', () => {
  it('uploads, downloads, describes and extends a file', async () => {
    const body = bytes(5000, 1);
    const before = net.devnet.network.now() / 1000;
    const upload = await call('POST', '/file', body, { 'Content-Type': 'application/octet-stream' });
    expect(upload.http.status).toBe(200);
    expect(upload.reply?.code).toBe(200);
    const { id, expires } = replyJson(upload.reply) as { id: string; expires: number };
    expect(id).toMatch(FILE_ID_PATTERN);
    expect(id).toBe(fileIdOf(body));
    expect(expires).toBeGreaterThanOrEqual(before + FILE_SERVER_DEFAULT_TTL_SECONDS);

    const download = await call('GET', fileDownloadPath(id));
    expect(download.reply?.code).toBe(200);
    expect(Buffer.from(download.reply!.body).equals(Buffer.from(body))).toBe(true);

    const info = await call('GET', fileInfoPath(id));
    expect(replyJson(info.reply)).toMatchObject({ id, size: 5000, expires });

    const extend = await call('POST', fileExtendPath(id), undefined, { 'X-FS-TTL': '60' });
    expect(extend.reply?.code).toBe(200);
    // An extension never shortens a lifetime.
    expect((replyJson(extend.reply) as { expires: number }).expires).toBe(expires);
  });

  it('takes a body of exactly 10,000,000 bytes and gives it back whole', async () => {
    const body = bytes(FILE_SERVER_MAX_BYTES, 2);
    const upload = await call('POST', '/file', body);
    expect(upload.reply?.code).toBe(200);
    const { id } = replyJson(upload.reply) as { id: string };
    const download = await call('GET', fileDownloadPath(id));
    expect(download.reply?.body.length).toBe(FILE_SERVER_MAX_BYTES);
    expect(fileIdOf(download.reply!.body)).toBe(id);
  }, 120_000);

  it('refuses an upload one byte over the limit (413) and an empty one (400)', async () => {
    const over = await call('POST', '/file', new Uint8Array(FILE_SERVER_MAX_BYTES + 1));
    expect(over.reply?.code).toBe(413);
    expect(replyJson(over.reply)['error']).toMatch(/10000000/);
    const empty = await call('POST', '/file', new Uint8Array(0));
    expect(empty.reply?.code).toBe(400);
    const none = await call('POST', '/file');
    expect(none.reply?.code).toBe(400);
  }, 120_000);

  it('answers 404 for unknown ids and endpoints, 405 for a wrong method, 400 for a bad TTL', async () => {
    const unknown = fileIdOf(new Uint8Array([9, 9, 9]));
    for (const endpoint of [fileDownloadPath(unknown), fileInfoPath(unknown), fileDownloadPath('../keys.json'), fileDownloadPath('12345'), '/nothing']) {
      const answer = await call('GET', endpoint);
      expect(answer.reply?.code, endpoint).toBe(404);
    }
    expect((await call('POST', fileExtendPath(unknown))).reply?.code).toBe(404);
    expect((await call('GET', '/file')).reply?.code).toBe(405);
    for (const ttl of ['0', '-5', 'soon', String(FILE_SERVER_DEFAULT_TTL_SECONDS + 1)]) {
      expect((await call('POST', '/file', bytes(10, 3), { 'X-FS-TTL': ttl })).reply?.code, ttl).toBe(400);
    }
  });

  it('honours X-FS-TTL: the file is gone once its time has passed', async () => {
    const body = bytes(700, 4);
    const upload = await call('POST', '/file', body, { 'x-fs-ttl': '60' });
    const { id, expires } = replyJson(upload.reply) as { id: string; expires: number };
    expect(expires).toBeLessThanOrEqual(net.devnet.network.now() / 1000 + 60);
    expect((await call('GET', fileDownloadPath(id))).reply?.code).toBe(200);
    net.devnet.setClockOffset(61_000);
    try {
      expect((await call('GET', fileDownloadPath(id))).reply?.code).toBe(404);
      await net.devnet.pruneExpired();
    } finally {
      net.devnet.setClockOffset(0);
    }
    // Pruned from disk: even with the clock back, it is gone.
    expect((await call('GET', fileDownloadPath(id))).reply?.code).toBe(404);
  });

  it('cannot be used without an onion: plain HTTP gets 404, a non-onion body 400', async () => {
    const { port } = new URL(net.devnet.fileServer.url);
    const plain = (method: string, urlPath: string, body?: string) =>
      new Promise<number>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port: Number(port), method, path: urlPath }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end(body);
      });
    expect(await plain('POST', '/file', 'raw bytes')).toBe(404);
    expect(await plain('GET', '/file/abc')).toBe(404);
    expect(await plain('POST', '/oxen/v4/lsrpc', 'not an onion layer')).toBe(400);
  });

  it('keeps its files and keys across a restart', async () => {
    const body = bytes(3000, 5);
    const { id } = replyJson((await call('POST', '/file', body)).reply) as { id: string };
    const keysBefore = net.devnet.fileServer;
    await net.devnet.stop();
    net = await startTestDevnet({ dataDir, ...TIMEOUTS });
    expect(net.devnet.fileServer.x25519PublicKeyHex).toBe(keysBefore.x25519PublicKeyHex);
    expect(net.devnet.fileServer.ed25519PublicKeyHex).toBe(keysBefore.ed25519PublicKeyHex);
    const download = await call('GET', fileDownloadPath(id));
    expect(download.reply?.code).toBe(200);
    expect(Buffer.from(download.reply!.body).equals(Buffer.from(body))).toBe(true);
  }, 60_000);
});
