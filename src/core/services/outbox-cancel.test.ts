/**
 * Deleting a message while its copy is on its way (docs/disappearing.md "Deleting while sending"):
 * the attempt ends as cancelled, nothing is retried or recreated, and a copy that landed in our own
 * swarm is deleted again. The network's store is replaced by one the test answers by hand.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { randomIdentity } from '../../../test/identities.ts';
import { makeContext, type TestContext } from '../../../test/services-fixture.ts';
import { waitUntil } from '../../../test/wait.ts';
import type { Identity } from '../../../wasm/identity.ts';
import { ready } from '../../../wasm/sodium.ts';
import { ParleyError } from '../../shared/errors.ts';
import { getMessage, getOutboxEntry } from '../store/index.ts';
import { MessageActions } from './message-actions.ts';
import { Outbox } from './outbox.ts';

const HASH = 'B'.repeat(43);

let me: Identity;
let bob: Identity;
let open: { t: TestContext; outbox: Outbox }[] = [];

beforeAll(async () => {
  await ready();
  me = randomIdentity();
  bob = randomIdentity();
});
afterEach(async () => {
  for (const { t, outbox } of open) {
    await outbox.stop();
    t.close();
  }
  open = [];
});

async function setup() {
  const t = await makeContext({ identity: me });
  const stores: { pubkey: string; answer: (hash: string) => void }[] = [];
  const deletes: string[][] = [];
  const network = t.network as unknown as { ready: () => Promise<void> };
  network.ready = async () => undefined;
  const storage = t.network.storage as unknown as Record<string, unknown>;
  storage['store'] = (pubkey: string, _request: unknown, { signal }: { signal?: AbortSignal } = {}) =>
    new Promise((resolve, reject) => {
      stores.push({ pubkey, answer: (hash) => resolve({ hash, t: Date.now(), node: 'n' }) });
      signal?.addEventListener('abort', () => reject(new ParleyError('aborted', 'stopped')));
    });
  storage['deleteMessages'] = async (_account: unknown, hashes: string[]) => {
    deletes.push(hashes);
    return { deleted: hashes };
  };
  const outbox = new Outbox(t.ctx);
  open.push({ t, outbox });
  return { t, outbox, actions: new MessageActions(t.ctx, outbox), stores, deletes };
}

describe('deleting a message whose send is in flight', () => {
  it('to a peer: the landed copy is not recorded, nothing is retried or recreated', async () => {
    const { t, outbox, actions, stores } = await setup();
    const message = await outbox.queue(bob.sessionId, 'in flight');
    await outbox.start();
    await waitUntil('the recipient copy on its way', () => stores.length === 1);
    await actions.deleteForMe(message.id);
    // A later message: once its copy is asked for, the deleted one's attempt is over.
    await outbox.queue(bob.sessionId, 'next');
    stores[0]!.answer(HASH);
    await waitUntil("the next message's copy on its way", () => stores.length === 2);
    expect(t.logs.filter((line) => line.includes('pass failed'))).toEqual([]);
    expect(await getMessage(t.db, message.id)).toBeUndefined();
    expect(await getOutboxEntry(t.db, message.id)).toBeUndefined();
    expect(t.events.filter((e) => e.type === 'message_status' && e.status === 'failed')).toEqual([]);
  });

  it('to our own swarm (a note to self): the copy that landed is deleted again', async () => {
    const { t, outbox, actions, stores, deletes } = await setup();
    const message = await outbox.queue(me.sessionId, 'note in flight');
    await outbox.start();
    await waitUntil('the copy on its way', () => stores.length === 1);
    expect(stores[0]!.pubkey).toBe(me.sessionId);
    await actions.deleteForMe(message.id);
    stores[0]!.answer(HASH);
    await waitUntil('the landed copy deleted from our swarm', () => deletes.some((d) => d.includes(HASH)));
    await outbox.stop();
    expect(stores).toHaveLength(1);
    expect(await getMessage(t.db, message.id)).toBeUndefined();
  });
});

describe('unsending a message whose sync copy is in flight', () => {
  it('the landed sync copy is not taken for the unsend request: it is deleted, and the request is still sent', async () => {
    const { t, outbox, actions, stores, deletes } = await setup();
    const message = await outbox.queue(bob.sessionId, 'sync in flight');
    await outbox.start();
    await waitUntil('the recipient copy on its way', () => stores.length === 1);
    stores[0]!.answer('C'.repeat(43));
    await waitUntil('the sync copy on its way', () => stores.length === 2);
    expect(stores[1]!.pubkey).toBe(me.sessionId);
    await actions.unsend(message.id);
    stores[1]!.answer(HASH);
    await waitUntil('the old sync copy deleted from our swarm', () => deletes.some((d) => d.includes(HASH)));
    // The unsend request goes out: first to Bob, then its own sync copy.
    await waitUntil('the unsend request on its way', () => stores.length === 3);
    expect(stores[2]!.pubkey).toBe(bob.sessionId);
    const entry = await getOutboxEntry(t.db, message.id);
    expect(entry).toMatchObject({ recipientStored: false, syncStored: false });
  });
});
