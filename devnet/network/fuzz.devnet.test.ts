/**
 * Junk never hurts the devnet: a bounded, seeded fuzz pass over every endpoint it serves — each
 * node's HTTPS routes (random, truncated and bit-flipped bodies; well-formed storage RPCs whose
 * params hold random values for each method's own fields), the seed's `/json_rpc` (well-formed
 * JSON-RPC calls with random params) and the control port (with and without the run's token).
 * Every answer must be a coded one — a well-formed 4xx (or the documented 200s), never a 5xx or a
 * dropped connection — and afterwards every node still answers info directly and through an onion.
 * Case counts come from test/fuzz.ts: small in `npm test`, at least 10,000 in `npm run fuzz`.
 */
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toBase64, toHex, utf8 } from '../../wasm/bytes.ts';
import { buildOnionRequest } from '../../wasm/onion/index.ts';
import { ready } from '../../wasm/sodium.ts';
import type { DevnetNodeInfo } from '../devnet.ts';
import { fuzzParameters, fuzzTimeoutMs } from '../../test/fuzz.ts';
import { controlCall, type ControlAccess } from '../testing/control-client.ts';
import { httpsCall, storageRpc } from '../testing/https-client.ts';
import { sendOnionVia } from '../testing/onion-client.ts';
import { portOf, startTestDevnet, type TestDevnet } from '../testing/test-devnet.ts';

let net: TestDevnet;
let nodes: readonly DevnetNodeInfo[];
let validOnion: Uint8Array;

beforeAll(async () => {
  await ready();
  net = await startTestDevnet({ nodeCount: 6, swarmCount: 2, rateLimit: false, controlPort: 0 });
  nodes = net.started.nodes;
  const hop = (node: DevnetNodeInfo) => ({ ed25519PublicKeyHex: node.ed25519Hex, x25519PublicKey: Buffer.from(node.x25519Hex, 'hex') });
  validOnion = (
    await buildOnionRequest({
      path: [hop(nodes[0]!), hop(nodes[1]!), hop(nodes[2]!)],
      destination: { kind: 'snode', node: hop(nodes[3]!) },
      payload: utf8('{"method":"info","params":{}}'),
    })
  ).body;
});
afterAll(() => net.stop());

const PATHS = ['/storage_rpc/v1', '/onion_req/v2', '/ping_test/v1', '/get_stats/v1', '/', '/storage_rpc/v1/', '/onion_req/v3', '/json_rpc'];
const bytes = (max: number) => fc.uint8Array({ maxLength: max });

// Each test fuzzes, then checks that its own junk left every node serving: none relies on another's run.
describe('fuzzing every endpoint', () => {
  it('answers random bodies on random routes with 4xx (or a documented 200), and every node serves on', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(5), fc.constantFrom(...PATHS), fc.constantFrom('POST', 'GET', 'PUT', 'DELETE'), bytes(3000), async (i, path, method, body) => {
        const answer = await httpsCall({ port: nodes[i]!.httpsPort, path, method, body });
        expect(answer.headers['server']).toBe('Oxen Storage Server/2.8.0');
        const documented200 = (method === 'POST' && path === '/ping_test/v1') || (method === 'GET' && path === '/get_stats/v1');
        if (documented200) expect(answer.status).toBe(200);
        else expect(answer.status).toBeGreaterThanOrEqual(400);
        expect(answer.status).toBeLessThan(500);
      }),
      fuzzParameters(100),
    );
    await expectEveryNodeServing();
  }, fuzzTimeoutMs(60_000));

  it('answers truncated and bit-flipped onions with 400 (200 for a flip that leaves the onion valid), and every node serves on', async () => {
    const mutated = fc.oneof(
      fc.nat().map((cut) => validOnion.slice(0, cut % validOnion.length)),
      fc.array(fc.nat(), { minLength: 1, maxLength: 3 }).map((positions) => {
        const copy = validOnion.slice();
        for (const p of positions) copy[p % (copy.length * 8) >> 3]! ^= 1 << (p % 8);
        return copy;
      }),
    );
    await fc.assert(
      fc.asyncProperty(fc.nat(5), mutated, async (i, body) => {
        const answer = await httpsCall({ port: nodes[i]!.httpsPort, path: '/onion_req/v2', body });
        if (i === 0 && isStillTheValidOnion(body)) {
          // Flips that cancel out, or that only change the case of the key's hex (read in either
          // case), leave the valid onion, which its guard (node 0) answers; the 10,000-case run met one.
          expect(answer.status).toBe(200);
          return;
        }
        expect(answer.status).toBe(400);
        expect(answer.headers['content-type']).toBe('text/plain');
        expect(answer.text).toMatch(/^(Invalid ciphertext|Error parsing onion request: .+)$/);
      }),
      fuzzParameters(100),
    );
    await expectEveryNodeServing();
  }, fuzzTimeoutMs(60_000));

  it('answers arbitrary JSON on storage_rpc and the seed without a 5xx, and every node serves on', async () => {
    const seedPort = portOf(net.started.seedUrl);
    await fc.assert(
      fc.asyncProperty(fc.nat(6), fc.jsonValue({ maxDepth: 3 }), async (i, value) => {
        const body = JSON.stringify(value) ?? 'null';
        if (i === 6) {
          const answer = await httpsCall({ port: seedPort, path: '/json_rpc', body });
          expect(answer.status).toBe(200);
          expect(answer.headers['content-type']).toBe('application/json');
          expect(JSON.parse(answer.text)).toHaveProperty('error');
          return;
        }
        const answer = await storageRpc(nodes[i]!.httpsPort, body);
        expect(answer.status).toBeGreaterThanOrEqual(400);
        expect(answer.status).toBeLessThan(500);
        expect(answer.headers['content-type']).toBe('text/plain');
      }),
      fuzzParameters(100),
    );
    await expectEveryNodeServing();
  }, fuzzTimeoutMs(60_000));

  it('answers well-formed storage RPCs with random values for each method\'s params with a coded answer, and every node serves on', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(5), storageRequest(), async (i, request) => {
        const answer = await storageRpc(nodes[i]!.httpsPort, request);
        expect(answer.status, answer.text).toBeLessThan(500);
        const type = answer.headers['content-type'];
        if (answer.status === 200 || type === 'application/json') {
          expect(type).toBe('application/json');
          expect(() => JSON.parse(answer.text)).not.toThrow();
        } else {
          expect(answer.status).toBeGreaterThanOrEqual(400);
          expect(type).toBe('text/plain');
          expect(answer.text.length).toBeGreaterThan(0);
        }
      }),
      fuzzParameters(150),
    );
    await expectEveryNodeServing();
  }, fuzzTimeoutMs(60_000));

  it('answers well-formed JSON-RPC calls with random params on the seed with a result or a coded error', async () => {
    const seedPort = portOf(net.started.seedUrl);
    const call = fc.record(
      {
        jsonrpc: fc.constantFrom('2.0', '1.0', 2),
        id: fc.oneof(fc.integer(), fc.string(), fc.constant(null)),
        method: fc.oneof(fc.constantFrom('get_n_service_nodes', 'get_service_nodes', 'get_all_service_nodes'), fc.string({ maxLength: 30 })),
        params: fc.oneof(
          fc.jsonValue({ maxDepth: 2 }),
          fc.record(
            {
              fields: fc.oneof(fc.array(fc.constantFrom('all', 'public_ip', '-public_ip', 'pubkey_ed25519', 'storage_port', 'height', 'block_hash', 'x')), fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 0 })), fc.jsonValue({ maxDepth: 1 })),
              active_only: fc.oneof(fc.boolean(), fc.jsonValue({ maxDepth: 0 })),
              limit: fc.oneof(fc.integer(), fc.double(), fc.constantFrom(Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 1e300, -1e300), fc.jsonValue({ maxDepth: 0 })),
              service_node_pubkeys: fc.oneof(fc.array(fc.oneof(hex(32), fc.constantFrom(...nodes.map((n) => n.ed25519Hex)), fc.string())), fc.jsonValue({ maxDepth: 1 })),
              poll_block_hash: fc.oneof(hex(32), fc.string(), fc.jsonValue({ maxDepth: 0 })),
            },
            { requiredKeys: [] },
          ),
        ),
      },
      { requiredKeys: ['method'] },
    );
    await fc.assert(
      fc.asyncProperty(call, async (body) => {
        const answer = await httpsCall({ port: seedPort, path: '/json_rpc', body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } });
        expect(answer.status, answer.text).toBe(200);
        expect(answer.headers['content-type']).toBe('application/json');
        const reply = JSON.parse(answer.text);
        if ('error' in reply) expect([-32700, -32600, -32601, -32602]).toContain(reply.error.code);
        else expect(reply.result.status).toBe('OK');
      }),
      fuzzParameters(100),
    );
    const still = await httpsCall({ port: seedPort, path: '/json_rpc', body: JSON.stringify({ method: 'get_n_service_nodes', params: {} }) });
    expect(JSON.parse(still.text).result.service_node_states).toHaveLength(nodes.length);
  }, fuzzTimeoutMs(60_000));

  it('refuses every control request without the token or from a page with a coded 4xx, and changes nothing', async () => {
    const access = controlAccess();
    const controlPort = Number(new URL(access.url).port);
    const request = fc.record({
      method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH'),
      path: controlPath(),
      body: fc.oneof(fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v) ?? 'null'), fc.string({ maxLength: 200 })),
      host: fc.oneof(fc.constant(`127.0.0.1:${controlPort}`), fc.constant(`localhost:${controlPort}`), fc.constantFrom('attacker.example', `attacker.example:${controlPort}`, `127.0.0.1:${controlPort + 1}`, '[::1]')),
      origin: fc.option(fc.constantFrom('http://attacker.example', 'null', access.url), { nil: undefined }),
      authorization: fc.option(fc.oneof(fc.string({ maxLength: 60 }).map((t) => `Bearer ${t}`), fc.constant(`Basic ${access.token}`), fc.constant(`Bearer ${access.token}x`)), { nil: undefined }),
    });
    await fc.assert(
      fc.asyncProperty(request, async ({ method, path, body, host, origin, authorization }) => {
        const headers: Record<string, string> = { Host: host, 'Content-Type': 'application/json' };
        if (origin !== undefined) headers['Origin'] = origin;
        if (authorization !== undefined) headers['Authorization'] = authorization;
        const answer = await controlCall(access, method, path, { body: method === 'GET' ? undefined : body, headers, withoutToken: true });
        expect([401, 403, 421]).toContain(answer.status);
        expect(typeof answer.json?.error).toBe('string');
      }),
      fuzzParameters(100),
    );
    expect(net.devnet.clockOffsetMs).toBe(0);
    expect(net.devnet.table().every((row) => row.running && !row.faults.garbage && row.faults.delayMs === 0 && row.faults.notReadyReason === undefined)).toBe(true);
  }, fuzzTimeoutMs(60_000));

  it('answers random control requests with the token with 200 or a coded 4xx, and the devnet serves on', async () => {
    const access = controlAccess();
    const request = fc.record({
      method: fc.constantFrom('GET', 'POST', 'POST', 'PUT'),
      path: controlPath(),
      body: fc.oneof(
        fc.record({ on: fc.jsonValue({ maxDepth: 0 }), reason: fc.jsonValue({ maxDepth: 0 }), ms: fc.oneof(fc.integer({ min: -5, max: 20 }), fc.jsonValue({ maxDepth: 0 })), offsetMs: fc.oneof(fc.integer(), fc.jsonValue({ maxDepth: 0 })) }, { requiredKeys: [] }).map((v) => JSON.stringify(v)),
        fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v) ?? 'null'),
        fc.string({ maxLength: 100 }),
      ),
      contentType: fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain'),
    });
    try {
      await fc.assert(
        fc.asyncProperty(request, async ({ method, path, body, contentType }) => {
          const answer = await controlCall(access, method, path, { body: method === 'GET' ? undefined : body, headers: { 'Content-Type': contentType } });
          if (answer.status !== 200) {
            expect([400, 404]).toContain(answer.status);
            expect(typeof answer.json?.error).toBe('string');
          } else {
            expect(answer.json).toBeTypeOf('object');
          }
        }),
        fuzzParameters(100),
      );
    } finally {
      // Whatever the junk switched on, switch it off: the other tests want a clean network.
      net.devnet.setClockOffset(0);
      for (const host of net.devnet.nodes) {
        host.clearFaults();
        if (!host.running) await host.start();
      }
    }
    await expectEveryNodeServing();
  }, fuzzTimeoutMs(120_000));
});

/**
 * Is `body` still the valid onion: equal to it, or different only in the case of hex letters of
 * its JSON trailer (the ephemeral key; hex is case-insensitive)?
 */
function isStillTheValidOnion(body: Uint8Array): boolean {
  if (body.length !== validOnion.length) return false;
  const trailerStart = 4 + new DataView(validOnion.buffer, validOnion.byteOffset).getUint32(0, true);
  for (let i = 0; i < body.length; i++) {
    if (body[i] === validOnion[i]) continue;
    const original = String.fromCharCode(validOnion[i]!);
    if (i < trailerStart || !/[a-fA-F]/.test(original) || body[i] !== (validOnion[i]! ^ 0x20)) return false;
  }
  return true;
}

/** The control port's URL and this run's token. */
function controlAccess(): ControlAccess {
  return { url: net.started.controlUrl!, token: net.started.controlToken! };
}

/** Control paths: the real routes with random node ids and actions, and random segments. */
function controlPath(): fc.Arbitrary<string> {
  const id = fc.oneof(fc.nat(7).map(String), fc.constantFrom(...nodes.map((n) => n.ed25519Hex)), fc.constantFrom('-1', '1e3', '', '%00', '..', 'x'.repeat(70)));
  const action = fc.constantFrom('stop', 'start', 'restart', 'clear', 'fail503', 'garbage', 'delay', 'explode', '');
  const segment = fc.stringMatching(/^[A-Za-z0-9._~%-]{0,12}$/);
  return fc.oneof(
    fc.constantFrom('/', '/nodes', '/clock', '/prune', '/nodes/', '//', '/clock/0', '/?x=1'),
    fc.tuple(id, action).map(([i, a]) => `/nodes/${i}/${a}`),
    fc.tuple(id).map(([i]) => `/nodes/${i}`),
    fc.array(segment, { maxLength: 4 }).map((parts) => `/${parts.join('/')}`),
  );
}

/** `n` random bytes as hex. */
function hex(n: number): fc.Arbitrary<string> {
  return fc.uint8Array({ minLength: n, maxLength: n }).map((b) => toHex(b));
}

/** A value for a storage RPC field: mostly one of the right type and plausible range, sometimes any JSON. */
function fieldValue(field: string): fc.Arbitrary<unknown> {
  const now = Date.now();
  const base64 = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max }).map((b) => toBase64(b));
  const hash = base64(32, 32).map((b) => b.slice(0, 43));
  const time = fc.integer({ min: now - 120_000, max: now + 120_000 });
  const plausible: Record<string, fc.Arbitrary<unknown>> = {
    pubkey: fc.oneof(fc.constantFrom(...ACCOUNTS), hex(33).map((h) => `05${h.slice(2)}`), hex(33).map((h) => `03${h.slice(2)}`)),
    pubkey_ed25519: hex(32),
    signature: fc.oneof(base64(64, 64), base64(64, 64).map((b) => b.slice(0, 86))),
    subaccount: fc.oneof(base64(36, 36), hex(36)),
    subaccount_sig: base64(64, 64),
    timestamp: time,
    sig_timestamp: time,
    before: time,
    expiry: fc.oneof(fc.integer({ min: now - 120_000, max: now + 40 * 86_400_000 }), fc.array(time, { maxLength: 3 })),
    ttl: fc.oneof(fc.integer({ min: 0, max: 40 * 86_400_000 }), fc.constant(String(3_600_000))),
    namespace: fc.oneof(fc.integer({ min: -32_768, max: 32_767 }), fc.constantFrom(0, -10, 2, 3, 5, 'all')),
    data: base64(0, 300),
    messages: fc.oneof(fc.array(hash, { maxLength: 4 }), hash),
    last_hash: fc.oneof(hash, fc.constant('')),
    max_count: fc.integer({ min: -5, max: 50 }),
    max_size: fc.integer({ min: -10, max: 8_000_000 }),
    required: fc.boolean(),
    shorten: fc.boolean(),
    extend: fc.boolean(),
    endpoint: fc.constantFrom('get_service_nodes', 'ons_resolve', 'get_info'),
    params: fc.oneof(fc.record({ limit: fc.integer(), fields: fc.array(fc.constantFrom('all', 'public_ip', 'x')), name_hash: base64(32, 32), type: fc.integer({ min: -1, max: 3 }) }, { requiredKeys: [] }), fc.jsonValue({ maxDepth: 1 })),
  };
  const right = plausible[field === 'pubKey' ? 'pubkey' : field === 'lastHash' ? 'last_hash' : field];
  const junk = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom('', '-1', '1e3', 1.5, 2 ** 53, -(2 ** 53), 'all'));
  return right === undefined ? junk : fc.oneof({ weight: 5, arbitrary: right }, { weight: 1, arbitrary: junk });
}

/** A few accounts the fuzz stores to and reads from again, so later cases meet earlier messages. */
const ACCOUNTS = Array.from({ length: 3 }, () => `05${randomBytes(32).toString('hex')}`);

/** Each storage method's own field names (what devnet/node/requests.ts reads). */
const FIELDS: Record<string, readonly string[]> = {
  store: ['data', 'expiry', 'namespace', 'pubKey', 'pubkey', 'pubkey_ed25519', 'sig_timestamp', 'signature', 'subaccount', 'subaccount_sig', 'timestamp', 'ttl'],
  retrieve: ['lastHash', 'last_hash', 'max_count', 'max_size', 'namespace', 'pubKey', 'pubkey', 'pubkey_ed25519', 'signature', 'subaccount', 'subaccount_sig', 'timestamp'],
  delete: ['messages', 'pubkey', 'pubkey_ed25519', 'required', 'signature', 'subaccount', 'subaccount_sig'],
  delete_all: ['namespace', 'pubkey', 'pubkey_ed25519', 'signature', 'subaccount', 'subaccount_sig', 'timestamp'],
  delete_before: ['before', 'namespace', 'pubkey', 'pubkey_ed25519', 'signature', 'subaccount', 'subaccount_sig'],
  expire: ['expiry', 'extend', 'messages', 'pubkey', 'pubkey_ed25519', 'shorten', 'signature', 'subaccount', 'subaccount_sig'],
  expire_all: ['expiry', 'namespace', 'pubkey', 'pubkey_ed25519', 'signature', 'subaccount', 'subaccount_sig'],
  get_expiries: ['messages', 'pubkey', 'pubkey_ed25519', 'signature', 'subaccount', 'subaccount_sig', 'timestamp'],
  get_swarm: ['pubKey', 'pubkey'],
  get_snodes_for_pubkey: ['pubKey', 'pubkey'],
  oxend_request: ['endpoint', 'params'],
  info: ['anything'],
};

/** `{method, params}` with a random subset of the method's fields, each a random value. */
function plainRequest(): fc.Arbitrary<{ method: string; params: Record<string, unknown> }> {
  return fc.constantFrom(...Object.keys(FIELDS)).chain((method) => {
    const fields = FIELDS[method]!;
    const shape = Object.fromEntries(fields.map((f) => [f, fieldValue(f)]));
    return fc.record(shape, { requiredKeys: [] }).map((params) => ({ method, params }));
  });
}

/** A plain request, or a batch/sequence/ifelse of them (sometimes malformed). */
function storageRequest(): fc.Arbitrary<unknown> {
  const meta = fc.tuple(fc.constantFrom('batch', 'sequence'), fc.array(fc.oneof(plainRequest(), fc.jsonValue({ maxDepth: 1 })), { maxLength: 22 })).map(([method, requests]) => ({
    method,
    params: { requests },
  }));
  const ifelse = fc
    .record(
      {
        if: fc.oneof(fc.record({ hf_at_least: fc.array(fc.integer({ min: -1, max: 30 }), { maxLength: 3 }), height_before: fc.integer(), v_at_least: fc.jsonValue({ maxDepth: 1 }) }, { requiredKeys: [] }), fc.jsonValue({ maxDepth: 1 })),
        then: fc.oneof(plainRequest(), fc.jsonValue({ maxDepth: 1 })),
        else: fc.oneof(plainRequest(), fc.jsonValue({ maxDepth: 1 })),
      },
      { requiredKeys: [] },
    )
    .map((params) => ({ method: 'ifelse', params }));
  return fc.oneof({ weight: 6, arbitrary: plainRequest() }, { weight: 2, arbitrary: meta }, { weight: 1, arbitrary: ifelse });
}

/** After a test's own junk: every node still answers info, directly and as the target of an onion. */
async function expectEveryNodeServing(): Promise<void> {
  for (const node of nodes) {
    const answer = await storageRpc(node.httpsPort, { method: 'info', params: {} });
    expect(JSON.parse(answer.text).version).toEqual([2, 8, 0]);
  }
  for (const target of nodes) {
    const outcome = await sendOnionVia(nodes, target, { method: 'info', params: {} });
    expect(outcome.reply?.status).toBe(200);
  }
}
