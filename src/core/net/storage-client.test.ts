import { beforeAll, describe, expect, it } from 'vitest';
import { randomIdentity } from '../../../test/identities.ts';
import { MemoryNetStore } from '../../../test/memory-net-store.ts';
import { fakeNodes } from '../../../test/net-fakes.ts';
import { ready } from '../../../wasm/sodium.ts';
import { NetworkTime } from './network-time.ts';
import type { OnionRequester, SnodeRpc } from './onion-request.ts';
import type { SnodePool } from './snode-pool.ts';
import { StorageClient } from './storage-client.ts';
import { RETRIEVE_MAX_COUNT } from './storage-limits.ts';
import type { SwarmCache } from './swarms.ts';

const NOW = 1_750_000_000_000;
const DAY = 24 * 3600_000;

beforeAll(ready);

/** A distinct 43-character message hash per index. */
const hashOf = (i: number) => `${String(i).padStart(6, '0')}${'A'.repeat(37)}`;

/** A client whose one swarm member answers every batch with `entries` messages, each "expiring" in 2100. */
function setup(entries: number) {
  const [member] = fakeNodes(1);
  const sent: SnodeRpc[] = [];
  const messages = Array.from({ length: entries }, (_, i) => ({ hash: hashOf(i), data: 'aGk=', timestamp: NOW, expiration: Date.UTC(2100, 0, 1) }));
  const requester = {
    async sendToSnode(_target: unknown, rpc: SnodeRpc) {
      sent.push(rpc);
      return { status: 200, body: { results: [{ code: 200, body: { messages, more: false } }] } };
    },
  } as unknown as OnionRequester;
  const saved: { hash: string; expiresAt: number }[] = [];
  class RecordingStore extends MemoryNetStore {
    override async saveLastHash(node: string, pubkey: string, namespace: number, hash: string, expiresAt: number): Promise<void> {
      saved.push({ hash, expiresAt });
      return super.saveLastHash(node, pubkey, namespace, hash, expiresAt);
    }
  }
  const swarms = { members: async () => [member!] } as unknown as SwarmCache;
  const client = new StorageClient({
    store: new RecordingStore(() => NOW),
    pool: {} as SnodePool,
    swarms,
    requester,
    time: new NetworkTime(() => NOW),
  });
  return { client, sent, saved };
}

describe('retrieve bounds (issue 9, hole 6)', () => {
  it('asks max_count, takes at most that many of an answer, and counts the rest as refused', async () => {
    const { client, sent } = setup(RETRIEVE_MAX_COUNT + 100);
    const [result] = await client.retrieve(randomIdentity(), [0, 2]);
    const requests = (sent[0]!.params as { requests: { params: Record<string, unknown> }[] }).requests;
    expect(requests.map((r) => r.params['max_count'])).toEqual([RETRIEVE_MAX_COUNT, RETRIEVE_MAX_COUNT]);
    expect(result!.byNamespace[0]!.messages).toHaveLength(RETRIEVE_MAX_COUNT);
    expect(result!.byNamespace[0]!.refused).toBe(100);
  });

  it('the last hash kept per node expires no later than now + 14 days + the margin, whatever the node claims', async () => {
    const { client, saved } = setup(3);
    await client.retrieve(randomIdentity(), [0]);
    expect(saved).toEqual([{ hash: hashOf(2), expiresAt: NOW + 15 * DAY }]);
  });
});
