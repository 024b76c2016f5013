import { describe, expect, it } from 'vitest';
import { ONION_CONTENT_TYPE, RELAY_ERROR_CODES, RELAY_ERROR_HEADER, SEED_CONTENT_TYPE } from '../../shared/relay-api.ts';
import { devnetProfile } from './network-profile.ts';
import { RelayTransport, type FetchLike } from './transport.ts';

const profile = devnetProfile('http://relay.test/base/', { seedTimeoutMs: 200 });
const guard = { ed25519Hex: 'aa'.repeat(32), x25519Hex: 'bb'.repeat(32), ip: '10.0.0.1', port: 22021 };
const seedNode = (ip: string, i: number) => ({
  public_ip: ip,
  storage_port: 22021,
  pubkey_ed25519: i.toString(16).padStart(2, '0').repeat(32),
  pubkey_x25519: 'cc'.repeat(32),
});

function fakeFetch(answer: (url: string, init: RequestInit) => Response | Promise<Response>) {
  const calls: { url: string; init: RequestInit }[] = [];
  const fetch: FetchLike = async (url, init) => {
    calls.push({ url, init });
    return answer(url, init);
  };
  return { fetch, calls };
}

describe('relay transport', () => {
  it('asks the seed through the relay for the four fields, and drops unusable entries', async () => {
    const list = { result: { service_node_states: [seedNode('10.0.0.1', 1), seedNode('', 2), seedNode('0.0.0.0', 3), seedNode('10.0.0.4', 4)] } };
    const { fetch, calls } = fakeFetch(() => new Response(JSON.stringify(list), { status: 200 }));
    const nodes = await new RelayTransport(profile, fetch).fetchSeedNodes();
    expect(nodes.map((n) => n.ip)).toEqual(['10.0.0.1', '10.0.0.4']);
    expect(calls[0]!.url).toBe('http://relay.test/base/v1/seed');
    const body = JSON.parse(new TextDecoder().decode(calls[0]!.init.body as Uint8Array));
    expect(body).toEqual({
      jsonrpc: '2.0',
      method: 'get_n_service_nodes',
      params: { active_only: true, fields: { public_ip: true, storage_port: true, pubkey_x25519: true, pubkey_ed25519: true } },
    });
  });

  it('a seed failure, a non-JSON or an empty list is pool_unavailable', async () => {
    const cases: [Response, string][] = [
      [new Response('no seed', { status: 502, headers: { [RELAY_ERROR_HEADER]: 'seeds_unavailable' } }), 'seeds_unavailable'],
      [new Response('<html>', { status: 200 }), 'not_json'],
      [new Response(JSON.stringify({ result: { service_node_states: [seedNode('0.0.0.0', 1)] } }), { status: 200 }), 'empty'],
    ];
    for (const [response, reason] of cases) {
      const { fetch } = fakeFetch(() => response);
      await expect(new RelayTransport(profile, fetch).fetchSeedNodes()).rejects.toMatchObject({
        code: 'pool_unavailable',
        details: expect.objectContaining({ reason }),
      });
    }
  });

  it('posts onions to /v1/onion/<ip>:<port> and passes any answer back, marking the relay’s own', async () => {
    const { fetch, calls } = fakeFetch((url) =>
      url.endsWith(':22021')
        ? new Response('Next node not found: x', { status: 502 })
        : new Response('guard unreachable', { status: 502, headers: { [RELAY_ERROR_HEADER]: 'node_unreachable' } }),
    );
    const transport = new RelayTransport(profile, fetch);
    const answer = await transport.postOnion(guard, new Uint8Array([1, 2, 3]));
    expect(calls[0]!.url).toBe('http://relay.test/base/v1/onion/10.0.0.1:22021');
    expect(calls[0]!.init.method).toBe('POST');
    expect(answer).toEqual({ status: 502, body: new TextEncoder().encode('Next node not found: x') });
    const relayError = await transport.postOnion({ ...guard, port: 1 }, new Uint8Array(1));
    expect(relayError.relayError).toBe('node_unreachable');
  });

  it('sends each route the content type the relay requires (anything else is 415)', async () => {
    const list = { result: { service_node_states: [seedNode('10.0.0.1', 1)] } };
    const { fetch, calls } = fakeFetch((url) => (url.endsWith('/v1/seed') ? new Response(JSON.stringify(list)) : new Response('ok')));
    const transport = new RelayTransport(profile, fetch);
    await transport.fetchSeedNodes();
    await transport.postOnion(guard, new Uint8Array(1));
    expect(calls.map((c) => (c.init.headers as Record<string, string>)['Content-Type'])).toEqual([SEED_CONTENT_TYPE, ONION_CONTENT_TYPE]);
  });

  it("knows every code of the relay's error header, the abuse limits' too", async () => {
    for (const code of RELAY_ERROR_CODES) {
      const { fetch } = fakeFetch(() => new Response('refused', { status: 429, headers: { [RELAY_ERROR_HEADER]: code } }));
      expect((await new RelayTransport(profile, fetch).postOnion(guard, new Uint8Array(1))).relayError).toBe(code);
    }
  });

  it("reads the relay's Retry-After (whole seconds) on its own refusals, and nothing else", async () => {
    const answer = async (headers: Record<string, string>) => {
      const { fetch } = fakeFetch(() => new Response('refused', { status: 429, headers }));
      return new RelayTransport(profile, fetch).postOnion(guard, new Uint8Array(1));
    };
    expect(await answer({ [RELAY_ERROR_HEADER]: 'rate_limited', 'Retry-After': '2' })).toMatchObject({ relayError: 'rate_limited', retryAfterMs: 2_000 });
    expect(await answer({ [RELAY_ERROR_HEADER]: 'rate_limited', 'Retry-After': 'Wed, 21 Oct 2015 07:28:00 GMT' })).not.toHaveProperty('retryAfterMs');
    // A node's own Retry-After is not the relay's word.
    expect(await answer({ 'Retry-After': '5' })).not.toHaveProperty('retryAfterMs');
  });

  it('a fetch that throws is network_offline, and is reported', async () => {
    let unreachable = 0;
    const transport = new RelayTransport(profile, async () => Promise.reject(new TypeError('fetch failed')), {
      onUnreachable: () => unreachable++,
    });
    await expect(transport.postOnion(guard, new Uint8Array(1))).rejects.toMatchObject({ code: 'network_offline' });
    await expect(transport.fetchSeedNodes()).rejects.toMatchObject({ code: 'network_offline' });
    expect(unreachable).toBe(2);
  });

  it('the caller’s abort is aborted; a seed timeout is pool_unavailable', async () => {
    const hang: FetchLike = (_url, init) =>
      new Promise((_resolve, reject) => {
        if (init.signal?.aborted) reject(new DOMException('aborted', 'AbortError'));
        init.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
      });
    const transport = new RelayTransport(profile, hang);
    await expect(transport.postOnion(guard, new Uint8Array(1), AbortSignal.abort())).rejects.toMatchObject({ code: 'aborted' });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 10);
    await expect(transport.postOnion(guard, new Uint8Array(1), controller.signal)).rejects.toMatchObject({ code: 'aborted' });
    await expect(transport.fetchSeedNodes()).rejects.toMatchObject({ code: 'pool_unavailable', details: { reason: 'timeout' } });
  });
});
