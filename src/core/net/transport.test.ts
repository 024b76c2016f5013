import { describe, expect, it } from 'vitest';
import { ONION_CONTENT_TYPE, RELAY_ERROR_CODES, RELAY_ERROR_HEADER, SEED_CONTENT_TYPE } from '../../shared/relay-api.ts';
import { devnetProfile } from './network-profile.ts';
import { RelayTransport, type FetchLike } from './transport.ts';
import type { XhrConstructor, XhrProgress } from './xhr-post.ts';

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

  it('without XMLHttpRequest (Node), a large upload goes through fetch and reports only its start and its end', async () => {
    const { fetch, calls } = fakeFetch(() => new Response('answer'));
    const steps: [number, number][] = [];
    const answer = await new RelayTransport(profile, fetch, {}, undefined).postLargeOnion(guard, new Uint8Array(1000), undefined, (sent, total) => steps.push([sent, total]));
    expect(calls[0]!.url).toBe('http://relay.test/base/v1/onion-large/10.0.0.1:22021');
    expect(answer).toEqual({ status: 200, body: new TextEncoder().encode('answer') });
    expect(steps).toEqual([
      [0, 1000],
      [1000, 1000],
    ]);
  });

  it('with XMLHttpRequest, a large upload reports the browser’s progress, reads the relay’s header, and aborts with xhr.abort()', async () => {
    const made: FakeXhr[] = [];
    class FakeXhr {
      method = '';
      url = '';
      headers: Record<string, string> = {};
      responseType = '';
      withCredentials = true;
      status = 0;
      response: unknown = null;
      responseHeaders: Record<string, string> = {};
      sent: Uint8Array | undefined;
      aborted = false;
      readonly upload: { onprogress: ((event: XhrProgress) => void) | null } = { onprogress: null };
      onload: (() => void) | null = null;
      onerror: (() => void) | null = null;
      ontimeout: (() => void) | null = null;
      onabort: (() => void) | null = null;
      constructor() {
        made.push(this);
      }
      open(method: string, url: string) {
        this.method = method;
        this.url = url;
      }
      setRequestHeader(name: string, value: string) {
        this.headers[name] = value;
      }
      getResponseHeader(name: string) {
        return this.responseHeaders[name] ?? null;
      }
      send(body: Uint8Array<ArrayBuffer>) {
        this.sent = body;
      }
      abort() {
        this.aborted = true;
        this.onabort?.();
      }
    }
    const fetchCalls = fakeFetch(() => new Response('not used'));
    const transport = new RelayTransport(profile, fetchCalls.fetch, {}, FakeXhr satisfies XhrConstructor);
    const steps: number[] = [];
    const pending = transport.postLargeOnion(guard, new Uint8Array(400), undefined, (sent, total) => steps.push(sent / total));
    const xhr = made[0]!;
    expect([xhr.method, xhr.url, xhr.headers['Content-Type'], xhr.responseType, xhr.withCredentials, xhr.sent?.length]).toEqual([
      'POST',
      'http://relay.test/base/v1/onion-large/10.0.0.1:22021',
      ONION_CONTENT_TYPE,
      'arraybuffer',
      false,
      400,
    ]);
    for (const loaded of [100, 300, 400]) xhr.upload.onprogress!({ loaded, total: 400, lengthComputable: true });
    xhr.status = 429;
    xhr.response = new TextEncoder().encode('slow down').buffer;
    xhr.responseHeaders = { [RELAY_ERROR_HEADER]: 'rate_limited', 'Retry-After': '3' };
    xhr.onload!();
    expect(await pending).toEqual({ status: 429, body: new TextEncoder().encode('slow down'), relayError: 'rate_limited', retryAfterMs: 3_000 });
    expect(steps).toEqual([0, 0.25, 0.75, 1, 1]);
    expect(fetchCalls.calls).toHaveLength(0);

    // The caller's abort reaches the request itself.
    const controller = new AbortController();
    const stopped = transport.postLargeOnion(guard, new Uint8Array(10), controller.signal, () => undefined);
    controller.abort();
    await expect(stopped).rejects.toMatchObject({ code: 'aborted' });
    expect(made[1]!.aborted).toBe(true);

    // No answer at all: the relay cannot be reached.
    const failed = transport.postLargeOnion(guard, new Uint8Array(10), undefined, () => undefined);
    made[2]!.onerror!();
    await expect(failed).rejects.toMatchObject({ code: 'network_offline' });

    // Without a progress callback, uploads keep using fetch.
    await transport.postLargeOnion(guard, new Uint8Array(10));
    expect(fetchCalls.calls).toHaveLength(1);
    expect(made).toHaveLength(3);
  });
});
