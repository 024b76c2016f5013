import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fromBase64, fromHex, utf8 } from '../../wasm/bytes.ts';
import type { Identity } from '../../wasm/identity.ts';
import { ready, sodium } from '../../wasm/sodium.ts';
import type { SignedRequest } from '../../wasm/storage.ts';
import { accountIn, b64, DAY, makeNetwork, MINUTE, NOW, SWARM_A, SWARM_B, vectorAccount } from './fixtures.ts';
import { authFields, call } from './test-client.ts';
import type { TestNetwork } from './test-network.ts';

let net: TestNetwork;
let alice: Identity;
let bob: Identity;

beforeAll(async () => {
  await ready();
  alice = vectorAccount();
  bob = accountIn(SWARM_B);
});
beforeEach(() => {
  net = makeNetwork();
});
afterEach(() => net.close());

const entry = () => net.members(SWARM_A)[0]!;
const swarmA = () => net.records.filter((r) => r.swarmId === SWARM_A);

function nodeSigned(edHex: string, text: string, sigB64: string): boolean {
  return sodium().crypto_sign_verify_detached(fromBase64(sigB64), utf8(text), fromHex(edHex));
}

async function storeAt(namespace: number, text: string, timestamp = net.clock, ttl = DAY): Promise<string> {
  const sig = namespace % 10 === 0 ? {} : authFields(alice, { method: 'store', namespace, timestamp: net.clock });
  const a = await call(entry(), 'store', { pubkey: alice.sessionId, namespace, timestamp, ttl, data: b64(text), ...sig });
  expect(a.status).toBe(200);
  return a.json.hash as string;
}

async function retrieveHashes(namespace = 0): Promise<string[]> {
  const auth = authFields(alice, { method: 'retrieve', namespace, timestamp: net.clock });
  const a = await call(entry(), 'retrieve', { ...auth, namespace, timestamp: net.clock });
  return (a.json.messages as Array<{ hash: string }>).map((m) => m.hash);
}

function signed(request: SignedRequest, params: Record<string, unknown>): Record<string, unknown> {
  return { ...authFields(alice, request), ...params };
}

describe('delete', () => {
  it('deletes on every member and signs pubkey + requested + deleted', async () => {
    const h1 = await storeAt(0, 'one');
    const h2 = await storeAt(0, 'two');
    const missing = 'A'.repeat(43);
    const messages = [h2, missing, h1];
    const a = await call(entry(), 'delete', signed({ method: 'delete', messages }, { messages }));
    expect(a.status).toBe(200);
    expect(a.json.t).toBe(NOW);
    expect(a.json.hf).toEqual([19, 3]);
    const deleted = [h1, h2].sort();
    for (const m of swarmA()) {
      const e = a.json.swarm[m.ed25519Hex];
      expect(e.deleted).toEqual(deleted);
      expect(nodeSigned(m.ed25519Hex, alice.sessionId + messages.join('') + deleted.join(''), e.signature)).toBe(true);
    }
    expect(await retrieveHashes()).toEqual([]);
  });

  it('answers 404 with required:true when nothing was deleted anywhere', async () => {
    const messages = ['B'.repeat(43)];
    const a = await call(entry(), 'delete', signed({ method: 'delete', messages }, { messages, required: true }));
    expect(a.status).toBe(404);
    expect(a.json.swarm).toBeDefined();
    const plain = await call(entry(), 'delete', signed({ method: 'delete', messages }, { messages }));
    expect(plain.status).toBe(200);
  });

  it('rejects bad signatures and bad hashes', async () => {
    const messages = ['C'.repeat(43)];
    const wrong = await call(entry(), 'delete', signed({ method: 'delete', messages: ['D'.repeat(43)] }, { messages }));
    expect([wrong.status, wrong.text]).toEqual([401, 'delete_msgs signature verification failed']);
    const badHash = await call(entry(), 'delete', signed({ method: 'delete', messages }, { messages: ['xyz'] }));
    expect([badHash.status, badHash.text]).toEqual([400, 'invalid request: invalid message hash: xyz']);
    const empty = await call(entry(), 'delete', signed({ method: 'delete', messages }, { messages: [] }));
    expect(empty.text).toBe('invalid request: messages does not contain any message hashes');
    const noSig = await call(entry(), 'delete', { pubkey: alice.sessionId, messages });
    expect(noSig.text).toBe("invalid request: Required field 'signature' missing");
    const types = await call(entry(), 'delete', signed({ method: 'delete', messages }, { messages: [1] }));
    expect(types.text).toBe("invalid request: Invalid value given for 'messages': expected string array");
  });

  it('answers 421 from the wrong swarm', async () => {
    const messages = ['C'.repeat(43)];
    const a = await call(net.members(SWARM_B)[0]!, 'delete', signed({ method: 'delete', messages }, { messages }));
    expect(a.status).toBe(421);
  });
});

describe('delete_all', () => {
  it('deletes one namespace, or all of them as a per-namespace map', async () => {
    const h0 = await storeAt(0, 'zero');
    const h2 = await storeAt(2, 'two');
    const h3 = await storeAt(3, 'three');

    const one = await call(entry(), 'delete_all', signed({ method: 'delete_all', namespace: 2, timestamp: NOW }, { namespace: 2, timestamp: NOW }));
    expect(one.status).toBe(200);
    for (const m of swarmA()) {
      const e = one.json.swarm[m.ed25519Hex];
      expect(e.deleted).toEqual([h2]);
      expect(nodeSigned(m.ed25519Hex, alice.sessionId + NOW + h2, e.signature)).toBe(true);
    }

    const all = await call(entry(), 'delete_all', signed({ method: 'delete_all', namespace: 'all', timestamp: NOW }, { namespace: 'all', timestamp: NOW }));
    expect(all.status).toBe(200);
    const sorted = [h0, h3].sort();
    for (const m of swarmA()) {
      const e = all.json.swarm[m.ed25519Hex];
      expect(e.deleted).toEqual({ '0': [h0], '3': [h3] });
      expect(nodeSigned(m.ed25519Hex, alice.sessionId + NOW + sorted.join(''), e.signature)).toBe(true);
    }
    expect(await retrieveHashes()).toEqual([]);
  });

  it('defaults to namespace 0 and checks its clock (60 s, 70 s when forwarded)', async () => {
    const h0 = await storeAt(0, 'zero');
    await storeAt(5, 'five');
    const a = await call(entry(), 'delete_all', signed({ method: 'delete_all', namespace: 0, timestamp: NOW }, { timestamp: NOW }));
    expect(a.json.swarm[swarmA()[0]!.ed25519Hex].deleted).toEqual([h0]);

    const old = NOW - MINUTE - 1;
    const stale = await call(entry(), 'delete_all', signed({ method: 'delete_all', namespace: 0, timestamp: old }, { timestamp: old }));
    expect([stale.status, stale.text]).toEqual([406, 'delete_all timestamp too far from current time']);

    const peer = net.members(SWARM_A)[1]!;
    const at = (ts: number) => signed({ method: 'delete_all', namespace: 0, timestamp: ts }, { pubkey: alice.sessionId, timestamp: ts });
    const forwarded65 = await peer.handleForwarded('delete_all', at(NOW - 65_000));
    expect(forwarded65.deleted).toEqual([]);
    const forwarded71 = await peer.handleForwarded('delete_all', at(NOW - 71_000));
    expect(forwarded71).toEqual({ failed: true, code: '406', reason: 'delete_all timestamp too far from current time' });
  });

  it('rejects a wrong signature and a wrong namespace type', async () => {
    const a = await call(entry(), 'delete_all', signed({ method: 'delete_all', namespace: 'all', timestamp: NOW }, { timestamp: NOW }));
    expect([a.status, a.text]).toEqual([401, 'delete_all signature verification failed']);
    const ns = await call(entry(), 'delete_all', signed({ method: 'delete_all', namespace: 0, timestamp: NOW }, { timestamp: NOW, namespace: 'every' }));
    expect(ns.text).toBe('invalid request: Invalid value given for \'namespace\': expected integer or "all"');
    const missing = await call(entry(), 'delete_all', signed({ method: 'delete_all', namespace: 0, timestamp: NOW }, {}));
    expect(missing.text).toBe("invalid request: Required field 'timestamp' missing");
  });
});

describe('delete_before', () => {
  it('deletes messages stored at or before the time', async () => {
    const early = await storeAt(0, 'early', NOW - 5_000);
    const late = await storeAt(0, 'late', NOW);
    const before = NOW - 5_000;
    const a = await call(entry(), 'delete_before', signed({ method: 'delete_before', namespace: 0, before }, { before }));
    expect(a.status).toBe(200);
    for (const m of swarmA()) {
      const e = a.json.swarm[m.ed25519Hex];
      expect(e.deleted).toEqual([early]);
      expect(nodeSigned(m.ed25519Hex, alice.sessionId + before + early, e.signature)).toBe(true);
    }
    expect(await retrieveHashes()).toEqual([late]);

    const all = await call(entry(), 'delete_before', signed({ method: 'delete_before', namespace: 'all', before: NOW }, { before: NOW, namespace: 'all' }));
    expect(all.json.swarm[swarmA()[0]!.ed25519Hex].deleted).toEqual({ '0': [late] });
  });

  it('refuses a time over a minute ahead with 401', async () => {
    const before = NOW + MINUTE + 1;
    const a = await call(entry(), 'delete_before', signed({ method: 'delete_before', namespace: 0, before }, { before }));
    expect([a.status, a.text]).toEqual([401, 'delete_before timestamp too far in the future']);
    const bad = await call(entry(), 'delete_before', signed({ method: 'delete_before', namespace: 2, before: NOW }, { before: NOW }));
    expect([bad.status, bad.text]).toEqual([401, 'delete_before signature verification failed']);
  });
});

describe('expire', () => {
  it('sets one expiry, clamped to 30 days, and signs what it applied', async () => {
    const h = await storeAt(0, 'e');
    const expiry = NOW + 40 * DAY;
    const messages = [h];
    const a = await call(entry(), 'expire', signed({ method: 'expire', messages, expiry }, { messages, expiry }));
    expect(a.status).toBe(200);
    const applied = NOW + 30 * DAY;
    for (const m of swarmA()) {
      const e = a.json.swarm[m.ed25519Hex];
      expect(e).toMatchObject({ expiry: applied, updated: [h] });
      expect(e.unchanged).toBeUndefined();
      expect(nodeSigned(m.ed25519Hex, alice.sessionId + applied + h + h, e.signature)).toBe(true);
    }
    const ge = await call(entry(), 'get_expiries', signed({ method: 'get_expiries', messages, timestamp: NOW }, { messages, timestamp: NOW }));
    expect(ge.json).toEqual({ expiries: { [h]: applied } });
  });

  it('only shortens with shorten, only extends with extend, and lists the unchanged', async () => {
    const h = await storeAt(0, 'x'); // expires NOW + DAY
    const messages = [h];
    const later = NOW + 2 * DAY;
    const shorten = await call(entry(), 'expire', signed({ method: 'expire', messages, expiry: later, shorten: true }, { messages, expiry: later, shorten: true }));
    const e = shorten.json.swarm[swarmA()[1]!.ed25519Hex];
    expect(e).toMatchObject({ updated: [], unchanged: { [h]: NOW + DAY }, expiry: later });
    expect(nodeSigned(swarmA()[1]!.ed25519Hex, alice.sessionId + later + h + h + (NOW + DAY), e.signature)).toBe(true);

    const extend = await call(entry(), 'expire', signed({ method: 'expire', messages, expiry: later, extend: true }, { messages, expiry: later, extend: true }));
    expect(extend.json.swarm[swarmA()[0]!.ed25519Hex]).toMatchObject({ updated: [h], unchanged: {} });

    const both = await call(entry(), 'expire', signed({ method: 'expire', messages, expiry: later }, { messages, expiry: later, extend: true, shorten: true }));
    expect(both.text).toBe("invalid request: cannot specify both 'shorten' and 'extend'");
  });

  it('needs hardfork 19.4 for one expiry per message', async () => {
    const h1 = await storeAt(0, 'a');
    const h2 = await storeAt(0, 'b');
    const messages = [h1, h2];
    const expiry = [NOW + DAY / 2, NOW + DAY / 3];
    const params = signed({ method: 'expire', messages, expiry }, { messages, expiry });
    const a = await call(entry(), 'expire', params);
    expect([a.status, a.text]).toEqual([403, 'expire: multi-expiry requests are not yet active on the network']);

    const newer = makeNetwork([19, 4]);
    try {
      const node = newer.members(SWARM_A)[0]!;
      for (const text of ['a', 'b']) {
        await call(node, 'store', { pubkey: alice.sessionId, timestamp: NOW, ttl: DAY, data: b64(text) });
      }
      const ok = await call(node, 'expire', params);
      expect(ok.status).toBe(200);
      const mine = ok.json.swarm[newer.records.find((r) => r.swarmId === SWARM_A)!.ed25519Hex];
      const pairs = [[h1, expiry[0]!], [h2, expiry[1]!]].sort((x, y) => (String(x[0]) < String(y[0]) ? -1 : 1));
      expect(mine.updated).toEqual(pairs.map((p) => p[0]));
      expect(mine.expiry).toEqual(pairs.map((p) => p[1]));
      expect(ok.json.hf).toEqual([19, 4]);
    } finally {
      newer.close();
    }
  });

  it('refuses an expiry over a minute in the past with 401, and checks its parameters', async () => {
    const h = await storeAt(0, 'p');
    const messages = [h];
    const expiry = NOW - MINUTE - 1;
    const a = await call(entry(), 'expire', signed({ method: 'expire', messages, expiry }, { messages, expiry }));
    expect([a.status, a.text]).toEqual([401, 'expire: timestamp should be >= current time']);
    const bad = await call(entry(), 'expire', signed({ method: 'expire', messages, expiry: NOW + 1 }, { messages, expiry: NOW + 2 }));
    expect([bad.status, bad.text]).toEqual([401, 'expire: signature verification failed']);
    const mismatch = await call(entry(), 'expire', signed({ method: 'expire', messages, expiry: NOW }, { messages, expiry: [NOW, NOW, NOW] }));
    expect(mismatch.text).toBe("invalid request: 'expiry' must be a single expiry, or the same length as 'messages'");
    const none = await call(entry(), 'expire', signed({ method: 'expire', messages, expiry: NOW }, { messages, expiry: [] }));
    expect(none.text).toBe("invalid request: 'expiry' does not contain any expiration timestamps");
    const strType = await call(entry(), 'expire', signed({ method: 'expire', messages, expiry: NOW }, { messages, expiry: 'soon' }));
    expect(strType.text).toBe("invalid request: Invalid value given for 'expiry': expected timestamp array");
  });
});

describe('expire_all', () => {
  it('only shortens, per namespace or across all', async () => {
    const h0 = await storeAt(0, 'a'); // NOW + DAY
    const h2 = await storeAt(2, 'b');
    const expiry = NOW + DAY / 2;
    const a = await call(entry(), 'expire_all', signed({ method: 'expire_all', namespace: 'all', expiry }, { namespace: 'all', expiry }));
    expect(a.status).toBe(200);
    const sorted = [h0, h2].sort();
    for (const m of swarmA()) {
      const e = a.json.swarm[m.ed25519Hex];
      expect(e.updated).toEqual({ '0': [h0], '2': [h2] });
      expect(nodeSigned(m.ed25519Hex, alice.sessionId + expiry + sorted.join(''), e.signature)).toBe(true);
    }
    const later = NOW + DAY;
    const b = await call(entry(), 'expire_all', signed({ method: 'expire_all', namespace: 0, expiry: later }, { expiry: later }));
    expect(b.json.swarm[swarmA()[0]!.ed25519Hex].updated).toEqual([]);
  });

  it('refuses an expiry over 60 s past with 406 (70 s forwarded)', async () => {
    const expiry = NOW - 61_000;
    const a = await call(entry(), 'expire_all', signed({ method: 'expire_all', namespace: 0, expiry }, { expiry }));
    expect([a.status, a.text]).toEqual([406, 'expire_all timestamp should be >= current time']);
    const peer = net.members(SWARM_A)[2]!;
    const fwd = await peer.handleForwarded('expire_all', signed({ method: 'expire_all', namespace: 0, expiry }, { pubkey: alice.sessionId, expiry }));
    expect(fwd.updated).toEqual([]);
  });
});

describe('get_expiries', () => {
  it('answers expiries without t/hf and checks its clock', async () => {
    const h = await storeAt(0, 'g');
    const messages = [h, 'not-a-hash'];
    const a = await call(entry(), 'get_expiries', signed({ method: 'get_expiries', messages: [h], timestamp: NOW }, { messages: [h], timestamp: NOW }));
    expect(a.text).toBe(`{"expiries":{"${h}":${NOW + DAY}}}`);
    const stale = NOW - MINUTE - 1;
    const old = await call(entry(), 'get_expiries', signed({ method: 'get_expiries', messages: [h], timestamp: stale }, { messages: [h], timestamp: stale }));
    expect([old.status, old.text]).toEqual([406, 'get_expiries timestamp too far from current time']);
    // The server does not check the hashes' form here; such a request just finds nothing to sign for.
    const odd = await call(entry(), 'get_expiries', signed({ method: 'get_expiries', messages: [h], timestamp: NOW }, { messages, timestamp: NOW }));
    expect(odd.status).toBe(401);
    const wrongSwarm = await call(net.members(SWARM_B)[0]!, 'get_expiries', signed({ method: 'get_expiries', messages: [h], timestamp: NOW }, { messages: [h], timestamp: NOW }));
    expect(wrongSwarm.status).toBe(421);
  });
});

describe('forwarded requests', () => {
  it('apply on the peer and answer its own entry', async () => {
    const peer = net.members(SWARM_A)[1]!;
    const fwd = await peer.handleForwarded('store', { pubkey: alice.sessionId, timestamp: NOW, expiry: NOW + DAY, data: b64('direct') });
    expect(Object.keys(fwd).sort()).toEqual(['expiry', 'hash', 'signature']);
  });

  it('report failures as entries instead of throwing', async () => {
    const peer = net.members(SWARM_A)[1]!;
    expect(await peer.handleForwarded('retrieve', { pubkey: alice.sessionId, namespace: -10 })).toEqual({
      failed: true,
      code: '400',
      reason: 'invalid request: received invalid forwarded non-forwardable request',
    });
    expect(await peer.handleForwarded('store', {})).toEqual({
      failed: true,
      code: '400',
      reason: "invalid request: Required field 'timestamp' missing",
    });
    expect(await peer.handleForwarded('warp', {})).toEqual({ failed: true, timeout: true });
    const elsewhere = await net.members(SWARM_B)[0]!.handleForwarded('store', {
      pubkey: alice.sessionId,
      timestamp: NOW,
      expiry: NOW + DAY,
      data: b64('x'),
    });
    expect(elsewhere).toMatchObject({ failed: true, code: '421' });
    expect(JSON.parse(String(elsewhere.reason)).swarm).toBe('400000000000000');
    void bob;
  });
});
