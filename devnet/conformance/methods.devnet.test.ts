/**
 * Conformance, success shapes: every storage method answered through real 3-hop onions, checked
 * against network-protocol.md §1.3 and §3.4 (fields, types, and each swarm member's Ed25519
 * signature over the string the spec names).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Identity } from '../../wasm/identity.ts';
import { ready } from '../../wasm/sodium.ts';
import { messageHash, signedRetrieveParams } from '../../wasm/storage.ts';
import { formatSwarmId, nearestSwarm } from '../../wasm/swarm.ts';
import { utf8 } from '../../wasm/bytes.ts';
import type { DevnetNodeInfo } from '../devnet.ts';
import { startTestDevnet, type TestDevnet } from '../testing/test-devnet.ts';
import { authFields, b64, ConformanceClient, inboxStore, newAccount, nodeSigned, signedStore } from './client.ts';

const HASH = /^[A-Za-z0-9+/]{43}$/;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let net: TestDevnet;
let client: ConformanceClient;

beforeAll(async () => {
  await ready();
  net = await startTestDevnet({ rateLimit: false });
  client = new ConformanceClient(net);
});
afterAll(() => net?.stop());

/** A fresh account, its swarm, and the member used as the entry node. */
async function freshAccount(): Promise<{ account: Identity; members: DevnetNodeInfo[]; entry: DevnetNodeInfo }> {
  const account = newAccount();
  const members = await client.swarmOf(account);
  return { account, members, entry: members[0]! };
}

async function storeInbox(account: Identity, entry: DevnetNodeInfo, text: string, ttl = HOUR, timestamp = client.now()) {
  const answer = await client.call(entry, 'store', inboxStore(account, text, timestamp, ttl));
  expect(answer.status, answer.body).toBe(200);
  return { hash: answer.json.hash as string, timestamp, expiry: timestamp + ttl };
}

async function retrieveAll(account: Identity, target: DevnetNodeInfo, namespace = 0) {
  const answer = await client.call(target, 'retrieve', signedRetrieveParams(account, { namespace, timestamp: client.now() }));
  expect(answer.status, answer.body).toBe(200);
  return answer.json as { messages: Array<{ hash: string; timestamp: number; expiration: number; data: string }>; more: boolean };
}

/** Every member of the swarm has an entry, and each entry passes `check`. */
function expectSwarmMap(swarm: Record<string, any>, members: readonly DevnetNodeInfo[], check: (key: string, entry: any) => void): void {
  expect(Object.keys(swarm).sort()).toEqual(members.map((m) => m.ed25519Hex).sort());
  for (const [key, entry] of Object.entries(swarm)) check(key, entry);
}

function expectMisc(json: any): void {
  expect(typeof json.t).toBe('number');
  expect(Math.abs(json.t - client.now())).toBeLessThan(10_000);
  expect(json.hf).toEqual([19, 3]);
}

describe('store', () => {
  it('answers the top-level hash, t, hf and a swarm map signed by every member', async () => {
    const { account, members, entry } = await freshAccount();
    const timestamp = client.now();
    const answer = await client.call(entry, 'store', inboxStore(account, 'hello swarm', timestamp, HOUR));
    expect(answer.status).toBe(200);
    const json = answer.json;
    expect(Object.keys(json).sort()).toEqual(['hash', 'hf', 'swarm', 't']);
    expect(json.hash).toMatch(HASH);
    expect(json.hash).toBe(messageHash(account.sessionId, 0, utf8('hello swarm')));
    expectMisc(json);
    expect(members.length).toBeGreaterThanOrEqual(2);
    expectSwarmMap(json.swarm, members, (key, e) => {
      expect(e.hash).toBe(json.hash);
      expect(e.expiry).toBe(timestamp + HOUR);
      expect(e.already).toBeUndefined();
      expect(nodeSigned(key, json.hash, e.signature)).toBe(true);
      // Another node's key does not verify it: the signature is the member's own.
      const other = members.find((m) => m.ed25519Hex !== key)!;
      expect(nodeSigned(other.ed25519Hex, json.hash, e.signature)).toBe(false);
      // Only the entry node's own entry carries `t`.
      if (key === entry.ed25519Hex) expect(Object.keys(e).sort()).toEqual(['expiry', 'hash', 'signature', 't']);
      else expect(Object.keys(e).sort()).toEqual(['expiry', 'hash', 'signature']);
    });
  });

  it('hashes the namespace into the message hash and accepts a signed store to a private namespace', async () => {
    const { account, members, entry } = await freshAccount();
    const answer = await client.call(entry, 'store', signedStore(account, 'config blob', 2, client.now(), 30 * DAY));
    expect(answer.status, answer.body).toBe(200);
    expect(answer.json.hash).toBe(messageHash(account.sessionId, 2, utf8('config blob')));
    expect(answer.json.hash).not.toBe(messageHash(account.sessionId, 0, utf8('config blob')));
    expectSwarmMap(answer.json.swarm, members, (key, e) => expect(nodeSigned(key, answer.json.hash, e.signature)).toBe(true));
  });

  it('ignores a signature that does not verify on a public-inbox store', async () => {
    const { account, entry } = await freshAccount();
    const timestamp = client.now();
    const foreign = authFields(newAccount(), { method: 'store', namespace: 0, timestamp });
    const answer = await client.call(entry, 'store', { ...inboxStore(account, 'signed by a stranger', timestamp), signature: foreign.signature });
    expect(answer.status, answer.body).toBe(200);
    expect(answer.json.hash).toBe(messageHash(account.sessionId, 0, utf8('signed by a stranger')));
  });

  it('takes an absolute expiry instead of a ttl, and a timestamp as a decimal string', async () => {
    const { account, entry } = await freshAccount();
    const timestamp = client.now();
    const answer = await client.call(entry, 'store', {
      pubkey: account.sessionId,
      timestamp: String(timestamp),
      expiry: timestamp + 2 * HOUR,
      data: b64('expiry form'),
    });
    expect(answer.status, answer.body).toBe(200);
    for (const e of Object.values<any>(answer.json.swarm)) expect(e.expiry).toBe(timestamp + 2 * HOUR);
  });
});

describe('retrieve', () => {
  it('answers messages with hash, timestamp, expiration and data in insertion order, more, t and hf', async () => {
    const { account, entry } = await freshAccount();
    const first = await storeInbox(account, entry, 'first', HOUR);
    const second = await storeInbox(account, entry, 'second', 2 * HOUR);
    const json = await retrieveAll(account, entry);
    expect(Object.keys(json).sort()).toEqual(['hf', 'messages', 'more', 't']);
    expectMisc(json);
    expect(json.more).toBe(false);
    expect(json.messages).toEqual([
      { hash: first.hash, timestamp: first.timestamp, expiration: first.expiry, data: b64('first') },
      { hash: second.hash, timestamp: second.timestamp, expiration: second.expiry, data: b64('second') },
    ]);
  });

  it('keeps namespaces apart and reads the public outbox without a signature', async () => {
    const { account, entry } = await freshAccount();
    await storeInbox(account, entry, 'in the inbox');
    const outbox = await client.call(entry, 'store', signedStore(account, 'outbox one', -1, client.now()));
    expect(outbox.status, outbox.body).toBe(200);
    expect((await retrieveAll(account, entry, 0)).messages.map((m) => m.data)).toEqual([b64('in the inbox')]);
    const unsigned = await client.call(entry, 'retrieve', { pubkey: account.sessionId, namespace: -1 });
    expect(unsigned.status, unsigned.body).toBe(200);
    expect(unsigned.json.messages.map((m: any) => m.hash)).toEqual([outbox.json.hash]);
    // A public outbox keeps only the owner's latest message.
    const replacement = await client.call(entry, 'store', signedStore(account, 'outbox two', -1, client.now()));
    expect(replacement.status, replacement.body).toBe(200);
    const after = await client.call(entry, 'retrieve', { pubkey: account.sessionId, namespace: -1 });
    expect(after.json.messages.map((m: any) => m.hash)).toEqual([replacement.json.hash]);
  });
});

describe('delete', () => {
  it('deletes listed hashes on every member; each entry signs pubkey + requested + deleted', async () => {
    const { account, members, entry } = await freshAccount();
    const keep = await storeInbox(account, entry, 'keep me');
    const drop = await storeInbox(account, entry, 'drop me');
    const unknown = messageHash(account.sessionId, 0, utf8('never stored'));
    const messages = [unknown, drop.hash];
    const answer = await client.call(members[1]!, 'delete', { ...authFields(account, { method: 'delete', messages }), messages });
    expect(answer.status, answer.body).toBe(200);
    expectMisc(answer.json);
    expectSwarmMap(answer.json.swarm, members, (key, e) => {
      expect(Object.keys(e).sort()).toEqual(['deleted', 'signature']);
      expect(e.deleted).toEqual([drop.hash]);
      expect(nodeSigned(key, account.sessionId + messages.join('') + drop.hash, e.signature)).toBe(true);
    });
    for (const member of members) {
      expect((await retrieveAll(account, member)).messages.map((m) => m.hash)).toEqual([keep.hash]);
    }
  });
});

describe('delete_all', () => {
  it('with a namespace number: deletes that namespace, entries list sorted hashes signed over pubkey + timestamp + hashes', async () => {
    const { account, members, entry } = await freshAccount();
    const a = await storeInbox(account, entry, 'a');
    const b = await storeInbox(account, entry, 'b');
    const config = await client.call(entry, 'store', signedStore(account, 'ns2', 2, client.now()));
    expect(config.status).toBe(200);
    const timestamp = client.now();
    const answer = await client.call(entry, 'delete_all', {
      ...authFields(account, { method: 'delete_all', namespace: 0, timestamp }),
      namespace: 0,
      timestamp,
    });
    expect(answer.status, answer.body).toBe(200);
    expectMisc(answer.json);
    const sorted = [a.hash, b.hash].sort();
    expectSwarmMap(answer.json.swarm, members, (key, e) => {
      expect(e.deleted).toEqual(sorted);
      expect(nodeSigned(key, account.sessionId + timestamp + sorted.join(''), e.signature)).toBe(true);
    });
    expect((await retrieveAll(account, entry, 0)).messages).toEqual([]);
    expect((await retrieveAll(account, entry, 2)).messages).toHaveLength(1);
  });

  it('with "all": entries map namespace → hashes, signed over every deleted hash sorted together', async () => {
    const { account, members, entry } = await freshAccount();
    const inbox = await storeInbox(account, entry, 'inbox');
    const ns2 = await client.call(entry, 'store', signedStore(account, 'two', 2, client.now()));
    const ns5 = await client.call(entry, 'store', signedStore(account, 'five', 5, client.now()));
    const timestamp = client.now();
    const answer = await client.call(members[1]!, 'delete_all', {
      ...authFields(account, { method: 'delete_all', namespace: 'all', timestamp }),
      namespace: 'all',
      timestamp,
    });
    expect(answer.status, answer.body).toBe(200);
    const all = [inbox.hash, ns2.json.hash, ns5.json.hash].sort();
    expectSwarmMap(answer.json.swarm, members, (key, e) => {
      expect(e.deleted).toEqual({ '0': [inbox.hash], '2': [ns2.json.hash], '5': [ns5.json.hash] });
      expect(nodeSigned(key, account.sessionId + timestamp + all.join(''), e.signature)).toBe(true);
    });
    for (const ns of [0, 2, 5]) expect((await retrieveAll(account, members[2] ?? entry, ns)).messages).toEqual([]);
  });
});

describe('delete_before', () => {
  it('deletes messages stamped at or before `before`, signed over pubkey + before + hashes', async () => {
    const { account, members, entry } = await freshAccount();
    const now = client.now();
    const old = await storeInbox(account, entry, 'old', HOUR, now - 5000);
    const edge = await storeInbox(account, entry, 'edge', HOUR, now - 3000);
    const fresh = await storeInbox(account, entry, 'fresh', HOUR, now);
    const before = now - 3000;
    const answer = await client.call(entry, 'delete_before', {
      ...authFields(account, { method: 'delete_before', namespace: 0, before }),
      namespace: 0,
      before,
    });
    expect(answer.status, answer.body).toBe(200);
    expectMisc(answer.json);
    const sorted = [old.hash, edge.hash].sort();
    expectSwarmMap(answer.json.swarm, members, (key, e) => {
      expect(e.deleted).toEqual(sorted);
      expect(nodeSigned(key, account.sessionId + before + sorted.join(''), e.signature)).toBe(true);
    });
    expect((await retrieveAll(account, entry)).messages.map((m) => m.hash)).toEqual([fresh.hash]);
  });
});

describe('expire', () => {
  it('plain: sets the expiry; entries carry expiry, updated, no unchanged, signed over pubkey + expiry + requested + updated', async () => {
    const { account, members, entry } = await freshAccount();
    const m = await storeInbox(account, entry, 'to expire', HOUR);
    const expiry = client.now() + 2 * HOUR;
    const messages = [m.hash];
    const answer = await client.call(entry, 'expire', { ...authFields(account, { method: 'expire', messages, expiry }), messages, expiry });
    expect(answer.status, answer.body).toBe(200);
    expectMisc(answer.json);
    expectSwarmMap(answer.json.swarm, members, (key, e) => {
      expect(Object.keys(e).sort()).toEqual(['expiry', 'signature', 'updated']);
      expect(e.expiry).toBe(expiry);
      expect(e.updated).toEqual([m.hash]);
      expect(nodeSigned(key, account.sessionId + expiry + m.hash + m.hash, e.signature)).toBe(true);
    });
    expect((await retrieveAll(account, members[1]!)).messages[0]!.expiration).toBe(expiry);
  });

  it('shorten: only later expiries move; the rest is reported unchanged with its expiry and signed', async () => {
    const { account, members, entry } = await freshAccount();
    const long = await storeInbox(account, entry, 'long', 2 * HOUR);
    const short = await storeInbox(account, entry, 'short', 10 * 60_000);
    const expiry = client.now() + 30 * 60_000;
    const messages = [long.hash, short.hash];
    const answer = await client.call(entry, 'expire', {
      ...authFields(account, { method: 'expire', messages, expiry, shorten: true }),
      messages,
      expiry,
      shorten: true,
    });
    expect(answer.status, answer.body).toBe(200);
    expectSwarmMap(answer.json.swarm, members, (key, e) => {
      expect(e.updated).toEqual([long.hash]);
      expect(e.unchanged).toEqual({ [short.hash]: short.expiry });
      const signed = account.sessionId + expiry + messages.join('') + long.hash + short.hash + short.expiry;
      expect(nodeSigned(key, signed, e.signature)).toBe(true);
    });
  });

  it('extend: only earlier expiries move', async () => {
    const { account, members, entry } = await freshAccount();
    const soon = await storeInbox(account, entry, 'soon', 10 * 60_000);
    const late = await storeInbox(account, entry, 'late', 5 * HOUR);
    const expiry = client.now() + 3 * HOUR;
    const messages = [late.hash, soon.hash];
    const answer = await client.call(entry, 'expire', {
      ...authFields(account, { method: 'expire', messages, expiry, extend: true }),
      messages,
      expiry,
      extend: true,
    });
    expect(answer.status, answer.body).toBe(200);
    expectSwarmMap(answer.json.swarm, members, (key, e) => {
      expect(e.expiry).toBe(expiry);
      expect(e.updated).toEqual([soon.hash]);
      expect(e.unchanged).toEqual({ [late.hash]: late.expiry });
      const signed = account.sessionId + expiry + messages.join('') + soon.hash + late.hash + late.expiry;
      expect(nodeSigned(key, signed, e.signature)).toBe(true);
    });
  });

  it('clamps an expiry past 30 days to now + 30 days', async () => {
    const { account, entry } = await freshAccount();
    const m = await storeInbox(account, entry, 'clamped');
    const expiry = client.now() + 40 * DAY;
    const messages = [m.hash];
    const before = client.now();
    const answer = await client.call(entry, 'expire', { ...authFields(account, { method: 'expire', messages, expiry }), messages, expiry });
    expect(answer.status, answer.body).toBe(200);
    for (const e of Object.values<any>(answer.json.swarm)) {
      expect(e.expiry).toBeGreaterThanOrEqual(before + 30 * DAY);
      expect(e.expiry).toBeLessThanOrEqual(client.now() + 30 * DAY);
    }
  });
});

describe('expire_all', () => {
  it('only shortens; entries list updated hashes signed over pubkey + expiry + hashes', async () => {
    const { account, members, entry } = await freshAccount();
    const long = await storeInbox(account, entry, 'long', 2 * HOUR);
    await storeInbox(account, entry, 'short', 10 * 60_000);
    const expiry = client.now() + HOUR;
    const answer = await client.call(members[1]!, 'expire_all', {
      ...authFields(account, { method: 'expire_all', namespace: 0, expiry }),
      namespace: 0,
      expiry,
    });
    expect(answer.status, answer.body).toBe(200);
    expectMisc(answer.json);
    expectSwarmMap(answer.json.swarm, members, (key, e) => {
      expect(e.updated).toEqual([long.hash]);
      expect(nodeSigned(key, account.sessionId + expiry + long.hash, e.signature)).toBe(true);
    });
  });

  it('with "all": updated is a namespace map', async () => {
    const { account, members, entry } = await freshAccount();
    const inbox = await storeInbox(account, entry, 'inbox', 2 * HOUR);
    const ns2 = await client.call(entry, 'store', signedStore(account, 'two', 2, client.now(), 2 * HOUR));
    const expiry = client.now() + HOUR;
    const answer = await client.call(entry, 'expire_all', {
      ...authFields(account, { method: 'expire_all', namespace: 'all', expiry }),
      namespace: 'all',
      expiry,
    });
    expect(answer.status, answer.body).toBe(200);
    const all = [inbox.hash, ns2.json.hash].sort();
    expectSwarmMap(answer.json.swarm, members, (key, e) => {
      expect(e.updated).toEqual({ '0': [inbox.hash], '2': [ns2.json.hash] });
      expect(nodeSigned(key, account.sessionId + expiry + all.join(''), e.signature)).toBe(true);
    });
  });
});

describe('get_expiries', () => {
  it('answers {expiries: {hash: ms}} for known hashes only, without t or hf', async () => {
    const { account, members, entry } = await freshAccount();
    const m = await storeInbox(account, entry, 'how long');
    const messages = [m.hash, messageHash(account.sessionId, 0, utf8('not stored'))];
    const timestamp = client.now();
    const answer = await client.call(members[1]!, 'get_expiries', {
      ...authFields(account, { method: 'get_expiries', messages, timestamp }),
      messages,
      timestamp,
    });
    expect(answer.status, answer.body).toBe(200);
    expect(answer.json).toEqual({ expiries: { [m.hash]: m.expiry } });
  });
});

describe('get_swarm', () => {
  it('names the swarm of §2 with every member in the documented shape, port as a string; any node answers', async () => {
    const account = newAccount();
    const ids = [...new Set(client.nodes.map((n) => BigInt(n.swarmId)))];
    const expected = nearestSwarm(ids, account.sessionId);
    const members = client.nodes.filter((n) => BigInt(n.swarmId) === expected);
    for (const asked of [members[0]!, client.nodes.find((n) => BigInt(n.swarmId) !== expected)!]) {
      const answer = await client.call(asked, 'get_swarm', { pubkey: account.sessionId });
      expect(answer.status, answer.body).toBe(200);
      const json = answer.json;
      expect(Object.keys(json).sort()).toEqual(['hf', 'snodes', 'swarm', 't']);
      expectMisc(json);
      expect(json.swarm).toBe(formatSwarmId(expected));
      expect(json.snodes.map((s: any) => s.pubkey_ed25519).sort()).toEqual(members.map((m) => m.ed25519Hex).sort());
      for (const s of json.snodes) {
        const node = members.find((m) => m.ed25519Hex === s.pubkey_ed25519)!;
        expect(Object.keys(s).sort()).toEqual([
          'address',
          'ip',
          'port',
          'port_https',
          'port_omq',
          'port_quic',
          'pubkey_ed25519',
          'pubkey_legacy',
          'pubkey_x25519',
        ]);
        expect(s.address).toMatch(/^[ybndrfg8ejkmcpqxot1uwisza345h769]{52}\.snode$/);
        expect(s.port).toBe(String(node.httpsPort));
        expect(s.port_https).toBe(node.httpsPort);
        expect(s.port_omq).toBe(node.omqPort);
        expect(s.port_quic).toBe(node.omqPort);
        expect(s.ip).toBe('127.0.0.1');
        expect(s.pubkey_x25519).toBe(node.x25519Hex);
        expect(s.pubkey_legacy).toMatch(/^[0-9a-f]{64}$/);
      }
    }
  });

  it('answers the alias get_snodes_for_pubkey and the pubKey spelling the same way', async () => {
    const account = newAccount();
    const asked = client.nodes[3]!;
    const plain = await client.call(asked, 'get_swarm', { pubkey: account.sessionId });
    const alias = await client.call(asked, 'get_snodes_for_pubkey', { pubKey: account.sessionId });
    expect(alias.status).toBe(200);
    expect(alias.json.swarm).toBe(plain.json.swarm);
    expect(alias.json.snodes).toEqual(plain.json.snodes);
  });
});

describe('info and oxend_request', () => {
  it('info answers version, timestamp, t and hf', async () => {
    const answer = await client.call(client.nodes[0]!, 'info', {});
    expect(answer.status).toBe(200);
    expect(Object.keys(answer.json).sort()).toEqual(['hf', 't', 'timestamp', 'version']);
    expect(answer.json.version).toEqual([2, 8, 0]);
    expect(answer.json.timestamp).toBe(answer.json.t);
    expectMisc(answer.json);
    // Clients' JSON-RPC keys are ignored and the answer is not JSON-RPC-wrapped.
    const wrapped = await client.send(client.nodes[2]!, { jsonrpc: '2.0', id: 7, method: 'info', params: {} });
    expect(wrapped.status).toBe(200);
    expect(Object.keys(wrapped.json).sort()).toEqual(['hf', 't', 'timestamp', 'version']);
  });

  it('oxend_request get_service_nodes lists every node with the fields desktop asks for', async () => {
    const fields = { public_ip: true, storage_port: true, pubkey_x25519: true, pubkey_ed25519: true };
    const answer = await client.call(client.nodes[1]!, 'oxend_request', {
      endpoint: 'get_service_nodes',
      params: { active_only: true, fields },
    });
    expect(answer.status, answer.body).toBe(200);
    expect(Object.keys(answer.json).sort()).toEqual(['hf', 'result', 't']);
    expectMisc(answer.json);
    const states = answer.json.result.service_node_states as any[];
    expect(states).toHaveLength(client.nodes.length);
    for (const node of client.nodes) {
      const state = states.find((s) => s.pubkey_ed25519 === node.ed25519Hex);
      expect(state).toEqual({ public_ip: '127.0.0.1', storage_port: node.httpsPort, pubkey_x25519: node.x25519Hex, pubkey_ed25519: node.ed25519Hex });
    }
  });
});

describe('batch and sequence', () => {
  it('batch answers one {code, body} per sub-request, in order, inside HTTP 200', async () => {
    const { account, entry } = await freshAccount();
    const stored = await storeInbox(account, entry, 'in a batch');
    const answer = await client.call(entry, 'batch', {
      requests: [
        { method: 'get_swarm', params: { pubkey: account.sessionId } },
        { method: 'retrieve', params: signedRetrieveParams(account, { namespace: 0, timestamp: client.now() }) },
        { method: 'info', params: {} },
        { method: 'retrieve', params: { pubkey: account.sessionId } },
      ],
    });
    expect(answer.status).toBe(200);
    expect(Object.keys(answer.json)).toEqual(['results']);
    const results = answer.json.results as Array<{ code: number; body: any }>;
    expect(results.map((r) => r.code)).toEqual([200, 200, 200, 401]);
    expect(results[0]!.body.snodes.map((s: any) => s.pubkey_ed25519)).toContain(entry.ed25519Hex);
    expect(results[1]!.body.messages.map((m: any) => m.hash)).toEqual([stored.hash]);
    expect(results[2]!.body.version).toEqual([2, 8, 0]);
    expect(results[3]!.body).toBe('retrieve: request signature required');
  });

  it('sequence runs in order, so a retrieve sees the store before it', async () => {
    const { account, members, entry } = await freshAccount();
    const answer = await client.call(entry, 'sequence', {
      requests: [
        { method: 'store', params: inboxStore(account, 'sent as desktop sends', client.now()) },
        { method: 'retrieve', params: signedRetrieveParams(account, { namespace: 0, timestamp: client.now() }) },
      ],
    });
    expect(answer.status).toBe(200);
    const [store, retrieve] = answer.json.results as Array<{ code: number; body: any }>;
    expect(store!.code).toBe(200);
    expect(store!.body.hash).toMatch(HASH);
    expect(Object.keys(store!.body.swarm)).toHaveLength(members.length);
    expect(retrieve!.code).toBe(200);
    expect(retrieve!.body.messages.map((m: any) => m.hash)).toEqual([store!.body.hash]);
  });
});
