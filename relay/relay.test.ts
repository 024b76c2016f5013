import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromHex, utf8 } from '../wasm/bytes.ts';
import { buildOnionRequest, decryptSnodeReply } from '../wasm/onion/index.ts';
import { ready } from '../wasm/sodium.ts';
import { startTestDevnet, portOf, type TestDevnet } from '../devnet/testing/test-devnet.ts';
import { MAX_REQUEST_BYTES, RELAY_ERROR_HEADER } from '../src/shared/relay-api.ts';
import { corsRoute } from './cors.ts';
import { NodeDirectory } from './node-directory.ts';
import { devnetProfile } from './profiles.ts';
import { forwardingRoutes } from './routes.ts';
import { close, createRelayServer, listen } from './server.ts';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function call(url: string, method: string, body?: Uint8Array, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

let net: TestDevnet;
let relayUrl: string;
const relayLog: string[] = [];
const relay = { server: undefined as ReturnType<typeof createRelayServer> | undefined };

beforeAll(async () => {
  await ready();
  net = await startTestDevnet();
  const profile = devnetProfile([net.started.seedUrl]);
  relay.server = createRelayServer({
    distDir: 'dist-that-does-not-exist',
    routes: [corsRoute(['http://app.example']), ...forwardingRoutes({ profile, directory: new NodeDirectory(profile), log: (l) => relayLog.push(l) })],
  });
  relayUrl = await listen(relay.server, 0, '127.0.0.1');
});

afterAll(async () => {
  if (relay.server) await close(relay.server);
  await net?.stop();
});

async function onionInfo(targetIndex: number, pathIndexes: number[]) {
  const nodes = net.started.nodes;
  const hop = (i: number) => ({ ed25519PublicKeyHex: nodes[i]!.ed25519Hex, x25519PublicKey: fromHex(nodes[i]!.x25519Hex) });
  const built = await buildOnionRequest({
    path: pathIndexes.map(hop),
    destination: { kind: 'snode', node: hop(targetIndex) },
    payload: utf8(JSON.stringify({ method: 'info', params: {} })),
  });
  const guard = nodes[pathIndexes[0]!]!;
  return { built, url: `${relayUrl}v1/onion/${guard.ip}:${guard.httpsPort}` };
}

describe('relay forwarding', () => {
  it('relays the seed answer for get_n_service_nodes', async () => {
    const body = utf8(JSON.stringify({ jsonrpc: '2.0', method: 'get_n_service_nodes', params: { active_only: true } }));
    const answer = await call(`${relayUrl}v1/seed`, 'POST', body, { 'Content-Type': 'application/json' });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('application/json');
    const states = JSON.parse(answer.body.toString()).result.service_node_states as unknown[];
    expect(states).toHaveLength(net.started.nodes.length);
  });

  it('relays no other seed method', async () => {
    const body = utf8(JSON.stringify({ jsonrpc: '2.0', method: 'get_service_nodes', params: {} }));
    const answer = await call(`${relayUrl}v1/seed`, 'POST', body);
    expect(answer.status).toBe(400);
    expect(answer.headers[RELAY_ERROR_HEADER.toLowerCase()]).toBe('bad_request');
  });

  it('forwards onion bytes to a known guard and passes the answer back unchanged', async () => {
    const { built, url } = await onionInfo(0, [1, 2, 3]);
    const answer = await call(url, 'POST', built.body, { 'Content-Type': 'application/octet-stream' });
    expect(answer.status).toBe(200);
    expect(answer.headers[RELAY_ERROR_HEADER.toLowerCase()]).toBeUndefined();
    const reply = await decryptSnodeReply(new Uint8Array(answer.body), built.replyKey, built.encType);
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toMatchObject({ version: [2, 8, 0] });
  });

  it("passes a guard's own path error through (Invalid ciphertext)", async () => {
    const { built, url } = await onionInfo(0, [1, 2, 3]);
    const tampered = built.body.slice();
    tampered[10] = tampered[10]! ^ 0xff;
    const answer = await call(url, 'POST', tampered);
    expect(answer.status).toBe(400);
    expect(answer.body.toString()).toBe('Invalid ciphertext');
    expect(answer.headers[RELAY_ERROR_HEADER.toLowerCase()]).toBeUndefined();
  });

  it('refuses a loopback port that is not a service node', async () => {
    const relayPort = (relay.server!.address() as AddressInfo).port;
    for (const port of [relayPort, portOf(net.started.seedUrl)]) {
      const answer = await call(`${relayUrl}v1/onion/127.0.0.1:${port}`, 'POST', new Uint8Array(8));
      expect(answer.status).toBe(403);
      expect(answer.headers[RELAY_ERROR_HEADER.toLowerCase()]).toBe('unknown_node');
    }
  });

  it('refuses addresses that are not ipv4:port', async () => {
    for (const target of ['localhost:22021', 'example.com:443', '127.0.0.1', '127.0.0.1:0', '127.0.0.1:70000', '[::1]:443', '..%2f..%2fetc']) {
      const answer = await call(`${relayUrl}v1/onion/${target}`, 'POST', new Uint8Array(8));
      expect(answer.status, target).toBe(400);
    }
  });

  it('refuses oversized bodies without forwarding them', async () => {
    const guard = net.started.nodes[0]!;
    const before = relayLog.length;
    const answer = await call(`${relayUrl}v1/onion/${guard.ip}:${guard.httpsPort}`, 'POST', new Uint8Array(MAX_REQUEST_BYTES + 1));
    expect(answer.status).toBe(413);
    expect(answer.headers[RELAY_ERROR_HEADER.toLowerCase()]).toBe('body_too_large');
    expect(relayLog.slice(before).some((line) => line.includes('onion →'))).toBe(false);
  });

  it('answers node_unreachable when the guard is down, and forwards again once it is back', async () => {
    const { built, url } = await onionInfo(0, [4, 2, 3]);
    await net.devnet.node(4).stop();
    try {
      const answer = await call(url, 'POST', built.body);
      expect(answer.status).toBe(502);
      expect(answer.headers[RELAY_ERROR_HEADER.toLowerCase()]).toBe('node_unreachable');
    } finally {
      await net.devnet.node(4).start();
    }
    const again = await onionInfo(0, [4, 2, 3]);
    expect((await call(again.url, 'POST', again.built.body)).status).toBe(200);
  });

  it('says which network it fronts', async () => {
    const answer = await call(`${relayUrl}v1/network`, 'GET');
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body.toString())).toEqual({ network: 'devnet' });
  });

  it("names the devnet's echo peer once it is known, and nothing that is not a Session ID", async () => {
    const profile = devnetProfile([net.started.seedUrl]);
    let echoPeer: string | undefined;
    const server = createRelayServer({
      distDir: 'dist-that-does-not-exist',
      routes: forwardingRoutes({ profile, directory: new NodeDirectory(profile), log: () => undefined, echoPeer: () => echoPeer }),
    });
    const url = await listen(server, 0, '127.0.0.1');
    try {
      const network = async () => JSON.parse((await call(`${url}v1/network`, 'GET')).body.toString()) as unknown;
      expect(await network()).toEqual({ network: 'devnet' });
      echoPeer = '<script>';
      expect(await network()).toEqual({ network: 'devnet' });
      echoPeer = `05${'ab'.repeat(32)}`;
      expect(await network()).toEqual({ network: 'devnet', echoPeer });
    } finally {
      await close(server);
    }
  });

  it('only accepts POST', async () => {
    const guard = net.started.nodes[0]!;
    const answer = await call(`${relayUrl}v1/onion/${guard.ip}:${guard.httpsPort}`, 'GET');
    expect(answer.status).toBe(405);
    expect(answer.headers['allow']).toBe('POST');
  });

  it('answers CORS preflights for listed origins only', async () => {
    const allowed = await call(`${relayUrl}v1/seed`, 'OPTIONS', undefined, { Origin: 'http://app.example' });
    expect(allowed.status).toBe(204);
    expect(allowed.headers['access-control-allow-origin']).toBe('http://app.example');
    const other = await call(`${relayUrl}v1/seed`, 'OPTIONS', undefined, { Origin: 'http://evil.example' });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    expect(other.status).not.toBe(204);
  });

  it('logs no bodies', () => {
    expect(relayLog.length).toBeGreaterThan(0);
    for (const line of relayLog) expect(line).not.toMatch(/[0-9a-f]{64}/);
  });
});
