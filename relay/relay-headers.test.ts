/**
 * Issue 9, hole 4: what the relay answers is never the node's to type, and only the app's own pages
 * (or a listed origin) may post to it, with the one content type each route expects.
 */
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ONION_CONTENT_TYPE, RELAY_ERROR_HEADER, SEED_CONTENT_TYPE } from '../src/shared/relay-api.ts';
import { createRelay } from './relay.ts';
import { devnetSeeds } from './seed-profiles.ts';
import { close, listen } from './server.ts';
import { call, postOnion, type Answer } from './testing/http-call.ts';
import { afterBody, startFakeSeed, startFakeUpstream, type FakeUpstream } from './testing/fake-upstreams.ts';

const HTML = '<!doctype html><script>parent.postMessage(localStorage.length, "*")</script>';
const SEED_BODY = new TextEncoder().encode(JSON.stringify({ jsonrpc: '2.0', method: 'get_n_service_nodes', params: {} }));

let node: FakeUpstream;
let seed: FakeUpstream;
let relay: Server;
let relayUrl: string;

beforeAll(async () => {
  // A devnet-like node that answers whatever it is asked for in the body: HTML, or a path error in HTML.
  node = await startFakeUpstream(
    afterBody((_req, res, body) => {
      const asked = body.toString();
      res.statusCode = asked === 'error' ? 502 : 200;
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      res.end(HTML);
    }),
  );
  seed = await startFakeSeed(() => [node]);
  relay = createRelay({ distDir: 'dist-that-does-not-exist', profile: devnetSeeds([seed.url]), log: () => undefined, corsOrigins: ['http://app.example'] });
  relayUrl = await listen(relay, 0, '127.0.0.1');
});

afterAll(async () => {
  await close(relay);
  await node.close();
  await seed.close();
});

const relayError = (answer: Answer) => answer.headers[RELAY_ERROR_HEADER.toLowerCase()];

function expectInert(answer: Answer, contentType: string) {
  expect(answer.headers['content-type']).toBe(contentType);
  expect(answer.headers['content-security-policy']).toMatch(/(^|;\s*)sandbox(;|$)/);
  expect(answer.headers['x-content-type-options']).toBe('nosniff');
  expect(answer.headers['cache-control']).toBe('no-store');
}

describe("the relay's answers", () => {
  it("serves a node's HTML as opaque bytes in a sandbox, whatever type the node named", async () => {
    const answer = await postOnion(relayUrl, node.port, new TextEncoder().encode('page'));
    expect(answer.status).toBe(200);
    expect(answer.body.toString()).toBe(HTML);
    expectInert(answer, ONION_CONTENT_TYPE);
  });

  it("types a node's path error the same way", async () => {
    const answer = await postOnion(relayUrl, node.port, new TextEncoder().encode('error'));
    expect(answer.status).toBe(502);
    expect(relayError(answer)).toBeUndefined();
    expectInert(answer, ONION_CONTENT_TYPE);
  });

  it('answers the seed list as JSON in a sandbox', async () => {
    const answer = await call(`${relayUrl}v1/seed`, 'POST', { body: SEED_BODY, headers: { 'Content-Type': SEED_CONTENT_TYPE } });
    expect(answer.status).toBe(200);
    expectInert(answer, SEED_CONTENT_TYPE);
  });

  it("sandboxes the relay's own refusals too", async () => {
    const answer = await call(`${relayUrl}v1/onion/127.0.0.1:${node.port}`, 'POST', { body: new Uint8Array(1), headers: { 'Content-Type': 'text/html' } });
    expect(answer.headers['content-security-policy']).toMatch(/(^|;\s*)sandbox(;|$)/);
    expect(answer.headers['x-content-type-options']).toBe('nosniff');
  });
});

describe('the request content type', () => {
  it('refuses onion bytes of any other type with 415, before asking the node', async () => {
    const before = node.requests.length;
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json', undefined]) {
      const answer = await call(`${relayUrl}v1/onion/127.0.0.1:${node.port}`, 'POST', {
        body: new Uint8Array(4),
        headers: type === undefined ? {} : { 'Content-Type': type },
      });
      expect(answer.status, String(type)).toBe(415);
      expect(relayError(answer)).toBe('unsupported_media_type');
    }
    expect(node.requests.length).toBe(before);
  });

  it('refuses a seed request of any other type with 415', async () => {
    for (const type of ['text/plain', ONION_CONTENT_TYPE, undefined]) {
      const answer = await call(`${relayUrl}v1/seed`, 'POST', { body: SEED_BODY, headers: type === undefined ? {} : { 'Content-Type': type } });
      expect(answer.status, String(type)).toBe(415);
      expect(relayError(answer)).toBe('unsupported_media_type');
    }
  });

  it('reads the media type case-insensitively and ignores its parameters', async () => {
    const answer = await call(`${relayUrl}v1/seed`, 'POST', { body: SEED_BODY, headers: { 'Content-Type': 'Application/JSON; charset=utf-8' } });
    expect(answer.status).toBe(200);
  });
});

describe('the Origin of a browser request', () => {
  it('refuses a page of another origin with 403, before asking the node', async () => {
    const before = node.requests.length;
    for (const origin of ['http://evil.example', 'null', `http://127.0.0.1:${node.port}`, 'https://app.example']) {
      const onion = await postOnion(relayUrl, node.port, new Uint8Array(4), { headers: { Origin: origin } });
      expect(onion.status, origin).toBe(403);
      expect(relayError(onion)).toBe('foreign_origin');
      const seedAnswer = await call(`${relayUrl}v1/seed`, 'POST', { body: SEED_BODY, headers: { 'Content-Type': SEED_CONTENT_TYPE, Origin: origin } });
      expect(seedAnswer.status, origin).toBe(403);
      expect(relayError(seedAnswer)).toBe('foreign_origin');
    }
    expect(node.requests.length).toBe(before);
  });

  it("accepts the relay's own origin, a listed origin, and clients that send none", async () => {
    const own = new URL(relayUrl).origin;
    for (const headers of [{ Origin: own }, { Origin: 'http://app.example' }, {}] as Record<string, string>[]) {
      const answer = await postOnion(relayUrl, node.port, new TextEncoder().encode('page'), { headers });
      expect(answer.status, JSON.stringify(headers)).toBe(200);
    }
  });
});
