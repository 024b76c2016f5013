/**
 * Issue 9, hole 5: the relay's abuse limits, each tried once, with small configured numbers so that
 * every test ends by itself. Nothing here measures time: each test waits for the event the limit
 * promises (a 429, a 413, a closed connection).
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import {
  MAX_LARGE_ONION_REQUEST_BYTES,
  MAX_ONION_REQUEST_BYTES,
  MAX_SEED_REQUEST_BYTES,
  ONION_LARGE_PATH_PREFIX,
  RELAY_ERROR_HEADER,
  SEED_CONTENT_TYPE,
} from '../src/shared/relay-api.ts';
import { waitUntil } from '../test/wait.ts';
import type { RelayLimits } from './limits.ts';
import { createRelay } from './relay.ts';
import { devnetSeeds } from './seed-profiles.ts';
import { close, listen } from './server.ts';
import { call, postOnion, rawConnection, type Answer } from './testing/http-call.ts';
import { afterBody, seedAnswer, startFakeSeed, startFakeUpstream, type FakeUpstream } from './testing/fake-upstreams.ts';

const SEED_BODY = new TextEncoder().encode(JSON.stringify({ jsonrpc: '2.0', method: 'get_n_service_nodes', params: {} }));
const relayError = (answer: Answer) => answer.headers[RELAY_ERROR_HEADER.toLowerCase()];

/** Everything a test started, stopped after it. */
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function upstream(start: Promise<FakeUpstream>): Promise<FakeUpstream> {
  const started = await start;
  cleanups.push(() => started.close());
  return started;
}

/** A relay in front of one fake node (listed by a fake seed), with the given limits. */
async function relayFor(node: FakeUpstream, limits: Partial<RelayLimits>, seeds?: FakeUpstream[]): Promise<string> {
  const seedList = seeds ?? [await upstream(startFakeSeed(() => [node]))];
  const relay: Server = createRelay({
    distDir: 'dist-that-does-not-exist',
    profile: devnetSeeds(seedList.map((s) => s.url)),
    log: () => undefined,
    limits,
  });
  const url = await listen(relay, 0, '127.0.0.1');
  cleanups.push(() => close(relay));
  return url;
}

const okNode = () => upstream(startFakeUpstream(afterBody((_req, res) => res.end('ok'))));

describe('slow clients', () => {
  const timeouts = { headersTimeoutMs: 300, requestTimeoutMs: 600, timeoutCheckIntervalMs: 100 };

  it('closes a connection whose headers never end', async () => {
    const url = await relayFor(await okNode(), timeouts);
    const { socket, closed } = await rawConnection(url);
    socket.write('POST /v1/seed HTTP/1.1\r\nHost: relay\r\nContent-Type: application/json\r\n');
    await closed;
    expect(socket.destroyed).toBe(true);
  });

  it('closes a connection whose body never ends, without forwarding it', async () => {
    const node = await okNode();
    const url = await relayFor(node, timeouts);
    const { socket, closed } = await rawConnection(url);
    socket.write(
      `POST /v1/onion/127.0.0.1:${node.port} HTTP/1.1\r\nHost: relay\r\nContent-Type: application/octet-stream\r\nContent-Length: 1000\r\n\r\n0123456789`,
    );
    const answer = await closed;
    expect(answer.toString('latin1')).toMatch(/^(HTTP\/1\.1 408 |$)/);
    expect(node.requests).toHaveLength(0);
  });
});

describe('floods', () => {
  it('answers 429 with Retry-After once a client has spent its burst, and only to that client', async () => {
    const node = await okNode();
    const url = await relayFor(node, { clientBurst: 3, clientRefillPerSecond: 0.001 });
    const post = (localAddress?: string) =>
      call(`${url}v1/seed`, 'POST', { body: SEED_BODY, headers: { 'Content-Type': SEED_CONTENT_TYPE }, ...(localAddress ? { localAddress } : {}) });
    for (let i = 0; i < 3; i++) expect((await post()).status).toBe(200);
    const refused = await post();
    expect(refused.status).toBe(429);
    expect(relayError(refused)).toBe('rate_limited');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect((await post('127.0.0.2')).status).toBe(200);
    // The app itself and the network name are not forwarding routes: still served.
    expect((await call(`${url}v1/network`, 'GET')).status).toBe(200);
  });

  it('answers 429 to the request over the concurrency cap, and serves again once one ends', async () => {
    const held: ServerResponse[] = [];
    const node = await upstream(
      startFakeUpstream(
        afterBody((_req: IncomingMessage, res) => {
          // The first two requests are held until the test lets them go; later ones are answered.
          if (held.length < 2) held.push(res);
          else res.end('ok');
        }),
      ),
    );
    const url = await relayFor(node, { clientMaxConcurrent: 2 });
    const first = postOnion(url, node.port, new Uint8Array(1));
    const second = postOnion(url, node.port, new Uint8Array(1));
    await waitUntil('both requests reached the node', () => held.length === 2);
    const third = await postOnion(url, node.port, new Uint8Array(1));
    expect(third.status).toBe(429);
    expect(relayError(third)).toBe('rate_limited');
    expect(third.headers['retry-after']).toBeDefined();
    for (const res of held) res.end('ok');
    expect((await first).status).toBe(200);
    expect((await second).status).toBe(200);
    expect((await postOnion(url, node.port, new Uint8Array(1))).status).toBe(200);
  });
});

describe('sizes', () => {
  it('refuses an onion body over the cap with 413 and forwards one at the cap', async () => {
    const node = await okNode();
    const url = await relayFor(node, {});
    const before = node.requests.length;
    const over = await postOnion(url, node.port, new Uint8Array(MAX_ONION_REQUEST_BYTES + 1));
    expect(over.status).toBe(413);
    expect(relayError(over)).toBe('body_too_large');
    expect(node.requests.length).toBe(before);
    expect((await postOnion(url, node.port, new Uint8Array(MAX_ONION_REQUEST_BYTES))).status).toBe(200);
  });

  it('ends the connection when it refuses a request whose body it did not read', async () => {
    const node = await okNode();
    const url = await relayFor(node, {});
    const { socket, closed } = await rawConnection(url);
    // A body announced but never sent: without the close, Node would wait for it (up to the request timeout).
    socket.write(`POST /v1/onion/127.0.0.1:${node.port} HTTP/1.1\r\nHost: relay\r\nContent-Type: text/plain\r\nContent-Length: 100000\r\n\r\n`);
    const answer = (await closed).toString('latin1');
    expect(answer).toMatch(/^HTTP\/1\.1 415 /);
    expect(answer.toLowerCase()).toContain('connection: close');
  });

  it('refuses a seed body over its cap with 413', async () => {
    const url = await relayFor(await okNode(), {});
    const body = new Uint8Array(MAX_SEED_REQUEST_BYTES + 1).fill(0x20);
    const answer = await call(`${url}v1/seed`, 'POST', { body, headers: { 'Content-Type': SEED_CONTENT_TYPE } });
    expect(answer.status).toBe(413);
    expect(relayError(answer)).toBe('body_too_large');
  });

  it("hangs up on a node whose answer grows past the cap, and says so", async () => {
    const sockets: IncomingMessage['socket'][] = [];
    const node = await upstream(
      startFakeUpstream(
        afterBody((req, res) => {
          if (req.headers['content-length'] === '1') return void res.end('ok');
          sockets.push(req.socket);
          // An answer that never ends: 16 KiB at a time for as long as anyone reads.
          const chunk = Buffer.alloc(16 * 1024, 0x41);
          const pump = () => {
            while (!res.destroyed && res.write(chunk));
          };
          res.on('drain', pump);
          pump();
        }),
      ),
    );
    const url = await relayFor(node, { nodeAnswerBytes: 64 * 1024 });
    const answer = await postOnion(url, node.port, new Uint8Array(2));
    expect(answer.status).toBe(502);
    expect(relayError(answer)).toBe('answer_too_large');
    expect(sockets).toHaveLength(1);
    await waitUntil("the node's connection is closed", () => sockets[0]!.destroyed);
  });

  it('refuses an answer that declares a length over the cap before reading it', async () => {
    const sockets: IncomingMessage['socket'][] = [];
    const node = await upstream(
      startFakeUpstream(
        afterBody((req, res) => {
          sockets.push(req.socket);
          res.setHeader('Content-Length', String(1024 * 1024 * 1024));
          res.write('the first of a billion bytes');
        }),
      ),
    );
    const url = await relayFor(node, { nodeAnswerBytes: 64 * 1024 });
    const answer = await postOnion(url, node.port, new Uint8Array(2));
    expect(answer.status).toBe(502);
    expect(relayError(answer)).toBe('answer_too_large');
    await waitUntil("the node's connection is closed", () => sockets[0]?.destroyed === true);
  });
});

describe("the relay's memory", () => {
  it('drops an answer that would take the relay over its buffered-answer budget with 503, and serves once it is free', async () => {
    const sockets: IncomingMessage['socket'][] = [];
    const node = await upstream(
      startFakeUpstream(
        afterBody((req, res) => {
          if (req.headers['content-length'] === '1') return void res.end('ok');
          sockets.push(req.socket);
          res.end(Buffer.alloc(100 * 1024, 0x43)); // under the answer cap, over the relay-wide budget
        }),
      ),
    );
    const url = await relayFor(node, { nodeAnswerBytes: 1024 * 1024, bufferedAnswerBytes: 32 * 1024 });
    const answer = await postOnion(url, node.port, new Uint8Array(2));
    expect(answer.status).toBe(503);
    expect(relayError(answer)).toBe('relay_busy');
    expect(answer.headers['retry-after']).toBe('1');
    await waitUntil("the node's connection is closed", () => sockets[0]?.destroyed === true);
    // What the dropped answer held was given back: a small answer fits again.
    expect((await postOnion(url, node.port, new Uint8Array(1))).status).toBe(200);
  });
});

describe('upstream requests nobody waits for', () => {
  it('aborts the seeds that lose the race', async () => {
    const node = await okNode();
    // A seed that takes every request and never answers it.
    const silent = await upstream(startFakeUpstream((req) => req.resume()));
    // A seed that answers once the silent one has its copy of the same request, so there is a loser.
    const answered: number[] = [];
    const winner = await upstream(
      startFakeUpstream(
        afterBody((_req, res) => {
          const index = answered.push(0);
          void waitUntil('the silent seed has the request too', () => silent.requests.length >= index).then(() => {
            res.setHeader('Content-Type', 'application/json');
            res.end(seedAnswer([node]));
          });
        }),
      ),
    );
    const url = await relayFor(node, { seedTimeoutMs: 60_000 }, [winner, silent]);
    const answer = await call(`${url}v1/seed`, 'POST', { body: SEED_BODY, headers: { 'Content-Type': SEED_CONTENT_TYPE } });
    expect(answer.status).toBe(200);
    expect(silent.requests.length).toBeGreaterThanOrEqual(1);
    await waitUntil("every connection to the silent seed is closed", () => silent.open() === 0);
  });

  it('aborts the request to the node when the client goes away', async () => {
    const sockets: IncomingMessage['socket'][] = [];
    const node = await upstream(
      startFakeUpstream(
        afterBody((req, res) => {
          if (req.headers['content-length'] === '1') return void res.end('ok');
          sockets.push(req.socket); // and never answered
        }),
      ),
    );
    const url = await relayFor(node, {});
    const controller = new AbortController();
    const gone = postOnion(url, node.port, new Uint8Array(2), { signal: controller.signal }).catch((error: unknown) => error);
    await waitUntil('the request reached the node', () => sockets.length === 1);
    controller.abort();
    await gone;
    await waitUntil("the node's connection is closed", () => sockets[0]!.destroyed);
  });
});

describe('the large-onion route (attachment uploads)', () => {
  const postLarge = (url: string, port: number, body: Uint8Array) =>
    call(`${url}${ONION_LARGE_PATH_PREFIX.slice(1)}127.0.0.1:${port}`, 'POST', { body, headers: { 'Content-Type': 'application/octet-stream' } });

  it('forwards a body of its 10 MiB cap that the normal route refuses, and refuses one byte more', async () => {
    const node = await okNode();
    const url = await relayFor(node, {});
    const big = new Uint8Array(MAX_LARGE_ONION_REQUEST_BYTES);
    expect((await postOnion(url, node.port, big)).status).toBe(413);
    const forwarded = await postLarge(url, node.port, big);
    expect(forwarded.status).toBe(200);
    expect(node.requests.at(-1)?.headers['content-length']).toBe(String(MAX_LARGE_ONION_REQUEST_BYTES));
    const over = await postLarge(url, node.port, new Uint8Array(MAX_LARGE_ONION_REQUEST_BYTES + 1));
    expect(over.status).toBe(413);
    expect(relayError(over)).toBe('body_too_large');
  });

  it('has its own tighter rate: spent, it answers 429 while the normal route still serves the client', async () => {
    const node = await okNode();
    const url = await relayFor(node, { largeClientBurst: 2, largeClientRefillPerSecond: 0.001 });
    for (let i = 0; i < 2; i++) expect((await postLarge(url, node.port, new Uint8Array(10))).status).toBe(200);
    const refused = await postLarge(url, node.port, new Uint8Array(10));
    expect(refused.status).toBe(429);
    expect(relayError(refused)).toBe('rate_limited');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect((await postOnion(url, node.port, new Uint8Array(10))).status).toBe(200);
  });

  it('still forwards only to known nodes', async () => {
    const node = await okNode();
    const url = await relayFor(node, {});
    const other = await okNode();
    const answer = await postLarge(url, other.port, new Uint8Array(10));
    expect(answer.status).toBe(403);
    expect(relayError(answer)).toBe('unknown_node');
  });
});
