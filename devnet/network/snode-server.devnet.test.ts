import { request } from 'node:https';
import { connect } from 'node:net';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { toBase64 } from '../../wasm/bytes.ts';
import { httpsCall, storageRpc } from '../testing/https-client.ts';
import { rawTlsExchange } from '../testing/raw-tls.ts';
import { startTestDevnet, type TestDevnet } from '../testing/test-devnet.ts';

let net: TestDevnet;
let port: number;

beforeAll(async () => {
  net = await startTestDevnet({ nodeCount: 3, swarmCount: 1 });
  port = net.started.nodes[0]!.httpsPort;
});
afterAll(() => net.stop());

describe('service node HTTPS routes', () => {
  it('answers an unknown route with 404 "<method> <path> Not Found" in plain text, without CORS', async () => {
    const answer = await httpsCall({ port, path: '/foo/bar?x=1', method: 'GET' });
    expect(answer.status).toBe(404);
    expect(answer.statusText).toBe('Not Found');
    expect(answer.text).toBe('GET /foo/bar Not Found');
    expect(answer.headers['content-type']).toBe('text/plain');
    expect(answer.headers['server']).toBe('Oxen Storage Server/2.8.0');
    expect(answer.headers['access-control-allow-origin']).toBeUndefined();

    const preflight = await httpsCall({ port, path: '/storage_rpc/v1', method: 'OPTIONS', headers: { Origin: 'https://app.example' } });
    expect(preflight.status).toBe(404);
    expect(preflight.text).toBe('OPTIONS /storage_rpc/v1 Not Found');
    const wrongMethod = await httpsCall({ port, path: '/storage_rpc/v1', method: 'GET' });
    expect(wrongMethod.text).toBe('GET /storage_rpc/v1 Not Found');
  });

  it('answers ping_test with the node key in X-Oxen-Snode-Pubkey', async () => {
    const answer = await httpsCall({ port, path: '/ping_test/v1', body: '' });
    expect(answer.status).toBe(200);
    expect(answer.headers['x-oxen-snode-pubkey']).toBe(toBase64(net.devnet.node(0).keys.ed25519PublicKey));
    expect(answer.headers['server']).toBe('Oxen Storage Server/2.8.0');
  });

  it('answers get_stats with the version', async () => {
    const answer = await httpsCall({ port, path: '/get_stats/v1', method: 'GET' });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('application/json');
    expect(JSON.parse(answer.text)).toEqual({ version: '2.8.0' });
  });

  it('runs storage RPCs and answers JSON', async () => {
    const answer = await storageRpc(port, { method: 'info', params: {} });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('application/json');
    expect(JSON.parse(answer.text).version).toEqual([2, 8, 0]);
    const bad = await storageRpc(port, 'nope');
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toBe('text/plain');
    expect(bad.text).toBe('invalid json');
  });

  it('refuses the obsolete long-poll header with 410', async () => {
    const answer = await httpsCall({ port, path: '/storage_rpc/v1', body: '{}', headers: { 'X-Loki-Long-Poll': 'true' } });
    expect(answer.status).toBe(410);
    expect(answer.text).toBe('long polling is no longer supported, client upgrade required');
  });
});

describe('oversized and malformed bodies', () => {
  it('answers 413 on a Content-Length over 10 MiB without reading the body', async () => {
    for (const path of ['/storage_rpc/v1', '/onion_req/v2']) {
      const raw = await rawTlsExchange(port, `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Length: ${10 * 1024 * 1024 + 1}\r\n\r\n{`);
      expect(raw).toMatch(/^HTTP\/1\.1 413 Payload Too Large\r\n/);
      expect(raw).toContain('Server: Oxen Storage Server/2.8.0');
      expect(raw.endsWith('\r\n\r\nRequest body too large')).toBe(true);
    }
  });

  it('stops reading a chunked body once it passes 10 MiB and answers 413', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port, path: '/storage_rpc/v1', method: 'POST', rejectUnauthorized: false, agent: false },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
          req.destroy();
        },
      );
      req.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' || error.code === 'EPIPE' ? undefined : reject(error)));
      const chunk = Buffer.alloc(1024 * 1024, 0x61);
      let sent = 0;
      const pump = (): void => {
        while (sent < 16 && !req.destroyed) {
          sent += 1;
          if (!req.write(chunk)) {
            req.once('drain', pump);
            return;
          }
        }
        if (!req.destroyed) req.end();
      };
      pump();
    });
    expect(status).toBe(413);
    // The node is still serving.
    expect((await storageRpc(port, { method: 'info', params: {} })).status).toBe(200);
  });

  it('answers an unparsable Content-Length with 400 "invalid Content-Length"', async () => {
    const raw = await rawTlsExchange(port, 'POST /storage_rpc/v1 HTTP/1.1\r\nHost: x\r\nContent-Length: 12abc\r\n\r\n');
    expect(raw).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(raw.endsWith('invalid Content-Length')).toBe(true);
  });

  it('answers broken HTTP framing with a 400 and closes', async () => {
    const raw = await rawTlsExchange(port, 'BLAH\r\n\r\n');
    expect(raw).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
  });
});

describe('junk below HTTP', () => {
  it('drops plain-TCP junk and non-TLS HTTP without harm', async () => {
    for (const junk of [randomBytes(600), Buffer.from('POST /storage_rpc/v1 HTTP/1.1\r\nHost: x\r\n\r\n')]) {
      await new Promise<void>((resolve) => {
        const socket = connect({ host: '127.0.0.1', port }, () => socket.end(junk));
        socket.on('error', () => resolve());
        socket.on('close', () => resolve());
        socket.resume();
      });
    }
    expect((await storageRpc(port, { method: 'info', params: {} })).status).toBe(200);
  });
});

describe('fault modes', () => {
  it('503 mode refuses storage RPCs and onion requests but still answers ping_test', async () => {
    const node = net.devnet.node(1);
    const nodePort = node.record.httpsPort;
    node.fail503(true);
    try {
      const rpc = await storageRpc(nodePort, { method: 'info', params: {} });
      expect(rpc.status).toBe(503);
      expect(rpc.statusText).toBe('Service Unavailable');
      expect(rpc.text).toBe('Service node is not ready: not done syncing\n');
      const onion = await httpsCall({ port: nodePort, path: '/onion_req/v2', body: 'x' });
      expect(onion.status).toBe(503);
      expect((await httpsCall({ port: nodePort, path: '/ping_test/v1', body: '' })).status).toBe(200);
    } finally {
      node.fail503(false);
    }
    expect((await storageRpc(nodePort, { method: 'info', params: {} })).status).toBe(200);
  });

  it('garbage mode answers 200 with random bytes, then recovers', async () => {
    const node = net.devnet.node(2);
    const nodePort = node.record.httpsPort;
    node.garbage(true);
    try {
      const answer = await storageRpc(nodePort, { method: 'info', params: {} });
      expect(answer.status).toBe(200);
      expect(answer.body.length).toBeGreaterThan(0);
      expect(() => JSON.parse(answer.text)).toThrow();
    } finally {
      node.garbage(false);
    }
    expect(JSON.parse((await storageRpc(nodePort, { method: 'info', params: {} })).text).version).toEqual([2, 8, 0]);
  });

  it('a delayed node holds its answer for the delay, then answers', async () => {
    const node = net.devnet.node(2);
    node.delay(300);
    // Only timers are faked (the node's delay is one); sockets and TLS keep running for real.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      let answered = false;
      const answer = storageRpc(node.record.httpsPort, { method: 'info', params: {} }).then((a) => ((answered = true), a));
      // The request has reached the node once the node's delay timer is set.
      while (vi.getTimerCount() === 0) await new Promise((resolve) => setImmediate(resolve));
      await vi.advanceTimersByTimeAsync(299);
      expect(vi.getTimerCount()).toBe(1); // still held
      expect(answered).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(vi.getTimerCount()).toBe(0);
      expect((await answer).status).toBe(200);
    } finally {
      vi.useRealTimers();
      node.delay(0);
    }
  });

  it('a stopped node refuses connections and serves again after start, on the same port', async () => {
    const node = net.devnet.node(2);
    const nodePort = node.record.httpsPort;
    await node.stop();
    await expect(storageRpc(nodePort, { method: 'info', params: {} })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await node.start();
    expect(node.record.httpsPort).toBe(nodePort);
    expect((await storageRpc(nodePort, { method: 'info', params: {} })).status).toBe(200);
  });
});
