/**
 * The poller and receiver against a real devnet through the relay: messages another account stores
 * in our swarm arrive, junk stored between them is counted and does not block them, and last
 * hashes are committed only once the messages are stored.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { expectCode } from '../../../test/expect-code.ts';
import { makeContext, startTestNetwork, type TestContext, type TestNetwork } from '../../../test/services-fixture.ts';
import { randomIdentity } from '../../../test/identities.ts';
import { waitUntil } from '../../../test/wait.ts';
import { toBase64 } from '../../../wasm/bytes.ts';
import { ParleyError } from '../../shared/errors.ts';
import type { Identity } from '../../../wasm/identity.ts';
import { ready, sodium } from '../../../wasm/sodium.ts';
import type { RetrievedMessage } from '../net/storage-client.ts';
import { wrapForRecipient } from '../protocol/message-pipeline.ts';
import { encodeEnvelope, encodeWebSocketMessage } from '../protocol/messages.ts';
import { getConversation, pageConversation } from '../store/index.ts';
import { Poller } from './poller.ts';
import { Receiver, type ReceiveResult } from './receiver.ts';

let net: TestNetwork;
let alice: Identity;
let aliceCtx: TestContext;
const contexts: TestContext[] = [];

beforeAll(async () => {
  await ready();
  net = await startTestNetwork();
  alice = randomIdentity();
  aliceCtx = await makeContext({ relayUrl: net.relayUrl, identity: alice });
});

afterAll(async () => {
  for (const t of contexts) t.close();
  aliceCtx?.close();
  await net?.stop();
});

async function account(): Promise<{ me: Identity; t: TestContext }> {
  const me = randomIdentity();
  const t = await makeContext({ relayUrl: net.relayUrl, identity: me });
  contexts.push(t);
  return { me, t };
}

/** Alice stores raw bytes in `to`'s swarm, namespace 0 (anyone may: it is a public inbox). */
function storeRaw(to: Identity, data: Uint8Array): Promise<{ hash: string }> {
  return aliceCtx.network.storage.store(to.sessionId, { namespace: 0, ttl: 3_600_000, dataBase64: toBase64(data) });
}

function sendText(to: Identity, body: string): Promise<{ hash: string }> {
  const timestamp = aliceCtx.network.time.now();
  return storeRaw(to, wrapForRecipient({ content: { dataMessage: { body } }, sender: alice, recipientSessionId: to.sessionId, timestamp }).data);
}

/** Polls until `enough` says so (a few polls at most: messages are replicated before the store answers). */
async function pollUntil(poller: Poller, enough: (total: ReceiveResult) => boolean): Promise<ReceiveResult> {
  let total: ReceiveResult = { fetched: 0, alreadySeen: 0, stored: 0, duplicates: 0, junk: {}, ignored: {} };
  for (let i = 0; i < 5 && !enough(total); i++) {
    const r = await poller.pollNow();
    const junk: Record<string, number> = { ...total.junk };
    for (const [code, n] of Object.entries(r.junk)) junk[code] = (junk[code] ?? 0) + n;
    total = { ...total, fetched: total.fetched + r.fetched, stored: total.stored + r.stored, alreadySeen: total.alreadySeen + r.alreadySeen, junk };
  }
  return total;
}

describe('Poller on a devnet', () => {
  it("picks up messages another account stored in our swarm, in order, with events", async () => {
    const { me, t } = await account();
    for (const body of ['first', 'second', 'third']) await sendText(me, body);
    const poller = new Poller(t.ctx);
    const total = await pollUntil(poller, (r) => r.stored >= 3);
    expect(total.stored).toBe(3);
    expect((await pageConversation(t.db, alice.sessionId)).map((m) => m.body)).toEqual(['first', 'second', 'third']);
    expect((await getConversation(t.db, alice.sessionId))?.unreadCount).toBe(3);
    expect(t.events.filter((e) => e.type === 'message_added')).toHaveLength(3);
    // Logs carry counts, never bodies or full Session IDs.
    const logs = t.logs.join('\n');
    expect(logs).toContain('stored');
    expect(logs).not.toContain('second');
    expect(logs).not.toContain(me.sessionId);
    expect(logs).not.toContain(alice.sessionId);
  });

  it('junk stored with a plain store between real messages: every real one arrives, the junk is counted (the issue\'s junk test)', async () => {
    const { me, t } = await account();
    const bob = randomIdentity();
    const garbageEnvelope = encodeWebSocketMessage({
      type: 'request',
      request: { body: encodeEnvelope({ type: 'session_message', timestamp: 1, content: sodium().randombytes_buf(200) }) },
    });
    const forBob = wrapForRecipient({ content: { dataMessage: { body: 'not yours' } }, sender: alice, recipientSessionId: bob.sessionId, timestamp: aliceCtx.network.time.now() });
    await storeRaw(me, new Uint8Array(100).fill(0xff));
    await sendText(me, 'r1');
    await storeRaw(me, garbageEnvelope);
    await sendText(me, 'r2');
    await storeRaw(me, forBob.data);
    await storeRaw(me, new Uint8Array([0x0a]));
    await sendText(me, 'r3');

    const poller = new Poller(t.ctx);
    const total = await pollUntil(poller, (r) => r.stored >= 3 && r.fetched >= 7);
    expect(total.stored).toBe(3);
    expect(total.junk).toEqual({ protobuf_malformed: 2, decrypt_failed: 2 });
    expect((await pageConversation(t.db, alice.sessionId)).map((m) => m.body)).toEqual(['r1', 'r2', 'r3']);
    expect(poller.stats()).toMatchObject({ stored: 3, junk: { protobuf_malformed: 2, decrypt_failed: 2 } });
    // Nothing is processed twice: the next poll finds nothing new.
    const again = await poller.pollNow();
    expect(again.stored + Object.keys(again.junk).length).toBe(0);
  });

  it('commits last hashes only after the receiver has stored the messages', async () => {
    const { me, t } = await account();
    await sendText(me, 'kept');
    await sendText(me, 'safe');
    const lastHashes = () => t.db.getAll('lastHashes');

    // A receiver whose database fails: the poll fails and no last hash is saved.
    class FailingReceiver extends Receiver {
      seenLastHashesAtReceive = -1;
      override async receive(messages: readonly RetrievedMessage[]): Promise<ReceiveResult> {
        this.seenLastHashesAtReceive = (await lastHashes()).length;
        throw new ParleyError('storage_quota_exceeded', 'disk full');
      }
    }
    const failing = new FailingReceiver(t.ctx);
    // All members of the swarm at once, so that every node's last hash is known afterwards.
    await expectCode(new Poller(t.ctx, { receiver: failing, members: 5 }).pollNow(), 'storage_quota_exceeded');
    expect(failing.seenLastHashesAtReceive).toBe(0);
    expect(await lastHashes()).toEqual([]);

    // The same messages come again, and now that they are stored, the last hashes follow.
    const watching = new (class extends Receiver {
      lastHashesAtReceive = -1;
      override async receive(messages: readonly RetrievedMessage[], options?: { signal?: AbortSignal }): Promise<ReceiveResult> {
        this.lastHashesAtReceive = (await lastHashes()).length;
        return super.receive(messages, options ?? {});
      }
    })(t.ctx);
    const poller = new Poller(t.ctx, { receiver: watching, members: 5 });
    const result = await poller.pollNow();
    expect(result.stored).toBe(2);
    expect(watching.lastHashesAtReceive).toBe(0);
    const saved = await lastHashes();
    expect(saved.length).toBe(result.nodes);
    const newest = (await pageConversation(t.db, alice.sessionId)).at(-1)!;
    expect(saved.every((h) => h.pubkey === me.sessionId && h.namespace === 0 && newest.swarmHashes.includes(h.hash))).toBe(true);

    // With every node's last hash saved, the next poll is asked only for what is new.
    expect((await poller.pollNow()).fetched).toBe(0);
    await sendText(me, 'new');
    const next = await poller.pollNow();
    expect(next).toMatchObject({ fetched: 1, stored: 1 });
  });

  it('start polls at once and keeps polling on its schedule; stop ends it', async () => {
    const { me, t } = await account();
    const schedule = { intervals: { chattingMs: 150, conversationOpenMs: 150, visibleMs: 150, hiddenMs: 150 }, random: () => 0.5 };
    const poller = new Poller(t.ctx, schedule);
    // A second device of the same account, polling on the same schedule: the witness that keeps running.
    const twin = await makeContext({ relayUrl: net.relayUrl, identity: me });
    contexts.push(twin);
    const twinPoller = new Poller(twin.ctx, schedule);
    const storedIn = async (ctx: TestContext) => (await pageConversation(ctx.db, alice.sessionId)).map((m) => m.body);
    await sendText(me, 'before start');
    await poller.start();
    await twinPoller.start();
    try {
      await waitUntil('the first message', async () => (await storedIn(t)).length === 1);
      await sendText(me, 'while running');
      await waitUntil('the second message', async () => (await storedIn(t)).length === 2);
      await poller.stop();
      const added = t.events.filter((e) => e.type === 'message_added').length;
      const stoppedRetrieves = vi.spyOn(t.network.storage, 'retrieve');
      await sendText(me, 'after stop');
      // The twin fetches the message, then polls three more times: a poller still on that
      // schedule would have polled (and fetched it) by then.
      await waitUntil('the twin to fetch the message', async () => (await storedIn(twin)).includes('after stop'));
      const twinRetrieves = vi.spyOn(twin.network.storage, 'retrieve');
      await waitUntil('three more polls of the twin', () => twinRetrieves.mock.calls.length >= 3);
      expect(stoppedRetrieves).not.toHaveBeenCalled();
      expect(t.events.filter((e) => e.type === 'message_added').length).toBe(added);
      expect(await storedIn(t)).toEqual(['before start', 'while running']);
    } finally {
      await poller.stop();
      await twinPoller.stop();
    }
  });
});
