/**
 * Conformance, error paths: the exact status and text the destination answers inside the
 * decrypted onion reply (network-protocol.md §3.1, §3.2, §3.4, §3.5, §2.3), for the envelope,
 * parameter checks, auth, TTL and clock rules, wrong swarm (top level and inside batch/sequence)
 * and the message size cap.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toBase64, utf8 } from '../../wasm/bytes.ts';
import type { Identity } from '../../wasm/identity.ts';
import { ready } from '../../wasm/sodium.ts';
import { messageHash, signedRetrieveParams, signRequest } from '../../wasm/storage.ts';
import type { DevnetNodeInfo } from '../devnet.ts';
import { httpsCall } from '../testing/https-client.ts';
import { startTestDevnet, type TestDevnet } from '../testing/test-devnet.ts';
import { authFields, b64, ConformanceClient, inboxStore, newAccount, signedStore } from './client.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let net: TestDevnet;
let client: ConformanceClient;
/** One account for the whole file, its swarm, and a node of the other swarm. */
let account: Identity;
let members: DevnetNodeInfo[];
let entry: DevnetNodeInfo;
let outsider: DevnetNodeInfo;

beforeAll(async () => {
  await ready();
  net = await startTestDevnet({ rateLimit: false });
  client = new ConformanceClient(net);
  account = newAccount();
  members = await client.swarmOf(account);
  entry = members[0]!;
  outsider = (await client.outsidersOf(account))[0]!;
});
afterAll(() => net?.stop());

async function expectText(target: DevnetNodeInfo, body: unknown, status: number, text: string): Promise<void> {
  const answer = await client.send(target, body);
  expect({ status: answer.status, body: answer.body }).toEqual({ status, body: text });
}

function rpc(method: string, params: unknown): { method: string; params: unknown } {
  return { method, params };
}

describe('envelope (400)', () => {
  it('invalid json', () => expectText(entry, '{"method":"info",', 400, 'invalid json'));
  it('no method field', () => expectText(entry, '{"params":{}}', 400, 'invalid json: no `method` field'));
  it('a method that is not a string', () => expectText(entry, '{"method":7,"params":{}}', 400, 'invalid json: no `method` field'));
  it('no params field', () => expectText(entry, '{"method":"info"}', 400, 'invalid json: no `params` field'));
  it('unknown method', () => expectText(entry, rpc('get_everything', {}), 400, 'no method get_everything'));
});

describe('invalid request (400)', () => {
  it('missing pubkey', async () => {
    await expectText(entry, rpc('retrieve', {}), 400, "invalid request: Required field 'pubkey' missing");
    await expectText(entry, rpc('store', { timestamp: client.now(), ttl: HOUR, data: b64('x') }), 400, "invalid request: Required field 'pubkey' missing");
  });

  it('pubkey of the wrong length', async () => {
    const short = account.sessionId.slice(0, 64);
    await expectText(entry, rpc('store', inboxStore({ ...account, sessionId: short }, 'x', client.now())), 400, 'invalid request: Pubkey must be 66 hex digits (33 bytes) long');
    await expectText(entry, rpc('retrieve', { pubkey: account.sessionId + '00' }), 400, 'invalid request: Pubkey must be 66 hex digits (33 bytes) long');
    await expectText(entry, rpc('get_swarm', { pubkey: short }), 400, 'invalid request: Pubkey must be 66 hex digits/33 bytes long');
  });

  it('malformed message hashes and last_hash', async () => {
    const messages = ['not-a-hash'];
    await expectText(entry, rpc('delete', { pubkey: account.sessionId, pubkey_ed25519: '00'.repeat(32), signature: 'A'.repeat(86), messages }), 400, 'invalid request: invalid message hash: not-a-hash');
    const params = signedRetrieveParams(account, { namespace: 0, timestamp: client.now() });
    await expectText(entry, rpc('retrieve', { ...params, last_hash: 'abc' }), 400, 'invalid request: Invalid last_hash: expected base64 (43 chars)');
    await expectText(entry, rpc('retrieve', { ...params, last_hash: '!'.repeat(43) }), 400, 'invalid request: Invalid last_hash: not base64');
  });

  it('a namespace given as a string', async () => {
    const params = signedRetrieveParams(account, { namespace: 0, timestamp: client.now() });
    await expectText(entry, rpc('retrieve', { ...params, namespace: '0' }), 400, "invalid request: Invalid value given for 'namespace': expected 16-bit integer");
    await expectText(entry, rpc('store', { ...inboxStore(account, 'x', client.now()), namespace: 40000 }), 400, "invalid request: Invalid value given for 'namespace': value out of range");
  });

  it('store without ttl or expiry, with both, and with data that is not base64', async () => {
    const base = { pubkey: account.sessionId, timestamp: client.now(), data: b64('x') };
    await expectText(entry, rpc('store', base), 400, "invalid request: Required field 'expiry' or 'ttl' missing");
    await expectText(entry, rpc('store', { ...base, ttl: HOUR, expiry: base.timestamp + HOUR }), 400, "invalid request: Cannot specify both 'expiry' and 'ttl'");
    await expectText(entry, rpc('store', { ...base, ttl: HOUR, data: 'not base64!' }), 400, "invalid request: Invalid 'data' value: not base64 encoded");
  });

  it('a malformed batch', async () => {
    await expectText(entry, rpc('batch', { requests: [] }), 400, 'invalid request: Invalid batch request: no valid "requests" field');
    const many = Array.from({ length: 21 }, () => rpc('info', {}));
    await expectText(entry, rpc('sequence', { requests: many }), 400, 'invalid request: Invalid batch request: subrequest limit exceeded');
    await expectText(entry, rpc('batch', { requests: [rpc('batch', { requests: [rpc('info', {})] })] }), 400, 'invalid request: Invalid batch subrequest: subrequests may not contain meta-requests');
  });
});

describe('HTTP routes (404)', () => {
  it('an unknown route answers "<METHOD> <path> Not Found" with the method as sent', async () => {
    for (const [method, path, text] of [
      ['GET', '/no/such/route?x=1', 'GET /no/such/route Not Found'],
      ['POST', '/storage_rpc/v2', 'POST /storage_rpc/v2 Not Found'],
      ['GET', '/storage_rpc/v1', 'GET /storage_rpc/v1 Not Found'],
      ['OPTIONS', '/onion_req/v2', 'OPTIONS /onion_req/v2 Not Found'],
      ['DELETE', '/', 'DELETE / Not Found'],
    ] as const) {
      const answer = await httpsCall({ port: entry.httpsPort, path, method });
      expect({ status: answer.status, text: answer.text, type: answer.headers['content-type'] }).toEqual({ status: 404, text, type: 'text/plain' });
    }
  });
});

describe('message size', () => {
  it('stores exactly 76 800 bytes and refuses 76 801', async () => {
    const big = new Uint8Array(76_800).fill(0x5a);
    const ok = await client.call(entry, 'store', { pubkey: account.sessionId, timestamp: client.now(), ttl: HOUR, data: toBase64(big) });
    expect(ok.status, ok.body).toBe(200);
    expect(ok.json.hash).toBe(messageHash(account.sessionId, 0, big));
    const over = new Uint8Array(76_801).fill(0x5a);
    await expectText(
      entry,
      rpc('store', { pubkey: account.sessionId, timestamp: client.now(), ttl: HOUR, data: toBase64(over) }),
      400,
      'invalid request: Message body exceeds maximum allowed length of 76800 bytes',
    );
  });
});

describe('auth (401)', () => {
  it('retrieve without a signature', () => expectText(entry, rpc('retrieve', { pubkey: account.sessionId }), 401, 'retrieve: request signature required'));

  it('an unsigned retrieve stops a sequence with its 401, and is one 401 result in a batch', async () => {
    const unsigned = rpc('retrieve', { pubkey: account.sessionId });
    const sequence = await client.send(entry, rpc('sequence', { requests: [rpc('info', {}), unsigned, rpc('info', {})] }));
    expect(sequence.status).toBe(200);
    expect(sequence.json.results.map((r: { code: number }) => r.code)).toEqual([200, 401]);
    expect(sequence.json.results[1].body).toBe('retrieve: request signature required');
    const batch = await client.send(entry, rpc('batch', { requests: [unsigned, rpc('info', {})] }));
    expect(batch.status).toBe(200);
    expect(batch.json.results.map((r: { code: number }) => r.code)).toEqual([401, 200]);
  });

  // SS reads an explicit namespace that needs auth as "the auth fields are mandatory" while it
  // parses the params, before any handler runs: a parse error (400), which fails a whole sequence
  // or batch. Only a retrieve that names no namespace reaches the handler's 401 (docs/devnet.md).
  it('an unsigned retrieve that names namespace 0 is a parse error, also inside a sequence', async () => {
    const explicit = rpc('retrieve', { pubkey: account.sessionId, namespace: 0 });
    await expectText(entry, explicit, 400, "invalid request: Required field 'signature' missing");
    await expectText(entry, rpc('sequence', { requests: [rpc('info', {}), explicit] }), 400, "invalid request: Required field 'signature' missing");
  });

  it('retrieve with a signature that does not verify', async () => {
    const params = signedRetrieveParams(account, { namespace: 0, timestamp: client.now() });
    const wrong = signRequest({ method: 'retrieve', namespace: 0, timestamp: params.timestamp - 1 }, account.ed25519SecretKey);
    await expectText(entry, rpc('retrieve', { ...params, signature: wrong }), 401, 'retrieve signature verification failed');
    // Another account's Ed25519 key does not convert to this account's X25519 key.
    const stranger = newAccount();
    const theirs = signedRetrieveParams(stranger, { namespace: 0, timestamp: client.now() });
    await expectText(entry, rpc('retrieve', { ...theirs, pubkey: account.sessionId }), 401, 'retrieve signature verification failed');
  });

  it('store to a private namespace without a signature, or with a bad one', async () => {
    const timestamp = client.now();
    await expectText(entry, rpc('store', inboxStore(account, 'config', timestamp, HOUR, 2)), 401, 'store: signature required to store to namespace 2');
    const params = signedStore(account, 'config', 2, timestamp);
    const wrong = signRequest({ method: 'store', namespace: 3, timestamp }, account.ed25519SecretKey);
    await expectText(entry, rpc('store', { ...params, signature: wrong }), 401, 'store signature verification failed');
  });

  it('delete, delete_all and expire with bad signatures', async () => {
    const messages = [messageHash(account.sessionId, 0, utf8('whatever'))];
    const other = [messageHash(account.sessionId, 0, utf8('something else'))];
    await expectText(
      entry,
      rpc('delete', { ...authFields(account, { method: 'delete', messages: other }), messages }),
      401,
      'delete_msgs signature verification failed',
    );
    const timestamp = client.now();
    await expectText(
      entry,
      rpc('delete_all', { ...authFields(account, { method: 'delete_all', namespace: 2, timestamp }), namespace: 0, timestamp }),
      401,
      'delete_all signature verification failed',
    );
    const expiry = client.now() + HOUR;
    await expectText(
      entry,
      rpc('expire', { ...authFields(account, { method: 'expire', messages, expiry, extend: true }), messages, expiry }),
      401,
      'expire: signature verification failed',
    );
  });

  it('delete_before too far in the future, expire too far in the past', async () => {
    const before = client.now() + 2 * 60_000;
    await expectText(
      entry,
      rpc('delete_before', { ...authFields(account, { method: 'delete_before', namespace: 0, before }), namespace: 0, before }),
      401,
      'delete_before timestamp too far in the future',
    );
    const messages = [messageHash(account.sessionId, 0, utf8('old'))];
    const expiry = client.now() - 2 * 60_000;
    await expectText(
      entry,
      rpc('expire', { ...authFields(account, { method: 'expire', messages, expiry }), messages, expiry }),
      401,
      'expire: timestamp should be >= current time',
    );
  });
});

describe('TTL (403)', () => {
  it('below 10 s, and above 14 days in a public inbox; a private namespace takes 30 days', async () => {
    const now = client.now();
    await expectText(entry, rpc('store', inboxStore(account, 'brief', now, 9_999)), 403, 'Provided expiry/TTL is not valid.');
    await expectText(entry, rpc('store', inboxStore(account, 'long', now, 14 * DAY + 1)), 403, 'Provided expiry/TTL is not valid.');
    const ok = await client.call(entry, 'store', signedStore(account, 'long config', 2, now, 30 * DAY));
    expect(ok.status, ok.body).toBe(200);
    await expectText(entry, rpc('store', signedStore(account, 'too long', 2, now, 30 * DAY + 1)), 403, 'Provided expiry/TTL is not valid.');
  });

  it('several expiries at once before hardfork 19.4', async () => {
    const messages = [messageHash(account.sessionId, 0, utf8('m1')), messageHash(account.sessionId, 0, utf8('m2'))];
    const expiry = [client.now() + HOUR, client.now() + 2 * HOUR];
    await expectText(
      entry,
      rpc('expire', { ...authFields(account, { method: 'expire', messages, expiry }), messages, expiry }),
      403,
      'expire: multi-expiry requests are not yet active on the network',
    );
  });
});

describe('delete required (404)', () => {
  it('answers 404 with the swarm JSON when nothing was deleted anywhere', async () => {
    const messages = [messageHash(account.sessionId, 0, utf8('never stored here'))];
    const answer = await client.call(entry, 'delete', { ...authFields(account, { method: 'delete', messages }), messages, required: true });
    expect(answer.status).toBe(404);
    expect(Object.keys(answer.json.swarm).sort()).toEqual(members.map((m) => m.ed25519Hex).sort());
    for (const e of Object.values<any>(answer.json.swarm)) expect(e.deleted).toEqual([]);
    // Without `required`, the same request is a 200.
    const plain = await client.call(entry, 'delete', { ...authFields(account, { method: 'delete', messages }), messages });
    expect(plain.status).toBe(200);
  });
});

describe('clock (406)', () => {
  it('store timestamp more than 10 s ahead, or expiry more than 10 s gone', async () => {
    await expectText(entry, rpc('store', inboxStore(account, 'future', client.now() + 20_000)), 406, 'Timestamp error: check your clock');
    const past = client.now() - 60_000;
    await expectText(entry, rpc('store', { ...inboxStore(account, 'past', past), ttl: undefined, expiry: past + 30_000 }), 406, 'Timestamp error: check your clock');
  });

  it('signature timestamps more than 60 s off', async () => {
    const stale = client.now() - 2 * 60_000;
    await expectText(entry, rpc('retrieve', signedRetrieveParams(account, { namespace: 0, timestamp: stale })), 406, 'retrieve timestamp too far from current time');
    const ahead = client.now() + 2 * 60_000;
    await expectText(entry, rpc('retrieve', signedRetrieveParams(account, { namespace: 0, timestamp: ahead })), 406, 'retrieve timestamp too far from current time');
    const store = { ...signedStore(account, 'config', 2, client.now()), ...storeSig(account, 2, stale), sig_timestamp: stale };
    await expectText(entry, rpc('store', store), 406, 'store signature timestamp too far from current time');
    await expectText(
      entry,
      rpc('delete_all', { ...authFields(account, { method: 'delete_all', namespace: 0, timestamp: stale }), namespace: 0, timestamp: stale }),
      406,
      'delete_all timestamp too far from current time',
    );
    const messages = [messageHash(account.sessionId, 0, utf8('x'))];
    await expectText(
      entry,
      rpc('get_expiries', { ...authFields(account, { method: 'get_expiries', messages, timestamp: stale }), messages, timestamp: stale }),
      406,
      'get_expiries timestamp too far from current time',
    );
    await expectText(
      entry,
      rpc('expire_all', { ...authFields(account, { method: 'expire_all', namespace: 0, expiry: stale }), namespace: 0, expiry: stale }),
      406,
      'expire_all timestamp should be >= current time',
    );
  });
});

function storeSig(who: Identity, namespace: number, sigTimestamp: number): { signature: string } {
  return { signature: signRequest({ method: 'store', namespace, timestamp: sigTimestamp }, who.ed25519SecretKey) };
}

describe('wrong swarm (421)', () => {
  function expectCorrectSwarm(body: any): void {
    expect(Object.keys(body).sort()).toEqual(['hf', 'snodes', 'swarm', 't']);
    expect(body.swarm).toBe(entry.swarm);
    expect(body.snodes.map((s: any) => s.pubkey_ed25519).sort()).toEqual(members.map((m) => m.ed25519Hex).sort());
    for (const s of body.snodes) expect(typeof s.port).toBe('string');
  }

  it('answers 421 with the correct swarm for every account method at a node of another swarm', async () => {
    const messages = [messageHash(account.sessionId, 0, utf8('x'))];
    const now = client.now();
    const requests: Array<[string, unknown]> = [
      ['store', inboxStore(account, 'misdirected', now)],
      ['retrieve', signedRetrieveParams(account, { namespace: 0, timestamp: now })],
      ['delete', { ...authFields(account, { method: 'delete', messages }), messages }],
      ['delete_all', { ...authFields(account, { method: 'delete_all', namespace: 0, timestamp: now }), namespace: 0, timestamp: now }],
      ['delete_before', { ...authFields(account, { method: 'delete_before', namespace: 0, before: now }), namespace: 0, before: now }],
      ['expire', { ...authFields(account, { method: 'expire', messages, expiry: now + HOUR }), messages, expiry: now + HOUR }],
      ['expire_all', { ...authFields(account, { method: 'expire_all', namespace: 0, expiry: now + HOUR }), namespace: 0, expiry: now + HOUR }],
      ['get_expiries', { ...authFields(account, { method: 'get_expiries', messages, timestamp: now }), messages, timestamp: now }],
    ];
    for (const [method, params] of requests) {
      const answer = await client.call(outsider, method, params);
      expect(answer.status, method).toBe(421);
      expectCorrectSwarm(answer.json);
    }
    // The swarm check comes first: even an unsigned retrieve gets the 421.
    const unsigned = await client.call(outsider, 'retrieve', { pubkey: account.sessionId });
    expect(unsigned.status).toBe(421);
  });

  it('inside a batch: the sub-request shows code 421 and the swarm body, the batch is still 200', async () => {
    const answer = await client.call(outsider, 'batch', {
      requests: [rpc('info', {}), rpc('store', inboxStore(account, 'batched', client.now())), rpc('get_swarm', { pubkey: account.sessionId })],
    });
    expect(answer.status).toBe(200);
    const results = answer.json.results as Array<{ code: number; body: any }>;
    expect(results.map((r) => r.code)).toEqual([200, 421, 200]);
    expectCorrectSwarm(results[1]!.body);
  });

  it('inside a sequence: stops after the 421', async () => {
    const answer = await client.call(outsider, 'sequence', {
      requests: [
        rpc('info', {}),
        rpc('retrieve', signedRetrieveParams(account, { namespace: 0, timestamp: client.now() })),
        rpc('store', inboxStore(account, 'never runs', client.now())),
      ],
    });
    expect(answer.status).toBe(200);
    const results = answer.json.results as Array<{ code: number; body: any }>;
    expect(results.map((r) => r.code)).toEqual([200, 421]);
    expectCorrectSwarm(results[1]!.body);
  });
});
