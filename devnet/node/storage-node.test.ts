import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fromBase64, fromHex, utf8 } from '../../wasm/bytes.ts';
import type { Identity } from '../../wasm/identity.ts';
import { ready, sodium } from '../../wasm/sodium.ts';
import { messageHash } from '../../wasm/storage.ts';
import { nearestSwarm } from '../../wasm/swarm.ts';
import { loadVectors } from '../../test/vectors.ts';
import { accountIn, b64, DAY, makeNetwork, MINUTE, NOW, SWARM_A, SWARM_B, vectorAccount } from './fixtures.ts';
import { authFields, call, send } from './test-client.ts';
import type { TestNetwork } from './test-network.ts';

let net: TestNetwork;
let alice: Identity; // swarm A (the vector account)
let bob: Identity; // swarm B

beforeAll(async () => {
  await ready();
  alice = vectorAccount();
  bob = accountIn(SWARM_B);
});
beforeEach(() => {
  net = makeNetwork();
});
afterEach(() => net.close());

const nodeA = () => net.members(SWARM_A)[0]!;
const nodeB = () => net.members(SWARM_B)[0]!;

function verifyNodeSig(edHex: string, text: string, sigB64: string): boolean {
  return sodium().crypto_sign_verify_detached(fromBase64(sigB64), utf8(text), fromHex(edHex));
}

function storeParams(account: Identity, data: string, extra: Record<string, unknown> = {}) {
  return { pubkey: account.sessionId, timestamp: net.clock, ttl: DAY, data: b64(data), ...extra };
}

function signedRetrieve(account: Identity, namespace = 0, extra: Record<string, unknown> = {}) {
  const auth = authFields(account, { method: 'retrieve', namespace, timestamp: net.clock });
  return { ...auth, namespace, timestamp: net.clock, ...extra };
}

describe('envelope', () => {
  it.each([
    ['not json', 'hello', 'invalid json'],
    ['truncated json', '{"method":"info",', 'invalid json'],
    ['lone surrogate escape', '{"method":"info","params":{},"x":"\\ud800"}', 'invalid json'],
    ['no method', '{"params":{}}', 'invalid json: no `method` field'],
    ['numeric method', '{"method":5,"params":{}}', 'invalid json: no `method` field'],
    ['array body', '[{"method":"info","params":{}}]', 'invalid json: no `method` field'],
    ['no params', '{"method":"info"}', 'invalid json: no `params` field'],
    ['array params', '{"method":"info","params":[]}', 'invalid json: no `params` field'],
    ['unknown method', '{"method":"fly","params":{}}', 'no method fly'],
  ])('%s → 400 text', async (_name, body, text) => {
    const a = await send(nodeA(), body);
    expect(a.status).toBe(400);
    expect(a.reply.contentType).toBe('text/plain');
    expect(a.text).toBe(text);
  });

  it('rejects bytes that are not UTF-8 as invalid json', async () => {
    const a = await send(nodeA(), new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]));
    expect([a.status, a.text]).toEqual([400, 'invalid json']);
  });

  it('accepts a leading BOM and ignores jsonrpc/id keys', async () => {
    const a = await send(nodeA(), '\ufeff{"jsonrpc":"2.0","id":7,"method":"info","params":{}}');
    expect(a.status).toBe(200);
  });
});

describe('info', () => {
  it('reports version, timestamp, t and hf with keys in sorted order', async () => {
    const a = await call(nodeA(), 'info', {});
    expect(a.status).toBe(200);
    expect(a.reply.contentType).toBe('application/json');
    expect(a.text).toBe(`{"hf":[19,3],"t":${NOW},"timestamp":${NOW},"version":[2,8,0]}`);
  });
});

describe('get_swarm', () => {
  it('answers any account from any node, with the swarm in get_swarm shape', async () => {
    for (const method of ['get_swarm', 'get_snodes_for_pubkey']) {
      const a = await call(nodeA(), method, { pubkey: bob.sessionId });
      expect(a.status).toBe(200);
      expect(a.json.swarm).toBe('8000000000000000');
      expect(a.json.t).toBe(NOW);
      expect(a.json.hf).toEqual([19, 3]);
      const members = net.records.filter((r) => r.swarmId === SWARM_B);
      expect(a.json.snodes.map((s: { pubkey_ed25519: string }) => s.pubkey_ed25519)).toEqual(members.map((m) => m.ed25519Hex));
      const first = a.json.snodes[0];
      expect(Object.keys(first).sort()).toEqual(
        ['address', 'ip', 'port', 'port_https', 'port_omq', 'port_quic', 'pubkey_ed25519', 'pubkey_legacy', 'pubkey_x25519'],
      );
      expect(first.port).toBe(String(members[0]!.httpsPort));
      expect(first.port_https).toBe(members[0]!.httpsPort);
      expect(first.port_quic).toBe(members[0]!.omqPort);
      expect(first.address).toMatch(/^[ybndrfg8ejkmcpqxot1uwisza345h769]{52}\.snode$/);
    }
  });

  it('takes pubKey as an alias, but not both', async () => {
    expect((await call(nodeA(), 'get_swarm', { pubKey: alice.sessionId })).json.swarm).toBe('400000000000000');
    const both = await call(nodeA(), 'get_swarm', { pubkey: alice.sessionId, pubKey: alice.sessionId });
    expect([both.status, both.text]).toEqual([400, "invalid request: Cannot specify both 'pubkey' and 'pubKey'"]);
    const none = await call(nodeA(), 'get_swarm', {});
    expect(none.text).toBe("invalid request: Required field 'pubkey' missing");
    const short = await call(nodeA(), 'get_swarm', { pubkey: '05abcd' });
    expect(short.text).toBe('invalid request: Pubkey must be 66 hex digits/33 bytes long');
  });
});

describe('store', () => {
  it('stores on every swarm member and answers hash, t, hf and a signed swarm map', async () => {
    const a = await call(nodeA(), 'store', storeParams(alice, 'hello'));
    expect(a.status).toBe(200);
    const hash = messageHash(alice.sessionId, 0, utf8('hello'));
    expect(a.json.hash).toBe(hash);
    expect(a.json.t).toBe(NOW);
    expect(a.json.hf).toEqual([19, 3]);
    const members = net.records.filter((r) => r.swarmId === SWARM_A);
    expect(Object.keys(a.json.swarm).sort()).toEqual(members.map((m) => m.ed25519Hex).sort());
    for (const m of members) {
      const entry = a.json.swarm[m.ed25519Hex];
      expect(entry.hash).toBe(hash);
      expect(entry.expiry).toBe(NOW + DAY);
      expect(entry.already).toBeUndefined();
      expect(verifyNodeSig(m.ed25519Hex, hash, entry.signature)).toBe(true);
    }
    // Only the entry node's own entry carries t.
    expect(a.json.swarm[members[0]!.ed25519Hex].t).toBe(NOW);
    expect(a.json.swarm[members[1]!.ed25519Hex].t).toBeUndefined();

    for (const node of net.members(SWARM_A)) {
      const r = await call(node, 'retrieve', signedRetrieve(alice));
      expect(r.status).toBe(200);
      expect(r.json.messages).toEqual([{ hash, timestamp: NOW, expiration: NOW + DAY, data: b64('hello') }]);
    }
  });

  it('reports already:true for identical data and keeps the later expiry', async () => {
    await call(nodeA(), 'store', storeParams(alice, 'twice', { ttl: 2 * DAY }));
    const again = await call(net.members(SWARM_A)[1]!, 'store', storeParams(alice, 'twice', { ttl: DAY }));
    expect(again.status).toBe(200);
    for (const entry of Object.values(again.json.swarm) as Array<Record<string, unknown>>) {
      expect(entry.already).toBe(true);
      expect(entry.expiry).toBe(NOW + 2 * DAY);
    }
  });

  it('matches the server unit-test hash (vector H1)', async () => {
    const [h1] = loadVectors<{ id: string; pubkey_hex: string; data_b64: string; expected_hash: string }>('storage').cases.filter(
      (c) => c.id === 'H1',
    );
    const node = net.members(nearestSwarm([SWARM_A, SWARM_B], h1!.pubkey_hex))[0]!;
    const a = await call(node, 'store', { pubkey: h1!.pubkey_hex, timestamp: NOW, ttl: DAY, data: h1!.data_b64 });
    expect(a.json.hash).toBe(h1!.expected_hash);
  });

  it('answers 421 with the correct swarm from a node of another swarm', async () => {
    const a = await call(nodeB(), 'store', storeParams(alice, 'lost'));
    expect(a.status).toBe(421);
    expect(a.reply.contentType).toBe('application/json');
    expect(a.json.swarm).toBe('400000000000000');
    expect(a.json.snodes).toHaveLength(3);
    expect(a.json.t).toBe(NOW);
    expect(a.json.hf).toEqual([19, 3]);
  });

  it('enforces the TTL bounds with 403', async () => {
    const cases: Array<[number, number]> = [
      [9_999, 403],
      [10_000, 200],
      [14 * DAY, 200],
      [14 * DAY + 1, 403],
    ];
    for (const [ttl, status] of cases) {
      const a = await call(nodeA(), 'store', storeParams(alice, `ttl${ttl}`, { ttl }));
      expect([ttl, a.status]).toEqual([ttl, status]);
      if (status === 403) expect(a.text).toBe('Provided expiry/TTL is not valid.');
    }
  });

  it('allows 30 days in a private namespace', async () => {
    const sig = authFields(alice, { method: 'store', namespace: 2, timestamp: NOW });
    const ok = await call(nodeA(), 'store', { ...storeParams(alice, 'cfg', { ttl: 30 * DAY }), ...sig, namespace: 2 });
    expect(ok.status).toBe(200);
    const long = await call(nodeA(), 'store', { ...storeParams(alice, 'cfg2', { ttl: 30 * DAY + 1 }), ...sig, namespace: 2 });
    expect(long.status).toBe(403);
  });

  it('answers 406 for a timestamp over 10 s ahead or an expiry over 10 s past', async () => {
    const ahead = await call(nodeA(), 'store', storeParams(alice, 'x', { timestamp: NOW + 10_001 }));
    expect([ahead.status, ahead.text]).toEqual([406, 'Timestamp error: check your clock']);
    expect((await call(nodeA(), 'store', storeParams(alice, 'y', { timestamp: NOW + 10_000 }))).status).toBe(200);
    const expired = await call(nodeA(), 'store', storeParams(alice, 'z', { timestamp: NOW - DAY, ttl: DAY - 10_001 }));
    expect(expired.status).toBe(406);
  });

  it('needs a valid signature outside public inboxes', async () => {
    const none = await call(nodeA(), 'store', storeParams(alice, 'p', { namespace: 2 }));
    expect([none.status, none.text]).toEqual([401, 'store: signature required to store to namespace 2']);

    const wrongNs = authFields(alice, { method: 'store', namespace: 3, timestamp: NOW });
    const bad = await call(nodeA(), 'store', { ...storeParams(alice, 'p', { namespace: 2 }), ...wrongNs });
    expect([bad.status, bad.text]).toEqual([401, 'store signature verification failed']);

    const oldSig = authFields(alice, { method: 'store', namespace: 2, timestamp: NOW - MINUTE - 1 });
    const stale = await call(nodeA(), 'store', {
      ...storeParams(alice, 'p', { namespace: 2, sig_timestamp: NOW - MINUTE - 1 }),
      ...oldSig,
    });
    expect([stale.status, stale.text]).toEqual([406, 'store signature timestamp too far from current time']);

    // Someone else's Ed25519 key does not convert to alice's X25519 key.
    const mallory = accountIn(SWARM_A, 300);
    const foreign = authFields(mallory, { method: 'store', namespace: 2, timestamp: NOW });
    const impostor = await call(nodeA(), 'store', { ...storeParams(alice, 'p', { namespace: 2 }), ...foreign, pubkey: alice.sessionId });
    expect(impostor.status).toBe(401);

    // A public inbox ignores a signature it is given.
    const ignored = await call(nodeA(), 'store', { ...storeParams(alice, 'q', { namespace: 10 }), ...wrongNs });
    expect(ignored.status).toBe(200);
  });

  it('checks the data parameter', async () => {
    const max = Buffer.alloc(76_800, 7).toString('base64');
    expect(max).toHaveLength(102_400);
    expect((await call(nodeA(), 'store', { ...storeParams(alice, ''), data: max })).status).toBe(200);
    const over = Buffer.alloc(76_801, 7).toString('base64');
    const big = await call(nodeA(), 'store', { ...storeParams(alice, ''), data: over });
    expect([big.status, big.text]).toEqual([400, 'invalid request: Message body exceeds maximum allowed length of 76800 bytes']);
    const notB64 = await call(nodeA(), 'store', { ...storeParams(alice, ''), data: 'abc!' });
    expect(notB64.text).toBe("invalid request: Invalid 'data' value: not base64 encoded");
    const missing = await call(nodeA(), 'store', { pubkey: alice.sessionId, timestamp: NOW, ttl: DAY });
    expect(missing.text).toBe("invalid request: Required field 'data' missing");
  });

  it.each([
    [{ ttl: undefined }, "invalid request: Required field 'expiry' or 'ttl' missing"],
    [{ expiry: NOW + DAY }, "invalid request: Cannot specify both 'expiry' and 'ttl'"],
    [{ timestamp: undefined }, "invalid request: Required field 'timestamp' missing"],
    [{ timestamp: '12x' }, 'invalid request: Invalid value given for \'timestamp\': "12x"'],
    [{ ttl: '-5' }, 'invalid request: Invalid value given for \'ttl\': "-5"'],
    [{ ttl: -5 }, "invalid request: Invalid value given for 'ttl': expected positive integer"],
    [{ namespace: '2' }, "invalid request: Invalid value given for 'namespace': expected 16-bit integer"],
    [{ namespace: 32_768 }, "invalid request: Invalid value given for 'namespace': value out of range"],
    [{ pubkey: '05abc' }, 'invalid request: Pubkey must be 66 hex digits (33 bytes) long'],
    [{ pubkey: undefined }, "invalid request: Required field 'pubkey' missing"],
    [{ pubKey: '05' + '00'.repeat(32) }, "invalid request: Cannot specify both 'pubkey' and 'pubKey'"],
    [{ sig_timestamp: 1_700_000 }, "invalid request: Invalid timestamp for 'sig_timestamp': timestamp must be in milliseconds"],
    [{ signature: 'abc' }, 'invalid request: invalid signature: expected base64 encoded Ed25519 signature'],
    [{ data: 5 }, "invalid request: Invalid value given for 'data': expected string"],
  ])('rejects %j', async (change, text) => {
    const params: Record<string, unknown> = { ...storeParams(alice, 'p'), ...change };
    for (const [k, v] of Object.entries(change)) if (v === undefined) delete params[k];
    const a = await call(nodeA(), 'store', params);
    expect([a.status, a.text]).toEqual([400, text]);
  });

  it('accepts stringified timestamp and ttl (old clients)', async () => {
    const a = await call(nodeA(), 'store', storeParams(alice, 's', { timestamp: String(NOW), ttl: String(DAY) }));
    expect(a.status).toBe(200);
  });

  it('keeps one message in a public outbox', async () => {
    for (const text of ['first', 'second']) {
      const sig = authFields(alice, { method: 'store', namespace: -1, timestamp: NOW });
      expect((await call(nodeA(), 'store', { ...storeParams(alice, text, { namespace: -1 }), ...sig })).status).toBe(200);
    }
    const r = await call(nodeA(), 'retrieve', { pubkey: alice.sessionId, namespace: -1 });
    expect(r.status).toBe(200);
    expect(r.json.messages.map((m: { data: string }) => m.data)).toEqual([b64('second')]);
  });

  it('answers 500 with the swarm map only when every entry failed', async () => {
    const members = net.records.filter((r) => r.swarmId === SWARM_A);
    net.down.add(members[1]!.ed25519Hex);
    const partly = await call(nodeA(), 'store', storeParams(alice, 'partly'));
    expect(partly.status).toBe(200);
    expect(partly.json.swarm[members[1]!.ed25519Hex]).toEqual({ failed: true, timeout: true });

    net.down.add(members[2]!.ed25519Hex);
    nodeA().close(); // the entry node's own store now fails too
    const none = await call(nodeA(), 'store', storeParams(alice, 'none'));
    expect(none.status).toBe(500);
    expect(none.reply.contentType).toBe('application/json');
    const own = none.json.swarm[members[0]!.ed25519Hex];
    expect(own).toMatchObject({ failed: true, query_failure: true });
    expect(none.json.hash).toBeUndefined();
  });
});

describe('retrieve', () => {
  it('needs auth unless the namespace is a no-auth one', async () => {
    const noNs = await call(nodeA(), 'retrieve', { pubkey: alice.sessionId });
    expect([noNs.status, noNs.text]).toEqual([401, 'retrieve: request signature required']);
    const explicit0 = await call(nodeA(), 'retrieve', { pubkey: alice.sessionId, namespace: 0 });
    expect([explicit0.status, explicit0.text]).toEqual([400, "invalid request: Required field 'signature' missing"]);
    const legacy = await call(nodeA(), 'retrieve', { pubkey: alice.sessionId, namespace: -10 });
    expect(legacy.status).toBe(200);
    expect(legacy.json).toEqual({ messages: [], more: false, t: NOW, hf: [19, 3] });
  });

  it('accepts the storage.json example request byte for byte', async () => {
    const vectors = loadVectors<{ id: string; request_json: { params: unknown } }>('storage');
    const example = vectors.cases.find((c) => c.id === 'REQ-retrieve-example')!.request_json;
    const a = await call(nodeA(), 'retrieve', example.params);
    expect(a.status).toBe(200);
  });

  it('checks the signature, its clock and its key', async () => {
    const wrong = authFields(alice, { method: 'retrieve', namespace: 2, timestamp: NOW });
    const bad = await call(nodeA(), 'retrieve', { ...wrong, namespace: 0, timestamp: NOW });
    expect([bad.status, bad.text]).toEqual([401, 'retrieve signature verification failed']);
    net.clock = NOW + MINUTE + 1;
    const stale = await call(nodeA(), 'retrieve', { ...authFields(alice, { method: 'retrieve', namespace: 0, timestamp: NOW }), namespace: 0, timestamp: NOW });
    expect([stale.status, stale.text]).toEqual([406, 'retrieve timestamp too far from current time']);
    net.clock = NOW + MINUTE;
    const edge = await call(nodeA(), 'retrieve', { ...authFields(alice, { method: 'retrieve', namespace: 0, timestamp: NOW }), namespace: 0, timestamp: NOW });
    expect(edge.status).toBe(200);
    // A 05 key without pubkey_ed25519 is verified as if it were an Ed25519 key, and fails.
    const noEd = authFields(alice, { method: 'retrieve', namespace: 0, timestamp: NOW });
    const { pubkey_ed25519: _dropped, ...rest } = noEd;
    expect((await call(nodeA(), 'retrieve', { ...rest, namespace: 0, timestamp: NOW })).status).toBe(401);
  });

  it.each([
    [{ timestamp: 999_999_999 }, "invalid request: Invalid timestamp for 'timestamp': timestamp must be in milliseconds"],
    [{ timestamp: -1 }, "invalid request: Invalid value given for 'timestamp': expected integer timestamp (in milliseconds)"],
    [{ last_hash: 'abc' }, 'invalid request: Invalid last_hash: expected base64 (43 chars)'],
    [{ last_hash: '!'.repeat(43) }, 'invalid request: Invalid last_hash: not base64'],
    [{ last_hash: 'A'.repeat(43), lastHash: 'A'.repeat(43) }, "invalid request: Cannot specify both 'last_hash' and 'lastHash'"],
    [{ pubkey_ed25519: 'zz'.repeat(32) }, 'invalid request: invalid pubkey_ed25519: value is not hex'],
    [{ pubkey_ed25519: 'ab' }, 'invalid request: Invalid pubkey_ed25519: expected 64 hex char or 32 byte pubkey'],
    [{ pubkey: '03' + '11'.repeat(32) }, 'invalid request: pubkey_ed25519 is only permitted for 05[...] pubkeys'],
    [{ signature: 'A'.repeat(87) }, 'invalid request: invalid signature: expected base64 encoded Ed25519 signature'],
    [{ max_count: 'ten' }, "invalid request: Invalid value given for 'max_count': expected integer"],
    [{ namespace: 1.5 }, "invalid request: Invalid value given for 'namespace': expected 16-bit integer"],
  ])('rejects %j', async (change, text) => {
    const a = await call(nodeA(), 'retrieve', { ...signedRetrieve(alice), ...change });
    expect([a.status, a.text]).toEqual([400, text]);
  });

  it('pages with max_count, last_hash and more', async () => {
    const hashes: string[] = [];
    for (let i = 0; i < 5; i++) {
      hashes.push((await call(nodeA(), 'store', storeParams(alice, `m${i}`))).json.hash);
    }
    const page1 = await call(nodeA(), 'retrieve', signedRetrieve(alice, 0, { max_count: 2 }));
    expect(page1.json.messages.map((m: { hash: string }) => m.hash)).toEqual(hashes.slice(0, 2));
    expect(page1.json.more).toBe(true);
    const page2 = await call(nodeA(), 'retrieve', signedRetrieve(alice, 0, { max_count: 2, last_hash: hashes[1] }));
    expect(page2.json.messages.map((m: { hash: string }) => m.hash)).toEqual(hashes.slice(2, 4));
    expect(page2.json.more).toBe(true);
    const page3 = await call(nodeA(), 'retrieve', signedRetrieve(alice, 0, { max_count: 2, lastHash: hashes[3] }));
    expect(page3.json.messages.map((m: { hash: string }) => m.hash)).toEqual(hashes.slice(4));
    expect(page3.json.more).toBe(false);
    // An unknown last_hash starts from the beginning; "" means none.
    const unknown = await call(nodeA(), 'retrieve', signedRetrieve(alice, 0, { last_hash: 'A'.repeat(43) }));
    expect(unknown.json.messages).toHaveLength(5);
    const empty = await call(nodeA(), 'retrieve', signedRetrieve(alice, 0, { last_hash: '' }));
    expect(empty.json.messages).toHaveLength(5);
    // A negative count means no count limit on the server.
    const negative = await call(nodeA(), 'retrieve', signedRetrieve(alice, 0, { max_count: -1 }));
    expect(negative.json.messages).toHaveLength(5);
  });

  it('counts max_size as 100 + hash + 4/3 data and always returns one message', async () => {
    for (let i = 0; i < 3; i++) await call(nodeA(), 'store', storeParams(alice, 'x'.repeat(30) + i));
    const each = 100 + 43 + Math.floor((31 * 4) / 3); // 184
    const two = await call(nodeA(), 'retrieve', signedRetrieve(alice, 0, { max_size: 2 * each }));
    expect([two.json.messages.length, two.json.more]).toEqual([2, true]);
    const justUnder = await call(nodeA(), 'retrieve', signedRetrieve(alice, 0, { max_size: 2 * each - 1 }));
    expect([justUnder.json.messages.length, justUnder.json.more]).toEqual([1, true]);
    const one = await call(nodeA(), 'retrieve', signedRetrieve(alice, 0, { max_size: 1 }));
    expect([one.json.messages.length, one.json.more]).toEqual([1, true]);
    const all = await call(nodeA(), 'retrieve', signedRetrieve(alice, 0, { max_size: 3 * each }));
    expect([all.json.messages.length, all.json.more]).toEqual([3, false]);
  });

  it('reads a negative max_size as a fraction of 7 800 000', async () => {
    const big = Buffer.alloc(76_800, 1);
    for (let i = 0; i < 3; i++) {
      big[0] = i;
      await call(nodeA(), 'store', { ...storeParams(alice, ''), data: big.toString('base64') });
    }
    const each = 100 + 43 + 102_400;
    // 7 800 000 / 76 = 102 631: room for one such message, not two.
    const k76 = await call(nodeA(), 'retrieve', signedRetrieve(alice, 0, { max_size: -76 }));
    expect(Math.floor(7_800_000 / 76)).toBeLessThan(2 * each);
    expect([k76.json.messages.length, k76.json.more]).toEqual([1, true]);
    const k37 = await call(nodeA(), 'retrieve', signedRetrieve(alice, 0, { max_size: -37 }));
    expect([k37.json.messages.length, k37.json.more]).toEqual([2, true]);
    const byDefault = await call(nodeA(), 'retrieve', signedRetrieve(alice));
    expect([byDefault.json.messages.length, byDefault.json.more]).toEqual([3, false]);
  });

  it('skips expired messages and pruning deletes them', async () => {
    await call(nodeA(), 'store', storeParams(alice, 'short', { ttl: 10_000 }));
    await call(nodeA(), 'store', storeParams(alice, 'long', { ttl: DAY }));
    net.clock = NOW + 10_000;
    const r = await call(nodeA(), 'retrieve', signedRetrieve(alice));
    expect(r.json.messages.map((m: { data: string }) => m.data)).toEqual([b64('long')]);
    expect(nodeA().messageCount()).toBe(2);
    expect(nodeA().pruneExpired()).toBe(1);
    expect(nodeA().messageCount()).toBe(1);
  });

  it('keeps messages across a restart', async () => {
    await call(nodeA(), 'store', storeParams(alice, 'persist'));
    const index = net.records.findIndex((r) => r.swarmId === SWARM_A);
    const reopened = net.restart(index);
    const r = await call(reopened, 'retrieve', signedRetrieve(alice));
    expect(r.json.messages.map((m: { data: string }) => m.data)).toEqual([b64('persist')]);
  });

  it('answers 421 for an account of another swarm', async () => {
    const a = await call(nodeA(), 'retrieve', signedRetrieve(bob));
    expect(a.status).toBe(421);
    expect(a.json.swarm).toBe('8000000000000000');
  });
});
