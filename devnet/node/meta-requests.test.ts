import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Identity } from '../../wasm/identity.ts';
import { ready } from '../../wasm/sodium.ts';
import { accountIn, b64, DAY, makeNetwork, NOW, SWARM_A, SWARM_B, vectorAccount } from './fixtures.ts';
import { authFields, call } from './test-client.ts';
import type { TestNetwork } from './test-network.ts';

let net: TestNetwork;
let alice: Identity;
let bob: Identity;

beforeAll(async () => {
  await ready();
  alice = vectorAccount();
  bob = accountIn(SWARM_B);
  net = makeNetwork();
});
afterAll(() => net.close());

const nodeA = () => net.members(SWARM_A)[0]!;

function retrieveOf(account: Identity) {
  return {
    method: 'retrieve',
    params: { ...authFields(account, { method: 'retrieve', namespace: 0, timestamp: NOW }), namespace: 0, timestamp: NOW },
  };
}

function storeOf(account: Identity, text: string, ttl = DAY) {
  return { method: 'store', params: { pubkey: account.sessionId, timestamp: NOW, ttl, data: b64(text) } };
}

describe('batch', () => {
  it('checks each sub-request on its own: 421 inside an HTTP 200', async () => {
    const a = await call(nodeA(), 'batch', { requests: [retrieveOf(alice), retrieveOf(bob), { method: 'info', params: {} }] });
    expect(a.status).toBe(200);
    const [own, other, info] = a.json.results;
    expect(own).toEqual({ code: 200, body: { messages: [], more: false, t: NOW, hf: [19, 3] } });
    expect(other.code).toBe(421);
    expect(other.body.swarm).toBe('8000000000000000');
    expect(other.body.snodes).toHaveLength(3);
    expect(info.code).toBe(200);
  });

  it('carries text errors as string bodies and runs every request', async () => {
    const a = await call(nodeA(), 'batch', {
      requests: [storeOf(alice, 'short', 5), storeOf(alice, 'fine'), { method: 'retrieve', params: { pubkey: alice.sessionId } }],
    });
    expect(a.json.results.map((r: { code: number }) => r.code)).toEqual([403, 200, 401]);
    expect(a.json.results[0].body).toBe('Provided expiry/TTL is not valid.');
  });

  it.each([
    [{}, 'invalid request: Invalid batch request: no valid "requests" field'],
    [{ requests: [] }, 'invalid request: Invalid batch request: no valid "requests" field'],
    [{ requests: {} }, 'invalid request: Invalid batch request: no valid "requests" field'],
    [{ requests: Array(21).fill({ method: 'info', params: {} }) }, 'invalid request: Invalid batch request: subrequest limit exceeded'],
    [{ requests: [5] }, 'invalid request: Invalid batch request: requests must be objects'],
    [{ requests: [{ method: 'info' }] }, 'invalid request: Invalid batch request: subrequests must have method/params keys'],
    [{ requests: [{ method: 'info', params: [] }] }, 'invalid request: Invalid batch request: subrequests must have method/params keys'],
    [{ requests: [{ method: 'fly', params: {} }] }, 'invalid request: Invalid batch subrequest: invalid method "fly"'],
    [
      { requests: [{ method: 'batch', params: { requests: [{ method: 'info', params: {} }] } }] },
      'invalid request: Invalid batch subrequest: subrequests may not contain meta-requests',
    ],
    // The nested request is loaded before the meta-request check, so its own error comes first.
    [{ requests: [{ method: 'sequence', params: {} }] }, 'invalid request: Invalid batch request: no valid "requests" field'],
    [{ requests: [{ method: 'store', params: {} }] }, "invalid request: Required field 'timestamp' missing"],
  ])('fails the whole request for %j', async (params, text) => {
    const a = await call(nodeA(), 'batch', params);
    expect([a.status, a.text]).toEqual([400, text]);
  });

  it('takes 20 sub-requests', async () => {
    const a = await call(nodeA(), 'batch', { requests: Array(20).fill({ method: 'info', params: {} }) });
    expect(a.json.results).toHaveLength(20);
  });
});

describe('sequence', () => {
  it('runs in order and stops after the first answer that is not 2xx', async () => {
    const a = await call(nodeA(), 'sequence', {
      requests: [storeOf(alice, 'seq-1'), storeOf(alice, 'seq-2', 5), storeOf(alice, 'seq-3')],
    });
    expect(a.status).toBe(200);
    expect(a.json.results.map((r: { code: number }) => r.code)).toEqual([200, 403]);
    const all = await call(nodeA(), 'retrieve', retrieveOf(alice).params);
    const data = all.json.messages.map((m: { data: string }) => m.data);
    expect(data).toContain(b64('seq-1'));
    expect(data).not.toContain(b64('seq-3'));
  });

  it('stops at a 421', async () => {
    const a = await call(nodeA(), 'sequence', { requests: [storeOf(bob, 'b'), storeOf(alice, 'a')] });
    expect(a.json.results).toHaveLength(1);
    expect(a.json.results[0].code).toBe(421);
    expect(a.json.results[0].body.swarm).toBe('8000000000000000');
  });
});

describe('ifelse', () => {
  it('runs the branch its condition picks', async () => {
    const info = { method: 'info', params: {} };
    const yes = await call(nodeA(), 'ifelse', { if: { hf_at_least: [19, 3] }, then: info, else: retrieveOf(bob) });
    expect(yes.json).toMatchObject({ condition: true, hf: [19, 3], v: [2, 8, 0], height: 1000, result: { code: 200 } });
    const no = await call(nodeA(), 'ifelse', { if: { v_at_least: [2, 9] }, then: info, else: retrieveOf(bob) });
    expect(no.json).toMatchObject({ condition: false, result: { code: 421 } });
    const nothing = await call(nodeA(), 'ifelse', { if: { height_before: 10 }, then: info });
    expect(nothing.json).toEqual({ condition: false, hf: [19, 3], v: [2, 8, 0], height: 1000 });
    const nested = await call(nodeA(), 'ifelse', { if: { height_at_least: 1 }, then: { method: 'batch', params: { requests: [info] } } });
    expect(nested.json.result.body.results).toHaveLength(1);
  });

  it.each([
    [{}, 'invalid request: Invalid ifelse request: no valid "if" field'],
    [{ if: {} }, 'invalid request: Invalid ifelse request: must specify at least one "if" condition'],
    [{ if: { hf_before: [] } }, 'invalid request: Invalid ifelse request: must specify at least one "if" condition'],
    [{ if: { height_before: 'x' } }, "invalid request: Invalid value given for 'height_before': expected integer"],
    [{ if: { height_before: 1 } }, 'invalid request: Invalid ifelse request: at least one of "then"/"else" required'],
    [{ if: { height_before: 1 }, then: 1 }, 'invalid request: Invalid ifelse request: then must be an object'],
    [{ if: { height_before: 1 }, else: {} }, 'invalid request: Invalid ifelse request: else must have method/params keys'],
    [{ if: { height_before: 1 }, then: { method: 'fly', params: {} } }, 'invalid request: Invalid ifelse request method "then"'],
  ])('rejects %j', async (params, text) => {
    const a = await call(nodeA(), 'ifelse', params);
    expect([a.status, a.text]).toEqual([400, text]);
  });
});

describe('oxend_request', () => {
  const fields = { public_ip: true, storage_port: true, pubkey_x25519: true, pubkey_ed25519: true };

  it('lists the service nodes with only the requested fields', async () => {
    const a = await call(nodeA(), 'oxend_request', { endpoint: 'get_service_nodes', params: { active_only: true, fields } });
    expect(a.status).toBe(200);
    expect(a.json.t).toBe(NOW);
    expect(a.json.hf).toEqual([19, 3]);
    const states = a.json.result.service_node_states as Array<Record<string, unknown>>;
    expect(states).toHaveLength(6);
    for (const state of states) expect(Object.keys(state).sort()).toEqual(Object.keys(fields).sort());
    expect(states.map((s) => s.pubkey_ed25519)).toEqual(net.records.map((r) => r.ed25519Hex));
    expect(a.json.result.height).toBeUndefined();
    expect(a.json.result.status).toBe('OK');
  });

  it('returns everything by default, swarm_id exactly, and honours limit and "-field"', async () => {
    const all = await call(nodeA(), 'oxend_request', { endpoint: 'get_service_nodes' });
    expect(all.json.result.height).toBe(1000);
    expect(all.text).toContain(`"swarm_id":${SWARM_B}`);
    expect(all.json.result.service_node_states[0].swarm).toBe('400000000000000');
    const limited = await call(nodeA(), 'oxend_request', { endpoint: 'get_service_nodes', params: { limit: 2, fields: ['all', '-swarm_id'] } });
    const states = limited.json.result.service_node_states;
    expect(states).toHaveLength(2);
    expect(states[0].swarm_id).toBeUndefined();
    expect(states[0].swarm).toBeDefined();
    const some = await call(nodeA(), 'oxend_request', {
      endpoint: 'get_service_nodes',
      params: { service_node_pubkeys: [net.records[4]!.ed25519Hex], fields: ['public_ip'] },
    });
    expect(some.json.result.service_node_states).toEqual([{ public_ip: net.records[4]!.ip }]);
  });

  it('finds no ONS names and refuses other endpoints', async () => {
    const ons = await call(nodeA(), 'oxend_request', { endpoint: 'ons_resolve', params: { type: 0, name_hash: 'abc' } });
    expect([ons.status, ons.json.result]).toEqual([200, {}]);
    const badOns = await call(nodeA(), 'oxend_request', { endpoint: 'ons_resolve', params: {} });
    expect(badOns.status).toBe(400);
    const other = await call(nodeA(), 'oxend_request', { endpoint: 'get_info' });
    expect([other.status, other.text]).toEqual([400, "invalid request: Invalid oxend endpoint 'get_info'"]);
    const none = await call(nodeA(), 'oxend_request', {});
    expect(none.text).toBe("invalid request: Required field 'endpoint' missing");
    const badLimit = await call(nodeA(), 'oxend_request', { endpoint: 'get_service_nodes', params: { limit: 'x' } });
    expect(badLimit.status).toBe(400);
  });
});
