import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toBase64, toHex, utf8 } from '../../wasm/bytes.ts';
import type { Identity } from '../../wasm/identity.ts';
import { buildOnionRequest, decryptSnodeReply, deriveClientKey, encodeLayer, encrypt } from '../../wasm/onion/index.ts';
import { ready, sodium } from '../../wasm/sodium.ts';
import { signedRetrieveParams } from '../../wasm/storage.ts';
import { nearestSwarm } from '../../wasm/swarm.ts';
import type { DevnetNodeInfo } from '../devnet.ts';
import { httpsCall } from '../testing/https-client.ts';
import { replyJson, sendOnion, type OnionNode } from '../testing/onion-client.ts';
import { startTestDevnet, type TestDevnet } from '../testing/test-devnet.ts';
import { randomIdentity, randomNodeKeys } from '../../test/identities.ts';

const HOP_TIMEOUT_MS = 1500;
let net: TestDevnet;
let nodes: readonly DevnetNodeInfo[];
const info = { method: 'info', params: {} };

beforeAll(async () => {
  await ready();
  net = await startTestDevnet({ nodeCount: 8, swarmCount: 2, hopTimeoutMs: HOP_TIMEOUT_MS });
  nodes = net.started.nodes;
});
afterAll(() => net.stop());

const n = (i: number): DevnetNodeInfo => nodes[i]!;
const path = (...indices: number[]): DevnetNodeInfo[] => indices.map(n);

/** A node nobody registered: a valid key pair, unknown to the network. */
function strangerNode(): OnionNode {
  return { ...randomNodeKeys(), ip: '127.0.0.1', httpsPort: 9 };
}

describe('onion round trips', () => {
  it('carries info through three hops to the target and back (aes-gcm)', async () => {
    const before = Date.now();
    const outcome = await sendOnion({ path: path(0, 1, 2), target: n(3), body: info });
    const after = Date.now();
    expect(outcome.http.status).toBe(200);
    expect(outcome.http.headers['server']).toBe('Oxen Storage Server/2.8.0');
    expect(outcome.reply?.status).toBe(200);
    const body = replyJson(outcome) as { version: number[]; timestamp: number; t: number; hf: number[] };
    expect(body.version).toEqual([2, 8, 0]);
    // The target reads its clock (the devnet's, not shifted here) between our two readings.
    expect(body.timestamp).toBeGreaterThanOrEqual(before);
    expect(body.timestamp).toBeLessThanOrEqual(after);
  });

  it('works with xchacha20 layers too', async () => {
    const outcome = await sendOnion({ path: path(4, 5, 6), target: n(7), body: info, encType: 'xchacha20' });
    expect(outcome.reply?.status).toBe(200);
    expect((replyJson(outcome) as { version: number[] }).version).toEqual([2, 8, 0]);
  });

  it('stores a message through an onion and retrieves it with a signed retrieve', async () => {
    const account: Identity = randomIdentity();
    const swarm = nearestSwarm(
      nodes.map((node) => BigInt(node.swarmId)),
      account.sessionId,
    );
    const members = nodes.filter((node) => BigInt(node.swarmId) === swarm);
    const others = nodes.filter((node) => BigInt(node.swarmId) !== swarm);
    const target = members[0]!;
    const data = toBase64(utf8('hello through the onion'));
    const now = Date.now();
    const store = await sendOnion({
      path: others.slice(0, 3),
      target,
      body: { method: 'store', params: { pubkey: account.sessionId, timestamp: now, ttl: 3_600_000, data, namespace: 0 } },
    });
    expect(store.reply?.status).toBe(200);
    const stored = replyJson(store) as { hash: string; swarm: Record<string, unknown> };
    expect(stored.hash).toMatch(/^[A-Za-z0-9+/]{43}$/);
    expect(Object.keys(stored.swarm).sort()).toEqual(members.map((m) => m.ed25519Hex).sort());

    // Any member has it (the store was replicated); ask another one.
    const retrieve = await sendOnion({
      path: others.slice(1, 4),
      target: members[1]!,
      body: { method: 'retrieve', params: signedRetrieveParams(account, { namespace: 0, timestamp: Date.now() }) },
    });
    expect(retrieve.reply?.status).toBe(200);
    const messages = (replyJson(retrieve) as { messages: { hash: string; data: string }[] }).messages;
    expect(messages.map((m) => [m.hash, m.data])).toEqual([[stored.hash, data]]);
  });

  it('passes the destination’s error status inside the encrypted reply, with HTTP 200 outside', async () => {
    const outcome = await sendOnion({ path: path(0, 1, 2), target: n(3), body: { method: 'nope', params: {} } });
    expect(outcome.http.status).toBe(200);
    expect(outcome.reply).toEqual({ status: 400, body: 'no method nope' });
  });
});

describe('path-level failures', () => {
  it('answers 502 "Next node not found" for an unregistered next hop', async () => {
    const stranger = strangerNode();
    const outcome = await sendOnion({ path: [n(0), stranger, n(1)], target: n(2), body: info });
    expect(outcome.http.status).toBe(502);
    expect(outcome.http.headers['content-type']).toBe('text/plain');
    expect(outcome.http.text).toBe(`Next node not found: ${stranger.ed25519Hex}`);
  });

  it('answers 400 "Invalid ciphertext" when the guard cannot decrypt its layer', async () => {
    // An onion built for another node's key, posted to node 0.
    const built = await buildOnionRequest({
      path: [{ ed25519PublicKeyHex: n(1).ed25519Hex, x25519PublicKey: sodium().crypto_box_keypair().publicKey }],
      destination: { kind: 'snode', node: { ed25519PublicKeyHex: n(2).ed25519Hex, x25519PublicKey: sodium().crypto_box_keypair().publicKey } },
      payload: utf8(JSON.stringify(info)),
    });
    const answer = await httpsCall({ port: n(0).httpsPort, path: '/onion_req/v2', body: built.body });
    expect(answer.status).toBe(400);
    expect(answer.text).toBe('Invalid ciphertext');
  });

  it('answers 400 "Error parsing onion request: …" for a broken frame', async () => {
    const post = (body: Uint8Array | string) => httpsCall({ port: n(0).httpsPort, path: '/onion_req/v2', body });
    expect((await post('ab')).text).toBe('Error parsing onion request: Unexpected payload size; expected ciphertext size');
    const long = new Uint8Array([200, 0, 0, 0, 1, 2, 3]);
    expect((await post(long)).text).toBe('Error parsing onion request: Unexpected payload size 3, expected >= 200');
    const noKey = encodeLayer(new Uint8Array(40), { enc_type: 'aes-gcm' });
    const answer = await post(noKey);
    expect(answer.status).toBe(400);
    expect(answer.text).toBe("Error parsing onion request: [json.exception.out_of_range.403] key 'ephemeral_key' not found");
    const shortKey = encodeLayer(new Uint8Array(40), { ephemeral_key: 'abcd' });
    expect((await post(shortKey)).text).toBe('Error parsing onion request: Hex key data is invalid: expected 32 hex digits, received 4');
  });

  it('encrypts "Invalid json" back when a decrypted layer has no usable routing', async () => {
    const ephemeral = sodium().crypto_box_keypair();
    const key = deriveClientKey('aes-gcm', ephemeral.privateKey, ephemeral.publicKey, sodium().crypto_sign_ed25519_pk_to_curve25519(net.devnet.node(0).keys.ed25519PublicKey));
    const blob = await encrypt('aes-gcm', key, encodeLayer(new Uint8Array(3), { destination: 'not a key' }));
    const body = encodeLayer(blob, { ephemeral_key: toHex(ephemeral.publicKey) });
    const answer = await httpsCall({ port: n(0).httpsPort, path: '/onion_req/v2', body });
    expect(answer.status).toBe(200);
    expect(await decryptSnodeReply(answer.body, key, 'aes-gcm')).toEqual({ status: 400, body: 'Invalid json' });
  });

  // When the 504 comes, to the millisecond, is tested on fake timers in onion-router.test.ts; here,
  // that a real slow or stopped hop ends in it (a late answer would have been the target's 200).
  it('answers 504 "Request time out" when a hop does not answer in time', async () => {
    net.devnet.node(2).delay(HOP_TIMEOUT_MS * 2);
    try {
      const outcome = await sendOnion({ path: path(0, 1, 2), target: n(3), body: info });
      expect(outcome.http.status).toBe(504);
      expect(outcome.http.text).toBe('Request time out');
    } finally {
      net.devnet.node(2).delay(0);
    }
  });

  it('reports a stopped relay as 504 after the hop timeout, and the path heals when it starts again', async () => {
    await net.devnet.node(1).stop();
    try {
      const outcome = await sendOnion({ path: path(0, 1, 2), target: n(3), body: info });
      expect(outcome.http.status).toBe(504);
      expect(outcome.http.text).toBe('Request time out');
    } finally {
      await net.devnet.node(1).start();
    }
    expect((await sendOnion({ path: path(0, 1, 2), target: n(3), body: info })).reply?.status).toBe(200);
  });

  it('refuses the connection when the guard itself is stopped', async () => {
    await net.devnet.node(5).stop();
    try {
      await expect(sendOnion({ path: path(5, 1, 2), target: n(3), body: info })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    } finally {
      await net.devnet.node(5).start();
    }
  });

  it('passes back "Snode not ready" from a relay in 503 mode', async () => {
    net.devnet.node(1).fail503(true);
    try {
      const outcome = await sendOnion({ path: path(0, 1, 2), target: n(3), body: info });
      expect(outcome.http.status).toBe(503);
      expect(outcome.http.text).toBe(`Snode not ready: ${n(1).ed25519Hex}`);
    } finally {
      net.devnet.node(1).fail503(false);
    }
  });

  it('passes a garbage answer back unchanged (the client cannot open it)', async () => {
    net.devnet.node(3).garbage(true);
    try {
      const outcome = await sendOnion({ path: path(0, 1, 2), target: n(3), body: info });
      expect(outcome.http.status).toBe(200);
      expect(outcome.reply).toBeUndefined();
    } finally {
      net.devnet.node(3).garbage(false);
    }
  });

  it('limits the path length: a relayed hop number above 15 answers 400', async () => {
    // guard takes hop_no as sent; relay1 gets +1, relay2 +2, the target +3.
    const tooLong = await sendOnion({ path: path(0, 1, 2), target: n(3), body: info, hopNo: 13 });
    expect(tooLong.http.status).toBe(400);
    expect(tooLong.http.text).toBe('onion request max path length exceeded');
    const atLimit = await sendOnion({ path: path(0, 1, 2), target: n(3), body: info, hopNo: 12 });
    expect(atLimit.reply?.status).toBe(200);
    // The HTTPS entry itself takes any hop number (SS checks it only on relayed hops).
    const direct = await sendOnion({ path: path(0), target: n(3), body: info, hopNo: 100 });
    expect(direct.http.status).toBe(400);
    const oneHop = await sendOnion({ path: path(0), target: n(3), body: info, hopNo: 14 });
    expect(oneHop.reply?.status).toBe(200);
  });
});

describe('proxy to a server', () => {
  let server: Server;
  let serverPort: number;
  let received: Buffer | undefined;

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received = Buffer.concat(chunks);
        res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
        res.end('server says hi');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    serverPort = (server.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const serverKey = (): Uint8Array => sodium().crypto_box_keypair().publicKey;

  it('POSTs the decrypted layer to an allowed loopback server and passes its answer back', async () => {
    const built = await buildOnionRequest({
      path: [n(0), n(1), n(2)].map((node) => ({ ed25519PublicKeyHex: node.ed25519Hex, x25519PublicKey: Buffer.from(node.x25519Hex, 'hex') })),
      destination: { kind: 'server', x25519PublicKey: serverKey(), host: '127.0.0.1', target: '/oxen/v4/lsrpc', protocol: 'http', port: serverPort },
      payload: utf8('l2:{}e'),
    });
    const answer = await httpsCall({ port: n(0).httpsPort, path: '/onion_req/v2', body: built.body });
    expect(answer.status).toBe(200);
    expect(answer.text).toBe('server says hi');
    const trailerStart = received!.indexOf('{"host"');
    expect(trailerStart).toBeGreaterThan(4);
    expect(JSON.parse(received!.subarray(trailerStart).toString()).host).toBe('127.0.0.1');
  });

  it('never reaches a host off this machine: 502 as for an unresolvable host', async () => {
    const built = await buildOnionRequest({
      path: [n(0), n(1)].map((node) => ({ ed25519PublicKeyHex: node.ed25519Hex, x25519PublicKey: Buffer.from(node.x25519Hex, 'hex') })),
      destination: { kind: 'server', x25519PublicKey: serverKey(), host: 'example.org', target: '/oxen/v4/lsrpc', protocol: 'https', port: 443 },
      payload: utf8('l2:{}e'),
    });
    const answer = await httpsCall({ port: n(0).httpsPort, path: '/onion_req/v2', body: built.body });
    expect(answer.status).toBe(502);
    expect(answer.text).toBe('Could not resolve host: example.org');
  });

  it('answers 502 when the server refuses the connection', async () => {
    const built = await buildOnionRequest({
      path: [n(0)].map((node) => ({ ed25519PublicKeyHex: node.ed25519Hex, x25519PublicKey: Buffer.from(node.x25519Hex, 'hex') })),
      destination: { kind: 'server', x25519PublicKey: serverKey(), host: '127.0.0.1', target: '/oxen/v4/lsrpc', protocol: 'http', port: 9 },
      payload: utf8('l2:{}e'),
    });
    const answer = await httpsCall({ port: n(0).httpsPort, path: '/onion_req/v2', body: built.body });
    expect(answer.status).toBe(502);
    expect(answer.text).toMatch(/^Failed to connect to 127\.0\.0\.1 port 9 after \d+ ms: Couldn't connect to server$/);
  });
});
