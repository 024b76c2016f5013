import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpsCall } from '../testing/https-client.ts';
import { portOf, startTestDevnet, type TestDevnet } from '../testing/test-devnet.ts';

// Desktop's seed request, field for field (network-protocol.md §1.1).
const DESKTOP_REQUEST = {
  jsonrpc: '2.0',
  method: 'get_n_service_nodes',
  params: {
    active_only: true,
    fields: { public_ip: true, storage_port: true, pubkey_x25519: true, pubkey_ed25519: true, requested_unlock_height: true, height: true },
  },
};

let net: TestDevnet;
let seedPort: number;

beforeAll(async () => {
  net = await startTestDevnet({ nodeCount: 6, swarmCount: 2 });
  seedPort = portOf(net.started.seedUrl);
});
afterAll(() => net.stop());

function seed(body: unknown, method = 'POST', path = '/json_rpc') {
  return httpsCall({
    port: seedPort,
    path,
    method,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    headers: { 'Content-Type': 'application/json', 'User-Agent': 'WhatsApp', 'Accept-Language': 'en-us' },
  });
}

describe('seed node', () => {
  it('answers desktop’s get_n_service_nodes with exactly application/json and the requested fields', async () => {
    const answer = await seed({ ...DESKTOP_REQUEST, id: 7 });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('application/json');
    expect(answer.headers['access-control-allow-origin']).toBeUndefined();
    const json = JSON.parse(answer.text);
    expect(json.jsonrpc).toBe('2.0');
    expect(json.id).toBe(7);
    expect(json.result.status).toBe('OK');
    expect(Number.isInteger(json.result.height)).toBe(true);
    const states = json.result.service_node_states as Record<string, unknown>[];
    expect(states).toHaveLength(6);
    const byKey = new Map(net.started.nodes.map((node) => [node.ed25519Hex, node]));
    for (const state of states) {
      expect(Object.keys(state).sort()).toEqual(['pubkey_ed25519', 'pubkey_x25519', 'public_ip', 'requested_unlock_height', 'storage_port']);
      const node = byKey.get(state['pubkey_ed25519'] as string);
      expect(node).toBeDefined();
      expect(state).toEqual({
        public_ip: '127.0.0.1',
        storage_port: node!.httpsPort,
        pubkey_x25519: node!.x25519Hex,
        pubkey_ed25519: node!.ed25519Hex,
        requested_unlock_height: 0,
      });
    }
  });

  it('lists every field by default, with u64 swarm ids written exactly', async () => {
    const answer = await seed({ jsonrpc: '2.0', id: 'x', method: 'get_service_nodes' });
    const json = JSON.parse(answer.text);
    expect(json.id).toBe('x');
    expect(json.result.service_node_states[0]).toHaveProperty('swarm');
    expect(answer.text).toContain('"swarm_id":9223372036854775808');
    expect(answer.text).toContain('"swarm":"8000000000000000"');
  });

  it('accepts the list form of fields and a random limit', async () => {
    const answer = await seed({ jsonrpc: '2.0', id: 1, method: 'get_n_service_nodes', params: { fields: ['pubkey_ed25519'], limit: 3 } });
    const states = JSON.parse(answer.text).result.service_node_states as { pubkey_ed25519: string }[];
    expect(states).toHaveLength(3);
    expect(new Set(states.map((s) => s.pubkey_ed25519)).size).toBe(3);
    expect(Object.keys(states[0]!)).toEqual(['pubkey_ed25519']);
  });

  it('reports an unchanged block hash on poll', async () => {
    const first = JSON.parse((await seed({ jsonrpc: '2.0', id: 1, method: 'get_n_service_nodes', params: { fields: ['block_hash'] } })).text);
    const hash = first.result.block_hash as string;
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    const poll = JSON.parse((await seed({ jsonrpc: '2.0', id: 2, method: 'get_n_service_nodes', params: { poll_block_hash: hash } })).text);
    expect(poll.result.unchanged).toBe(true);
    expect(poll.result.service_node_states).toBeUndefined();
  });

  it('reports JSON-RPC errors as HTTP 200 with an error object', async () => {
    const parse = await seed('{not json');
    expect(parse.status).toBe(200);
    expect(parse.headers['content-type']).toBe('application/json');
    expect(JSON.parse(parse.text)).toEqual({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } });
    expect(JSON.parse((await seed({ jsonrpc: '2.0', id: 3 })).text).error).toEqual({ code: -32600, message: 'Invalid Request' });
    expect(JSON.parse((await seed({ jsonrpc: '2.0', id: 4, method: 'get_info' })).text)).toEqual({
      jsonrpc: '2.0',
      id: 4,
      error: { code: -32601, message: 'Method not found' },
    });
    const params = JSON.parse((await seed({ jsonrpc: '2.0', id: 5, method: 'get_n_service_nodes', params: { limit: 'all' } })).text);
    expect(params.error.code).toBe(-32602);
    expect(params.error.message).toBe('Invalid params');
  });

  it('answers anything but POST /json_rpc with a plain-text 404', async () => {
    for (const [method, path] of [
      ['GET', '/json_rpc'],
      ['POST', '/'],
      ['OPTIONS', '/json_rpc'],
    ] as const) {
      const answer = await seed('', method, path);
      expect(answer.status).toBe(404);
      expect(answer.headers['content-type']).toBe('text/plain');
      expect(answer.text).toBe('Not Found\n');
    }
  });
});
