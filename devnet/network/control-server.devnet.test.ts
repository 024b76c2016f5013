/**
 * The control port (issue 9, hole 7): who may use it — a loopback Node client naming the loopback
 * Host and carrying the run's bearer token, never a web page — and what it does for them.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Devnet } from '../devnet.ts';
import { controlCall, type ControlAccess } from '../testing/control-client.ts';
import { storageRpc } from '../testing/https-client.ts';
import { startTestDevnet, type TestDevnet } from '../testing/test-devnet.ts';

let net: TestDevnet;
let access: ControlAccess;

beforeAll(async () => {
  net = await startTestDevnet({ nodeCount: 3, swarmCount: 1, controlPort: 0 });
  access = { url: net.started.controlUrl!, token: net.started.controlToken! };
});
afterAll(() => net.stop());

const port = () => Number(new URL(access.url).port);

describe('who may use the control port', () => {
  it('has a fresh random token per start, exposed by the Devnet object', () => {
    expect(net.started.controlToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(net.devnet.controlToken).toBe(net.started.controlToken);
  });

  it('answers the loopback Host with the token, by address or as localhost', async () => {
    expect((await controlCall(access, 'GET', '/')).status).toBe(200);
    expect((await controlCall(access, 'GET', '/', { headers: { Host: `localhost:${port()}` } })).status).toBe(200);
  });

  it('refuses any other Host with 421, as a DNS-rebinding page would send', async () => {
    for (const host of [`attacker.example:${port()}`, `127.0.0.1:${port() + 1}`, '127.0.0.1', `LOCALHOST.:${port()}`, `127.0.0.2:${port()}`]) {
      const answer = await controlCall(access, 'POST', '/nodes/0/stop', { body: {}, headers: { Host: host } });
      expect({ host, status: answer.status }).toEqual({ host, status: 421 });
    }
    expect(net.devnet.node(0).running).toBe(true);
  });

  it('refuses a request without Host', async () => {
    // Node's server itself answers an HTTP/1.1 request without Host with 400 (requireHostHeader).
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: port(), path: '/', method: 'GET', setHost: false, headers: { Authorization: `Bearer ${access.token}` }, agent: false }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(400);
  });

  it('refuses a missing or wrong token with 401', async () => {
    const missing = await controlCall(access, 'POST', '/clock', { body: { offsetMs: 60_000 }, withoutToken: true });
    expect(missing.status).toBe(401);
    expect(missing.json.error).toMatch(/Authorization: Bearer/);
    const wrong = await controlCall({ ...access, token: `${access.token.slice(0, -1)}${access.token.endsWith('A') ? 'B' : 'A'}` }, 'POST', '/clock', { body: { offsetMs: 60_000 } });
    expect(wrong.status).toBe(401);
    const shorter = await controlCall({ ...access, token: access.token.slice(0, 20) }, 'GET', '/');
    expect(shorter.status).toBe(401);
    const notBearer = await controlCall(access, 'GET', '/', { headers: { Authorization: `Basic ${access.token}` } });
    expect(notBearer.status).toBe(401);
    expect(net.devnet.clockOffsetMs).toBe(0);
  });

  it('refuses anything a browser sends (Origin or Sec-Fetch-Site) with 403, even with the token', async () => {
    const browserHeaders: Array<Record<string, string>> = [
      { Origin: 'http://attacker.example' },
      { Origin: 'null' },
      { Origin: access.url },
      { 'Sec-Fetch-Site': 'cross-site' },
      { 'Sec-Fetch-Site': 'same-origin' },
    ];
    for (const headers of browserHeaders) {
      const answer = await controlCall(access, 'POST', '/nodes/1/stop', { body: {}, headers });
      expect({ headers, status: answer.status }).toEqual({ headers, status: 403 });
    }
    expect(net.devnet.node(1).running).toBe(true);
  });

  it('takes a token given in the options, and refuses one too short to be a secret', async () => {
    const fixed = 'a-fixed-token-for-this-test-0123456789';
    const other = await startTestDevnet({ nodeCount: 1, swarmCount: 1, controlPort: 0, controlToken: fixed });
    try {
      expect(other.started.controlToken).toBe(fixed);
      expect((await controlCall({ url: other.started.controlUrl!, token: fixed }, 'GET', '/nodes')).status).toBe(200);
    } finally {
      await other.stop();
    }
    await expect(new Devnet({ dataDir: net.dataDir, nodeCount: 1, controlPort: 0, controlToken: 'short' }).start()).rejects.toThrow(/control token/);
  });
});

describe('what the control port does', () => {
  const call = (method: string, path: string, body?: unknown, contentType = 'application/json') =>
    controlCall(access, method, path, body === undefined ? {} : { body, headers: { 'Content-Type': contentType } });

  it('lists the network', async () => {
    const overview = await call('GET', '/');
    expect(overview.status).toBe(200);
    expect(overview.json.seedUrl).toBe(net.started.seedUrl);
    expect(overview.json.nodes).toHaveLength(3);
    expect((await call('GET', `/nodes/${net.started.nodes[1]!.ed25519Hex}`)).json.index).toBe(1);
  });

  it('injects and clears faults', async () => {
    const nodePort = net.started.nodes[1]!.httpsPort;
    const failed = await call('POST', '/nodes/1/fail503', { on: true, reason: 'not in any swarm' });
    expect(failed.json.faults.notReadyReason).toBe('not in any swarm');
    expect((await storageRpc(nodePort, { method: 'info', params: {} })).text).toBe('Service node is not ready: not in any swarm\n');
    expect((await call('POST', '/nodes/1/delay', { ms: 10 })).json.faults.delayMs).toBe(10);
    const cleared = await call('POST', '/nodes/1/clear', {});
    expect(cleared.json.faults).toEqual({ garbage: false, delayMs: 0 });
    expect((await storageRpc(nodePort, { method: 'info', params: {} })).status).toBe(200);

    expect((await call('POST', '/nodes/2/stop', {})).json.running).toBe(false);
    await expect(storageRpc(net.started.nodes[2]!.httpsPort, { method: 'info', params: {} })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect((await call('POST', '/nodes/2/start', {})).json.running).toBe(true);
    expect((await call('POST', '/clock', { offsetMs: 5000 })).json).toEqual({ clockOffsetMs: 5000 });
    await call('POST', '/clock', { offsetMs: 0 });
  });

  it('refuses bad requests', async () => {
    expect((await call('POST', '/nodes/9/stop', {})).status).toBe(404);
    expect((await call('POST', '/nodes/1/explode', {})).status).toBe(404);
    expect((await call('POST', '/nodes/1/delay', { ms: -5 })).status).toBe(400);
    expect((await call('POST', '/nodes/1/delay', { ms: 1e9 })).status).toBe(400);
    expect((await call('POST', '/clock', { offsetMs: 'soon' })).status).toBe(400);
    expect((await call('POST', '/nodes/1/stop', {}, 'text/plain')).status).toBe(400);
  });
});
