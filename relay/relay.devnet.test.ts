import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromHex, utf8 } from '../wasm/bytes.ts';
import { buildOnionRequest, decryptSnodeReply } from '../wasm/onion/index.ts';
import { ready } from '../wasm/sodium.ts';
import { startTestDevnet, portOf, type TestDevnet } from '../devnet/testing/test-devnet.ts';
import { randomIdentity } from '../test/identities.ts';
import { MAX_ONION_REQUEST_BYTES, ONION_CONTENT_TYPE, RELAY_ERROR_HEADER, SEED_CONTENT_TYPE } from '../src/shared/relay-api.ts';
import { parseFileServerProfile } from '../src/shared/file-server-api.ts';
import { relayLimits } from './limits.ts';
import { corsRoute } from './cors.ts';
import { NodeDirectory } from './node-directory.ts';
import { devnetSeeds } from './seed-profiles.ts';
import { forwardingRoutes } from './routes.ts';
import { createRelay } from './relay.ts';
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
  const profile = devnetSeeds([net.started.seedUrl]);
  relay.server = createRelayServer({
    distDir: 'dist-that-does-not-exist',
    routes: [corsRoute(['http://app.example']), ...forwardingRoutes({ profile, directory: new NodeDirectory(profile, relayLimits()), log: (l) => relayLog.push(l) })],
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
    const answer = await call(`${relayUrl}v1/seed`, 'POST', body, { 'Content-Type': SEED_CONTENT_TYPE });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('application/json');
    const states = JSON.parse(answer.body.toString()).result.service_node_states as unknown[];
    expect(states).toHaveLength(net.started.nodes.length);
  });

  it('relays no other seed method', async () => {
    const body = utf8(JSON.stringify({ jsonrpc: '2.0', method: 'get_service_nodes', params: {} }));
    const answer = await call(`${relayUrl}v1/seed`, 'POST', body, { 'Content-Type': SEED_CONTENT_TYPE });
    expect(answer.status).toBe(400);
    expect(answer.headers[RELAY_ERROR_HEADER.toLowerCase()]).toBe('bad_request');
  });

  it('forwards onion bytes to a known guard and passes the answer back unchanged', async () => {
    const { built, url } = await onionInfo(0, [1, 2, 3]);
    const answer = await call(url, 'POST', built.body, { 'Content-Type': ONION_CONTENT_TYPE });
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
    const answer = await call(url, 'POST', tampered, { 'Content-Type': ONION_CONTENT_TYPE });
    expect(answer.status).toBe(400);
    expect(answer.body.toString()).toBe('Invalid ciphertext');
    expect(answer.headers[RELAY_ERROR_HEADER.toLowerCase()]).toBeUndefined();
  });

  it('refuses a loopback port that is not a service node', async () => {
    const relayPort = (relay.server!.address() as AddressInfo).port;
    for (const port of [relayPort, portOf(net.started.seedUrl)]) {
      const answer = await call(`${relayUrl}v1/onion/127.0.0.1:${port}`, 'POST', new Uint8Array(8), { 'Content-Type': ONION_CONTENT_TYPE });
      expect(answer.status).toBe(403);
      expect(answer.headers[RELAY_ERROR_HEADER.toLowerCase()]).toBe('unknown_node');
    }
  });

  it('refuses addresses that are not ipv4:port', async () => {
    for (const target of ['localhost:22021', 'example.com:443', '127.0.0.1', '127.0.0.1:0', '127.0.0.1:70000', '[::1]:443', '..%2f..%2fetc']) {
      const answer = await call(`${relayUrl}v1/onion/${target}`, 'POST', new Uint8Array(8), { 'Content-Type': ONION_CONTENT_TYPE });
      expect(answer.status, target).toBe(400);
    }
  });

  it('refuses oversized bodies without forwarding them', async () => {
    const guard = net.started.nodes[0]!;
    const before = relayLog.length;
    const answer = await call(`${relayUrl}v1/onion/${guard.ip}:${guard.httpsPort}`, 'POST', new Uint8Array(MAX_ONION_REQUEST_BYTES + 1), { 'Content-Type': ONION_CONTENT_TYPE });
    expect(answer.status).toBe(413);
    expect(answer.headers[RELAY_ERROR_HEADER.toLowerCase()]).toBe('body_too_large');
    expect(relayLog.slice(before).some((line) => line.includes('onion →'))).toBe(false);
  });

  it('answers node_unreachable when the guard is down, and forwards again once it is back', async () => {
    const { built, url } = await onionInfo(0, [4, 2, 3]);
    await net.devnet.node(4).stop();
    try {
      const answer = await call(url, 'POST', built.body, { 'Content-Type': ONION_CONTENT_TYPE });
      expect(answer.status).toBe(502);
      expect(answer.headers[RELAY_ERROR_HEADER.toLowerCase()]).toBe('node_unreachable');
    } finally {
      await net.devnet.node(4).start();
    }
    const again = await onionInfo(0, [4, 2, 3]);
    expect((await call(again.url, 'POST', again.built.body, { 'Content-Type': ONION_CONTENT_TYPE })).status).toBe(200);
  });

  it('says which network it fronts', async () => {
    const answer = await call(`${relayUrl}v1/network`, 'GET');
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body.toString())).toEqual({ network: 'devnet' });
  });

  it("names the devnet's echo peer once it is known, and nothing that is not a Session ID", async () => {
    const profile = devnetSeeds([net.started.seedUrl]);
    let echoPeer: string | undefined;
    const server = createRelayServer({
      distDir: 'dist-that-does-not-exist',
      routes: forwardingRoutes({ profile, directory: new NodeDirectory(profile, relayLimits()), log: () => undefined, echoPeer: () => echoPeer }),
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

  it("names the devnet's file server on a devnet, never on mainnet", async () => {
    const fileServer = net.devnet.fileServer;
    const answers: unknown[] = [];
    for (const profile of [devnetSeeds([net.started.seedUrl]), { ...devnetSeeds([net.started.seedUrl]), name: 'mainnet' as const }]) {
      const server = createRelayServer({
        distDir: 'dist-that-does-not-exist',
        routes: forwardingRoutes({ profile, directory: new NodeDirectory(profile, relayLimits()), log: () => undefined, fileServer }),
      });
      const url = await listen(server, 0, '127.0.0.1');
      try {
        answers.push(JSON.parse((await call(`${url}v1/network`, 'GET')).body.toString()));
      } finally {
        await close(server);
      }
    }
    expect(answers[0]).toEqual({ network: 'devnet', fileServer });
    expect(parseFileServerProfile((answers[0] as { fileServer: unknown }).fileServer)).toEqual(fileServer);
    expect(answers[1]).toEqual({ network: 'mainnet' });
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

  it('logs what was asked and how it ended, but no body, key or client address', async () => {
    // A relay of its own, so that every line in its log comes from the requests below.
    const log: string[] = [];
    const server = createRelay({ distDir: 'dist-that-does-not-exist', profile: devnetSeeds([net.started.seedUrl]), log: (l) => log.push(l) });
    const url = await listen(server, 0, '127.0.0.1');
    try {
      const client = { address: '127.0.0.77', forwardedFor: '203.0.113.77', ports: [] as number[] };
      const send = (path: string, body: Uint8Array) =>
        callFrom(client.address, `${url}${path}`, body, {
          'Content-Type': path === 'v1/seed' ? SEED_CONTENT_TYPE : ONION_CONTENT_TYPE,
          'X-Forwarded-For': client.forwardedFor,
          'User-Agent': 'Parley relay log test',
        }).then(
          (answer) => (client.ports.push(answer.localPort), answer),
        );
      const marker = 'parley-relay-log-marker-5e0d6a1c';
      const secret = randomIdentity();

      const seedBody = utf8(JSON.stringify({ jsonrpc: '2.0', id: marker, method: 'get_n_service_nodes', params: { active_only: true, marker } }));
      expect((await send('v1/seed', seedBody)).status).toBe(200);
      const refusedSeedBody = utf8(JSON.stringify({ jsonrpc: '2.0', method: 'get_service_nodes', params: { marker, key: secret.sessionId } }));
      expect((await send('v1/seed', refusedSeedBody)).status).toBe(400);

      const nodes = net.started.nodes;
      const hop = (i: number) => ({ ed25519PublicKeyHex: nodes[i]!.ed25519Hex, x25519PublicKey: fromHex(nodes[i]!.x25519Hex) });
      const payload = utf8(JSON.stringify({ method: 'info', params: { marker, pubkey: secret.sessionId } }));
      const onion = await buildOnionRequest({ path: [1, 2, 3].map(hop), destination: { kind: 'snode', node: hop(0) }, payload });
      const guard = nodes[1]!;
      expect((await send(`v1/onion/${guard.ip}:${guard.httpsPort}`, onion.body)).status).toBe(200);
      const strayBody = utf8(`${marker} ${secret.sessionId}`);
      expect((await send(`v1/onion/127.0.0.1:${portOf(net.started.seedUrl)}`, strayBody)).status).toBe(403);

      // The log is not empty: each request left its line, so the checks below have something to read.
      expect(log.filter((line) => line.startsWith('relay: seed '))).toHaveLength(1);
      expect(log.filter((line) => line.startsWith(`relay: onion → ${guard.ip}:${guard.httpsPort} 200 `))).toHaveLength(1);
      expect(log.filter((line) => line.includes('refused (unknown node)'))).toHaveLength(1);

      const ephemeralKey = /"ephemeral_key":"([0-9a-f]{64})"/.exec(Buffer.from(onion.body).toString('latin1'))?.[1];
      expect(ephemeralKey).toBeDefined();
      const needles = [
        marker,
        client.address,
        client.forwardedFor,
        ...client.ports.map((port) => `:${port}`),
        ...encodings(utf8(marker)),
        ...encodings(fromHex(secret.sessionId)),
        ...encodings(fromHex(ephemeralKey!)),
        ...encodings(onion.replyKey),
        ...[seedBody, refusedSeedBody, onion.body, strayBody].flatMap((body) => encodings(body.subarray(0, 48))),
        ...[seedBody, refusedSeedBody, strayBody].map((body) => Buffer.from(body).toString('utf8')),
      ];
      for (const line of log) {
        for (const needle of needles) expect(line, `the log line "${line}" holds ${needle}`).not.toContain(needle);
      }
    } finally {
      await close(server);
    }
  });
});

/** POSTs from a chosen loopback address, so that the client's address is one nothing else uses. */
function callFrom(localAddress: string, url: string, body: Uint8Array, headers: Record<string, string>): Promise<Answer & { localPort: number }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers, localAddress }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), localPort: req.socket?.localPort ?? 0 }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The forms a byte string could take in a log line: raw, hex (both cases), base64 and base64url at each of the three alignments. */
function encodings(bytes: Uint8Array): string[] {
  const forms = [Buffer.from(bytes).toString('hex'), Buffer.from(bytes).toString('hex').toUpperCase()];
  for (let shift = 0; shift < 3; shift++) {
    const shifted = Buffer.concat([Buffer.alloc(shift), Buffer.from(bytes)]);
    // Drop the first and last groups: they mix in bytes that are not ours.
    for (const text of [shifted.toString('base64'), shifted.toString('base64url')]) forms.push(text.slice(4, -4));
  }
  return forms.filter((form) => form.length >= 16);
}
