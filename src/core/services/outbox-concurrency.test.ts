/**
 * The outbox's batches and lanes (docs/delivery.md "Throughput after reconnect") against a
 * network whose stores the test answers itself: the shape of the requests (the first copy alone,
 * then sequences of up to 20; a sync copy only after its recipient copy), the window of requests
 * in flight, and one refused message among many. Against the devnet: outbox.devnet.test.ts.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { randomIdentity } from '../../../test/identities.ts';
import { makeContext, type TestContext } from '../../../test/services-fixture.ts';
import { waitUntil } from '../../../test/wait.ts';
import type { Identity } from '../../../wasm/identity.ts';
import { ready } from '../../../wasm/sodium.ts';
import { ParleyError } from '../../shared/errors.ts';
import type { StoreRequest, StoreResult } from '../net/storage-client.ts';
import { getMessage, getOutboxEntry, type OutgoingMessageRecord } from '../store/index.ts';
import { OUTBOX_REQUESTS_IN_FLIGHT } from './outbox-batches.ts';
import { Outbox } from './outbox.ts';

let me: Identity;
let open: { t: TestContext; outbox: Outbox }[] = [];

beforeAll(async () => {
  await ready();
  me = randomIdentity();
});
afterEach(async () => {
  for (const { t, outbox } of open) {
    await outbox.stop();
    t.close();
  }
  open = [];
});

/** One onion request the outbox made: a `store` (one payload) or a `storeMany` (several). */
interface Call {
  readonly pubkey: string;
  readonly payloads: readonly string[];
  readonly answer: () => void;
  readonly fail: (error: ParleyError) => void;
}

/**
 * An outbox whose network stores nothing: every call waits in `pending` until the test answers it,
 * or is answered at once (`auto`), or refused (`refuse` returns an error for it). The hash of a
 * payload is the same every time it is stored, as the storage server's.
 */
async function setup(
  options: { auto?: boolean; refuse?: (call: Omit<Call, 'answer' | 'fail'>) => ParleyError | undefined; schedule?: { maxAttempts: number; retryBaseMs: number; retryMaxMs: number } } = {},
) {
  const t = await makeContext({ identity: me });
  const calls: Call[] = [];
  const pending: Call[] = [];
  const hashes = new Map<string, string>();
  const stats = { inFlight: 0, most: 0 };
  const hashOf = (payload: string) => {
    if (!hashes.has(payload)) hashes.set(payload, `h${hashes.size}`.padEnd(43, 'x'));
    return hashes.get(payload)!;
  };
  const fake = (pubkey: string, requests: readonly StoreRequest[], signal?: AbortSignal) =>
    new Promise<StoreResult[]>((resolve, reject) => {
      stats.inFlight++;
      stats.most = Math.max(stats.most, stats.inFlight);
      const payloads = requests.map((r) => r.dataBase64);
      const onAbort = () => call.fail(new ParleyError('aborted', 'stopped'));
      let settled = false;
      const settle = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        const i = pending.indexOf(call);
        if (i >= 0) pending.splice(i, 1);
        stats.inFlight--;
        outcome();
      };
      const call: Call = {
        pubkey,
        payloads,
        answer: () => settle(() => resolve(payloads.map((p) => ({ hash: hashOf(p), t: Date.now(), node: 'n' })))),
        fail: (error) => settle(() => reject(error)),
      };
      calls.push(call);
      signal?.addEventListener('abort', onAbort);
      const refusal = options.refuse?.({ pubkey, payloads });
      if (refusal !== undefined) call.fail(refusal);
      else if (options.auto) call.answer();
      else pending.push(call);
    });
  const network = t.network as unknown as { ready: () => Promise<void> };
  network.ready = async () => undefined;
  const storage = t.network.storage as unknown as Record<string, unknown>;
  storage['store'] = async (pubkey: string, request: StoreRequest, { signal }: { signal?: AbortSignal } = {}) => (await fake(pubkey, [request], signal))[0];
  storage['storeMany'] = (pubkey: string, requests: StoreRequest[], { signal }: { signal?: AbortSignal } = {}) => fake(pubkey, requests, signal);
  const outbox = new Outbox(t.ctx, { schedule: options.schedule ?? { maxAttempts: 3, retryBaseMs: 60_000, retryMaxMs: 60_000 } });
  open.push({ t, outbox });
  return { t, outbox, calls, pending, stats };
}

async function statusOf(t: TestContext, id: number): Promise<string | undefined> {
  const message = (await getMessage(t.db, id)) as OutgoingMessageRecord | undefined;
  return message?.status;
}

async function queueMany(outbox: Outbox, to: string, count: number, label = 'm'): Promise<OutgoingMessageRecord[]> {
  const queued: OutgoingMessageRecord[] = [];
  for (let i = 0; i < count; i++) queued.push(await outbox.queue(to, `${label} ${i}`));
  return queued;
}

async function allSentAndDone(t: TestContext, messages: readonly OutgoingMessageRecord[]): Promise<boolean> {
  for (const m of messages) {
    if ((await statusOf(t, m.id)) !== 'sent' || (await getOutboxEntry(t.db, m.id)) !== undefined) return false;
  }
  return true;
}

describe('the outbox sends in batches', () => {
  it('45 messages to one person: the first recipient copy alone, then sequences of up to 20; the sync copies after them, in sequences too; every copy once', async () => {
    const { t, outbox, calls } = await setup({ auto: true });
    const bob = randomIdentity();
    const queued = await queueMany(outbox, bob.sessionId, 45);
    await outbox.start();
    await waitUntil('all 45 sent, both copies', () => allSentAndDone(t, queued));

    const toBob = calls.filter((c) => c.pubkey === bob.sessionId);
    const toUs = calls.filter((c) => c.pubkey === me.sessionId);
    expect(toBob.map((c) => c.payloads.length)).toEqual([1, 20, 20, 4]);
    expect(toUs.every((c) => c.payloads.length <= 20)).toBe(true);

    const entries = await Promise.all(queued.map(async (m) => (await getMessage(t.db, m.id)) as OutgoingMessageRecord));
    expect(entries.every((m) => m.swarmHashes.length === 2)).toBe(true);
    // The recipient copies went in the order the messages were written, each once.
    const bobPayloads = toBob.flatMap((c) => c.payloads);
    expect(new Set(bobPayloads).size).toBe(45);
    expect(toUs.flatMap((c) => c.payloads)).toHaveLength(45);
    const sent = t.events.flatMap((e) => (e.type === 'message_status' && e.status === 'sent' ? [e.messageId] : []));
    expect(sent).toEqual(queued.map((m) => m.id));
    // The sync copies go once the recipient copies are all stored: what the person waits for goes first.
    const lastToBob = calls.findLastIndex((c) => c.pubkey === bob.sessionId);
    expect(calls.findIndex((c) => c.pubkey === me.sessionId)).toBeGreaterThan(lastToBob);
  });

  it(`keeps at most ${OUTBOX_REQUESTS_IN_FLIGHT} requests in flight, one per swarm, whatever the number of people waiting`, async () => {
    const { t, outbox, pending, stats, calls } = await setup();
    const people = Array.from({ length: 10 }, () => randomIdentity());
    const queued: OutgoingMessageRecord[] = [];
    for (const person of people) queued.push(...(await queueMany(outbox, person.sessionId, 3)));
    await outbox.start();
    await waitUntil('the window full', () => stats.inFlight === OUTBOX_REQUESTS_IN_FLIGHT);
    // Answer the oldest call, one at a time, until everything is sent.
    while (!(await allSentAndDone(t, queued))) {
      await waitUntil('a call to answer', () => pending.length > 0);
      // One swarm never has two requests at once.
      const swarms = pending.map((c) => c.pubkey);
      expect(new Set(swarms).size).toBe(swarms.length);
      pending[0]!.answer();
    }
    expect(stats.most).toBe(OUTBOX_REQUESTS_IN_FLIGHT);
    // 10 people × (one alone, then the other two together), and the sync copies in batches.
    expect(calls.filter((c) => c.pubkey !== me.sessionId)).toHaveLength(20);
    expect(calls.filter((c) => c.pubkey === me.sessionId).flatMap((c) => c.payloads)).toHaveLength(30);
  });

  it('a message the node refuses fails alone: the rest of its batch is stored, and a swarm in trouble holds only its own person', async () => {
    let refusedPayload = '';
    const carol = randomIdentity();
    const { t, outbox, calls } = await setup({
      auto: true,
      schedule: { maxAttempts: 2, retryBaseMs: 20, retryMaxMs: 40 },
      refuse: ({ pubkey, payloads }) => {
        if (pubkey === carol.sessionId) return new ParleyError('snode_unavailable', 'test: the swarm is not ready');
        return payloads.includes(refusedPayload) ? new ParleyError('request_failed', 'test: the node refuses this one') : undefined;
      },
    });
    const bob = randomIdentity();
    const toCarol = await queueMany(outbox, carol.sessionId, 3, 'carol');
    const toBob = await queueMany(outbox, bob.sessionId, 6, 'bob');
    const refused = toBob[3]!;
    refusedPayload = (await getOutboxEntry(t.db, refused.id))!.recipientPayload;
    await outbox.start();

    await waitUntil('the others sent, both copies', () => allSentAndDone(t, toBob.filter((m) => m !== refused)));
    await waitUntil('the refused one failed', async () => (await statusOf(t, refused.id)) === 'failed');
    expect((await getMessage(t.db, refused.id)) as OutgoingMessageRecord).toMatchObject({ failureCode: 'request_failed' });
    // Bob: the first alone; the other five together, refused; again one by one up to the refused
    // one (the two before it stored), the two after it waiting behind it; the refused one alone,
    // refused for good; then the two after it, the first alone and the last.
    expect(calls.filter((c) => c.pubkey === bob.sessionId).map((c) => c.payloads.length)).toEqual([1, 5, 1, 1, 1, 1, 1, 1]);
    expect((await getOutboxEntry(t.db, refused.id))!.attempts).toBe(2);

    // Carol's swarm fails every time: her messages fail one after the other, each tried alone,
    // and none is tried before the one ahead of it has failed.
    await waitUntil("Carol's messages failed", async () => (await Promise.all(toCarol.map((m) => statusOf(t, m.id)))).every((s) => s === 'failed'));
    expect(calls.filter((c) => c.pubkey === carol.sessionId).map((c) => c.payloads.length)).toEqual([1, 1, 1, 1, 1, 1]);
    const order = t.events.flatMap((e) => (e.type === 'message_status' ? [`${e.messageId}:${e.status}`] : []));
    for (let i = 1; i < toCarol.length; i++) {
      expect(order.indexOf(`${toCarol[i]!.id}:sending`)).toBeGreaterThan(order.indexOf(`${toCarol[i - 1]!.id}:failed`));
    }
  });
});
