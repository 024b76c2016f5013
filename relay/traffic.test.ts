/**
 * The relay's wire counter (traffic.ts): each request is charged to its route with the bytes its
 * connection carried both ways, headers included, also over a keep-alive connection.
 */
import { request, Agent } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRelay, type RelayServer } from './relay.ts';
import { devnetSeeds } from './seed-profiles.ts';
import { close, listen } from './server.ts';
import { trafficRouteOf } from './traffic.ts';

let relay: RelayServer;
let relayUrl: string;

beforeAll(async () => {
  relay = createRelay({ distDir: 'dist-that-does-not-exist', profile: devnetSeeds(['https://127.0.0.1:9/']), log: () => undefined });
  relayUrl = await listen(relay, 0, '127.0.0.1');
});

afterAll(async () => {
  await close(relay);
});

/** A GET over `agent`; resolves with the raw bytes of the answer's body once it is read. */
function get(path: string, agent: Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, relayUrl), { agent }, (res) => {
      let length = 0;
      res.on('data', (chunk: Buffer) => (length += chunk.length));
      res.on('end', () => resolve(length));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('relay traffic', () => {
  it('names the route of a path', () => {
    expect(trafficRouteOf('/v1/onion/127.0.0.1:1')).toBe('onion');
    expect(trafficRouteOf('/v1/seed?x')).toBe('seed');
    expect(trafficRouteOf('/v1/network')).toBe('network');
    expect(trafficRouteOf('/assets/index.js')).toBe('static');
  });

  it('charges each request on a keep-alive connection to its own route, headers and body', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const before = relay.traffic.snapshot();
      const networkBody = await get('/v1/network', agent);
      await get('/v1/network', agent);
      const staticBody = await get('/missing-file', agent);
      const after = relay.traffic.snapshot();
      expect(after.network.requests - before.network.requests).toBe(2);
      expect(after.static.requests - before.static.requests).toBe(1);
      // An answer's bytes are its body plus its status line and headers; a request's are at least its request line.
      const networkOut = after.network.bytesOut - before.network.bytesOut;
      expect(networkOut).toBeGreaterThan(2 * (networkBody + 'HTTP/1.1 200 OK\r\n'.length));
      expect(after.network.bytesIn - before.network.bytesIn).toBeGreaterThan(2 * 'GET /v1/network HTTP/1.1\r\n'.length);
      expect(after.static.bytesOut - before.static.bytesOut).toBeGreaterThan(staticBody);
      expect(after.onion).toEqual(before.onion);
    } finally {
      agent.destroy();
    }
  });
});
