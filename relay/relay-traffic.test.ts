/**
 * The relay's in-process traffic counter (traffic.ts), which the delivery benchmark reads to say
 * what one client costs on the wire, and the devnet-only polling pace `GET /v1/network` passes on.
 */
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NETWORK_PATH, SEED_CONTENT_TYPE, parsePollOverride } from '../src/shared/relay-api.ts';
import { createRelay } from './relay.ts';
import { devnetSeeds, type SeedProfile } from './seed-profiles.ts';
import { close, listen } from './server.ts';
import { call, postOnion } from './testing/http-call.ts';
import { afterBody, startFakeSeed, startFakeUpstream, type FakeUpstream } from './testing/fake-upstreams.ts';
import { RelayTraffic } from './traffic.ts';

const SEED_BODY = new TextEncoder().encode(JSON.stringify({ jsonrpc: '2.0', method: 'get_n_service_nodes', params: {} }));
const ANSWER = 'x'.repeat(321);

let node: FakeUpstream;
let seed: FakeUpstream;
const servers: Server[] = [];

beforeAll(async () => {
  node = await startFakeUpstream(afterBody((_req, res) => res.end(ANSWER)));
  seed = await startFakeSeed(() => [node]);
});

afterAll(async () => {
  for (const server of servers) await close(server);
  await node.close();
  await seed.close();
});

async function relayWith(options: { traffic?: RelayTraffic; profile?: SeedProfile; pollOverride?: { intervalMs: number; members: number } }): Promise<string> {
  const relay = createRelay({
    distDir: 'dist-that-does-not-exist',
    profile: options.profile ?? devnetSeeds([seed.url]),
    log: () => undefined,
    ...(options.traffic ? { traffic: options.traffic } : {}),
    ...(options.pollOverride ? { devnetPollOverride: options.pollOverride } : {}),
  });
  servers.push(relay);
  return listen(relay, 0, '127.0.0.1');
}

describe('relay traffic counter', () => {
  it('counts each forwarded request with its body and its answer body, per route', async () => {
    const traffic = new RelayTraffic();
    const relayUrl = await relayWith({ traffic });
    expect((await postOnion(relayUrl, node.port, new Uint8Array(100))).status).toBe(200);
    expect((await postOnion(relayUrl, node.port, new Uint8Array(50))).status).toBe(200);
    const seedAnswer = await call(`${relayUrl}v1/seed`, 'POST', { body: SEED_BODY, headers: { 'Content-Type': SEED_CONTENT_TYPE } });
    expect(seedAnswer.status).toBe(200);
    expect(traffic.onion).toEqual({ requests: 2, requestBytes: 150, answerBytes: 2 * ANSWER.length });
    expect(traffic.seed.requests).toBe(1);
    expect(traffic.seed.requestBytes).toBe(SEED_BODY.length);
    expect(traffic.seed.answerBytes).toBe(seedAnswer.body.length);
    expect(traffic.total().requests).toBe(3);
  });

  it('counts nothing the app fetches that is not forwarded (the network question, static files)', async () => {
    const traffic = new RelayTraffic();
    const relayUrl = await relayWith({ traffic });
    await call(`${relayUrl}${NETWORK_PATH.slice(1)}`, 'GET');
    await call(`${relayUrl}index.html`, 'GET');
    expect(traffic.total()).toEqual({ requests: 0, requestBytes: 0, answerBytes: 0 });
  });
});

describe('devnet polling pace in GET /v1/network', () => {
  it('is answered on a devnet relay started with one, and absent otherwise', async () => {
    const withPace = await relayWith({ pollOverride: { intervalMs: 5_000, members: 2 } });
    const answer = JSON.parse((await call(`${withPace}${NETWORK_PATH.slice(1)}`, 'GET')).body.toString()) as { pollOverride?: unknown };
    expect(parsePollOverride(answer.pollOverride)).toEqual({ intervalMs: 5_000, members: 2 });
    const without = await relayWith({});
    expect(JSON.parse((await call(`${without}${NETWORK_PATH.slice(1)}`, 'GET')).body.toString())).not.toHaveProperty('pollOverride');
  });

  it('is never sent by a mainnet relay', async () => {
    const mainnetLike: SeedProfile = { ...devnetSeeds([seed.url]), name: 'mainnet' };
    const relayUrl = await relayWith({ profile: mainnetLike, pollOverride: { intervalMs: 5_000, members: 2 } });
    const answer = JSON.parse((await call(`${relayUrl}${NETWORK_PATH.slice(1)}`, 'GET')).body.toString()) as Record<string, unknown>;
    expect(answer['network']).toBe('mainnet');
    expect(answer).not.toHaveProperty('pollOverride');
  });

  it('a client takes only whole numbers in range', () => {
    expect(parsePollOverride({ intervalMs: 5_000, members: 2 })).toEqual({ intervalMs: 5_000, members: 2 });
    for (const bad of [null, 'x', {}, { intervalMs: 5_000 }, { intervalMs: 1.5, members: 1 }, { intervalMs: 50, members: 1 }, { intervalMs: 5_000, members: 6 }, { intervalMs: 5_000, members: 0 }]) {
      expect(parsePollOverride(bad)).toBeUndefined();
    }
  });
});
