/**
 * `storeMany`: several stores of one account in one `sequence` (the outbox's batches), within the
 * limits of a sequence and of the relay's body cap.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { expectCode } from '../../../test/expect-code.ts';
import { randomIdentity } from '../../../test/identities.ts';
import { MemoryNetStore } from '../../../test/memory-net-store.ts';
import { fakeNodes } from '../../../test/net-fakes.ts';
import { toBase64, utf8 } from '../../../wasm/bytes.ts';
import { buildOnionRequest } from '../../../wasm/onion/index.ts';
import { ready } from '../../../wasm/sodium.ts';
import { MAX_ONION_REQUEST_BYTES } from '../../shared/relay-api.ts';
import { NetworkTime } from './network-time.ts';
import type { OnionRequester, SnodeRpc } from './onion-request.ts';
import type { SnodePool } from './snode-pool.ts';
import { StorageClient, type StoreRequest } from './storage-client.ts';
import { MAX_MESSAGE_DATA_BASE64, MAX_STORE_SEQUENCE_DATA, MAX_SUBREQUESTS } from './storage-limits.ts';
import type { SwarmCache } from './swarms.ts';

const NOW = 1_750_000_000_000;
const hashOf = (i: number) => `${String(i).padStart(6, '0')}${'A'.repeat(37)}`;

beforeAll(ready);

/** A client whose one swarm member answers each sequence with `answer(stores)`. */
function setup(answer: (count: number) => unknown[]) {
  const [member] = fakeNodes(1);
  const sent: SnodeRpc[] = [];
  const requester = {
    async sendToSnode(_target: unknown, rpc: SnodeRpc) {
      sent.push(rpc);
      const count = (rpc.params['requests'] as unknown[]).length;
      return { status: 200, body: { results: answer(count) } };
    },
  } as unknown as OnionRequester;
  const client = new StorageClient({
    store: new MemoryNetStore(() => NOW),
    pool: { recordFailure: async () => undefined } as unknown as SnodePool,
    swarms: { members: async () => [member!] } as unknown as SwarmCache,
    requester,
    time: new NetworkTime(() => NOW),
    retryPolicy: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1, maxClockResyncs: 0, maxSwarmUpdates: 0, maxRelayWaitMs: 1 },
  });
  return { client, sent };
}

const stored = (count: number) => Array.from({ length: count }, (_, i) => ({ code: 200, body: { hash: hashOf(i), t: NOW + i } }));
const request = (data: string): StoreRequest => ({ namespace: 0, ttl: 3_600_000, dataBase64: data });

describe('StorageClient.storeMany', () => {
  it('sends one sequence of the stores in order and answers each hash and time', async () => {
    const { client, sent } = setup(stored);
    const bob = randomIdentity().sessionId;
    const results = await client.storeMany(bob, [request('AQ=='), request('Ag=='), request('Aw==')]);
    expect(results.map((r) => [r.hash, r.t])).toEqual([0, 1, 2].map((i) => [hashOf(i), NOW + i]));
    expect(sent).toHaveLength(1);
    expect(sent[0]!.method).toBe('sequence');
    const stores = sent[0]!.params['requests'] as { method: string; params: Record<string, unknown> }[];
    expect(stores.map((s) => [s.method, s.params['data'], s.params['pubkey']])).toEqual([
      ['store', 'AQ==', bob],
      ['store', 'Ag==', bob],
      ['store', 'Aw==', bob],
    ]);
  });

  it('an answer with fewer results than stores is a node that cut the sequence short', async () => {
    const { client } = setup((count) => stored(count - 1));
    await expectCode(client.storeMany(randomIdentity().sessionId, [request('AQ=='), request('Ag==')]), 'snode_unavailable');
  });

  it('at most 20 stores, and at most MAX_STORE_SEQUENCE_DATA characters of data together (one alone may be the largest)', async () => {
    const { client, sent } = setup(stored);
    const bob = randomIdentity().sessionId;
    const many = Array.from({ length: MAX_SUBREQUESTS + 1 }, () => request('AQ=='));
    await expectCode(client.storeMany(bob, many), 'invalid_argument');
    await expectCode(client.storeMany(bob, []), 'invalid_argument');
    const largest = 'A'.repeat(MAX_MESSAGE_DATA_BASE64);
    await expectCode(client.storeMany(bob, [request(largest), request(largest), request('AQ==')]), 'invalid_argument');
    expect(sent).toHaveLength(0);
    await client.storeMany(bob, [request(largest), request(largest)]);
    await client.store(bob, request(largest));
    expect(sent).toHaveLength(2);
  });

  it("the largest sequence, built into a 3-hop onion, fits under the relay's body cap", async () => {
    const hops = Array.from({ length: 4 }, (_, i) => ({ ed25519PublicKeyHex: String(i).repeat(64), x25519PublicKey: randomIdentity().x25519PublicKey }));
    const each = Math.floor(MAX_STORE_SEQUENCE_DATA / MAX_SUBREQUESTS / 4) * 4;
    const data = toBase64(new Uint8Array((each / 4) * 3).fill(7));
    const stores = Array.from({ length: MAX_SUBREQUESTS }, () => ({
      method: 'store',
      params: { pubkey: randomIdentity().sessionId, namespace: 0, data, ttl: 1_209_600_000, timestamp: NOW },
    }));
    const built = await buildOnionRequest({
      path: hops.slice(0, 3),
      destination: { kind: 'snode', node: hops[3]! },
      payload: utf8(JSON.stringify({ method: 'sequence', params: { requests: stores } })),
    });
    expect(data.length * MAX_SUBREQUESTS).toBeLessThanOrEqual(MAX_STORE_SEQUENCE_DATA);
    expect(data.length * MAX_SUBREQUESTS).toBeGreaterThan(MAX_STORE_SEQUENCE_DATA - 100);
    expect(built.body.length).toBeLessThan(MAX_ONION_REQUEST_BYTES);
  });
});
