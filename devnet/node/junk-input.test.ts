import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Identity } from '../../wasm/identity.ts';
import { ready } from '../../wasm/sodium.ts';
import { b64, DAY, makeNetwork, NOW, SWARM_A, vectorAccount } from './fixtures.ts';
import { authFields, call, send } from './test-client.ts';
import type { TestNetwork } from './test-network.ts';

let net: TestNetwork;
let alice: Identity;

beforeAll(async () => {
  await ready();
  alice = vectorAccount();
  net = makeNetwork();
});
afterAll(() => net.close());

const node = () => net.members(SWARM_A)[0]!;

/** A valid request of each method, so that a single junk field is what the node sees. */
function validParams(): Record<string, Record<string, unknown>> {
  const hash = 'A'.repeat(43);
  return {
    store: { pubkey: alice.sessionId, timestamp: NOW, ttl: DAY, data: b64('x'), namespace: 0 },
    retrieve: { ...authFields(alice, { method: 'retrieve', namespace: 0, timestamp: NOW }), namespace: 0, timestamp: NOW, last_hash: '', max_count: 5, max_size: -2 },
    delete: { ...authFields(alice, { method: 'delete', messages: [hash] }), messages: [hash], required: false },
    delete_all: { ...authFields(alice, { method: 'delete_all', namespace: 0, timestamp: NOW }), namespace: 0, timestamp: NOW },
    delete_before: { ...authFields(alice, { method: 'delete_before', namespace: 0, before: NOW }), namespace: 0, before: NOW },
    expire: { ...authFields(alice, { method: 'expire', messages: [hash], expiry: NOW + DAY }), messages: [hash], expiry: NOW + DAY, shorten: false, extend: false },
    expire_all: { ...authFields(alice, { method: 'expire_all', namespace: 0, expiry: NOW + DAY }), namespace: 0, expiry: NOW + DAY },
    get_expiries: { ...authFields(alice, { method: 'get_expiries', messages: [hash], timestamp: NOW }), messages: [hash], timestamp: NOW },
    get_swarm: { pubkey: alice.sessionId },
    oxend_request: { endpoint: 'get_service_nodes', params: { active_only: true, limit: 2, fields: { public_ip: true } } },
    info: {},
    batch: { requests: [{ method: 'info', params: {} }] },
    sequence: { requests: [{ method: 'info', params: {} }] },
    ifelse: { if: { hf_at_least: [19] }, then: { method: 'info', params: {} } },
  };
}

const JUNK: unknown[] = [
  null,
  true,
  -1,
  0,
  1.5,
  -0.5,
  2 ** 53 + 2,
  2 ** 64,
  1e300,
  -1e300,
  '',
  'x',
  '05',
  '\u0000',
  'é'.repeat(33),
  'A'.repeat(86),
  [],
  [1, 'a'],
  [[]],
  {},
  { a: 1 },
];

describe('junk never breaks a node', () => {
  it('answers every valid baseline request without a 500', async () => {
    for (const [method, params] of Object.entries(validParams())) {
      const a = await call(node(), method, params);
      expect([method, a.status < 500]).toEqual([method, true]);
    }
  });

  it('answers a junk value in any parameter of any method with a defined status, never 500', async () => {
    const statuses = new Set<number>();
    for (const [method, params] of Object.entries(validParams())) {
      const names = [...Object.keys(params), 'pubKey', 'lastHash', 'sig_timestamp', 'subaccount', 'subaccount_sig', 'pubkey_ed25519'];
      for (const name of names) {
        for (const junk of JUNK) {
          const a = await call(node(), method, { ...params, [name]: junk });
          statuses.add(a.status);
          if (a.status >= 500 || typeof a.text !== 'string') throw new Error(`${method}.${name}=${JSON.stringify(junk)} → ${a.status} ${a.text}`);
          if (a.status === 400) expect(a.reply.contentType).toBe('text/plain');
        }
      }
    }
    expect(statuses.has(400)).toBe(true);
  });

  it('answers random bytes with 400', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), async (bytes) => {
        const a = await send(node(), bytes);
        expect(a.status).toBe(400);
      }),
      { numRuns: 150 },
    );
  });

  it('answers random JSON params for every method without a 500', async () => {
    const methods = Object.keys(validParams());
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...methods), fc.dictionary(fc.constantFrom('pubkey', 'timestamp', 'namespace', 'messages', 'expiry', 'data', 'ttl', 'signature', 'requests', 'if', 'then', 'endpoint', 'params', 'before', 'max_size'), fc.jsonValue()), async (method, params) => {
        const a = await call(node(), method, params);
        expect(a.status).toBeLessThan(500);
      }),
      { numRuns: 200 },
    );
  });

  it('survives deep nesting and huge bodies', async () => {
    const deep = '{"method":"info","params":{"x":' + '['.repeat(100_000) + ']'.repeat(100_000) + '}}';
    expect((await send(node(), deep)).status).toBeLessThan(500);
    const tooDeep = '['.repeat(1_000_000);
    expect((await send(node(), tooDeep)).status).toBe(400);
    const manyHashes = { ...validParams().delete, messages: Array(5_000).fill('A'.repeat(43)) };
    expect((await call(node(), 'delete', manyHashes)).status).toBe(401);
  });
});
