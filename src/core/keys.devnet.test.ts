/**
 * The keys stay in the core. Two accounts on a devnet, one with a passphrase: every method of the
 * Core API is called (the list is CALL_POLICY, typed by the API's own method names, so a new method
 * is walked or this test fails), messages go both ways, and every result, every error and every
 * event, structured-cloned as it would cross to the UI, is searched for the seed, the Ed25519
 * secret key, the X25519 secret key and the phrase's entropy, raw, in hex and in base64. The
 * recovery phrase itself may appear only in what `newRecoveryPhrase` and
 * `revealRecoveryPhrase(the right passphrase)` return.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freshIndexedDB } from '../../test/fake-indexeddb.ts';
import { startNetFixture, type NetFixture } from '../../test/net-devnet-fixture.ts';
import { holdsSecret, secretsOf } from '../../test/secret-scan.ts';
import { TEST_RETRY_POLICY } from '../../test/services-fixture.ts';
import { MIN_LOCK_COST } from '../../wasm/passphrase.ts';
import type { CoreApi, MessageView } from './api.ts';
import { CALL_POLICY } from './call-policy.ts';
import { Core } from './core.ts';
import { CORE_EVENT_TYPES } from './event-types.ts';
import { devnetProfile } from './net/network-profile.ts';

const PASSPHRASE = 'correct horse battery staple';
const NEW_PASSPHRASE = 'a longer one, changed';

let fixture: NetFixture;
const opened: Core[] = [];

beforeAll(async () => {
  fixture = await startNetFixture({ nodeCount: 8, rateLimit: false });
});

afterEach(async () => {
  await Promise.all(opened.splice(0).map((core) => core.close()));
});

afterAll(async () => {
  await fixture?.stop();
});

/** What crossed from one core to its UI: each call's result or error, and each event. */
interface Crossing {
  readonly what: string;
  readonly value: unknown;
}

async function openCore(name: string, crossings: Crossing[]): Promise<Core> {
  const core = await Core.open({
    profile: devnetProfile(fixture.relayUrl, { rpcTimeoutMs: 5_000, guardTestTimeoutMs: 3_000, fileServer: fixture.net.devnet.fileServer }),
    indexedDB: freshIndexedDB(),
    databaseName: 'parley',
    retryPolicy: TEST_RETRY_POLICY,
    lockCost: MIN_LOCK_COST,
    poller: { intervals: { chattingMs: 300, conversationOpenMs: 300, visibleMs: 300, hiddenMs: 300, maxBackoffMs: 1_000 } },
    outbox: { schedule: { retryBaseMs: 100, retryMaxMs: 1_000, probeBaseMs: 200, probeMaxMs: 1_000 } },
  });
  opened.push(core);
  await core.subscribe((event) => void crossings.push({ what: `${name} event ${event.type}`, value: structuredClone(event) }));
  return core;
}

describe('no secret key crosses the Core API', () => {
  it('in any result, error or event of every method, with a passphrase set, while messages go both ways', async () => {
    const crossings: Crossing[] = [];
    const called = new Set<string>();
    const alice = await openCore('alice', crossings);
    const bob = await openCore('bob', crossings);

    /** One Core API call, its result or error recorded as the UI would receive it. */
    async function call<K extends keyof CoreApi>(core: Core, method: K, ...args: Parameters<CoreApi[K]>): Promise<Awaited<ReturnType<CoreApi[K]>>> {
      called.add(method);
      const who = core === alice ? 'alice' : 'bob';
      const run = core[method] as (...a: unknown[]) => Promise<Awaited<ReturnType<CoreApi[K]>>>;
      try {
        const value = await run.apply(core, args);
        crossings.push({ what: `${who} ${method} result`, value: structuredClone(value) });
        return value;
      } catch (error) {
        const { code, message, details } = error as { code?: unknown; message?: unknown; details?: unknown };
        crossings.push({ what: `${who} ${method} error`, value: structuredClone({ code, message, details }) });
        throw error;
      }
    }
    /** Takes the crossing `what` out of the list (a result allowed to carry the phrase), and returns it. */
    const take = (what: string): unknown => {
      const index = crossings.findLastIndex((c) => c.what === what);
      expect(index, what).toBeGreaterThanOrEqual(0);
      return crossings.splice(index, 1)[0]?.value;
    };
    const failure = (promise: Promise<unknown>) => promise.then(() => 'resolved', (error: { code?: string }) => error.code);

    // Phrases: the only results allowed to carry one.
    const phraseResults: unknown[] = [];
    const alicePhrase = await call(alice, 'newRecoveryPhrase');
    phraseResults.push(take('alice newRecoveryPhrase result'));
    const bobPhrase = await bob.newRecoveryPhrase();
    const secrets = [...secretsOf(alicePhrase), ...secretsOf(bobPhrase)];

    await call(alice, 'status');
    await call(alice, 'getAccount');
    await call(alice, 'checkRecoveryPhrase', alicePhrase);
    const a = await call(alice, 'createAccount', { recoveryPhrase: alicePhrase, displayName: 'Alice', passphrase: PASSPHRASE });
    const b = await bob.createAccount({ recoveryPhrase: bobPhrase, displayName: 'Bob' });
    expect(await failure(call(alice, 'restoreAccount', { recoveryPhrase: alicePhrase, passphrase: PASSPHRASE }))).toBe('account_exists');
    expect(await failure(call(alice, 'revealRecoveryPhrase', 'not the passphrase'))).toBe('wrong_passphrase');
    expect(await call(alice, 'revealRecoveryPhrase', PASSPHRASE)).toBe(alicePhrase);
    phraseResults.push(take('alice revealRecoveryPhrase result'));
    await call(alice, 'setDisplayName', 'Alice A.');
    await call(alice, 'setPassphrase', NEW_PASSPHRASE, PASSPHRASE);
    expect(await failure(call(alice, 'unlock', PASSPHRASE))).toBe('wrong_passphrase');
    await call(alice, 'lock');
    await call(alice, 'unlock', NEW_PASSPHRASE);
    await call(alice, 'status');
    await call(alice, 'getPreferences');
    await call(alice, 'setPreferences', { notifications: 'anonymous' });

    // Messages both ways.
    await call(alice, 'checkSessionId', b.sessionId);
    await call(alice, 'openConversation', b.sessionId);
    await call(alice, 'setActiveConversation', b.sessionId);
    await call(alice, 'setVisible', true);
    const sent = await call(alice, 'sendMessage', b.sessionId, 'hello Bob');
    await expect.poll(async () => (await bob.listMessages(a.sessionId)).map((m) => m.body), { timeout: 30_000, interval: 200 }).toEqual(['hello Bob']);
    await bob.sendMessage(a.sessionId, 'hi Alice');
    await expect
      .poll(async () => (await call(alice, 'listMessages', b.sessionId)).map((m: MessageView) => m.body), { timeout: 30_000, interval: 200 })
      .toEqual(['hello Bob', 'hi Alice']);
    await expect.poll(async () => (await alice.listMessages(b.sessionId))[0]?.status, { timeout: 30_000, interval: 200 }).toBe('sent');
    await call(alice, 'retryMessage', sent.id).catch(() => undefined);

    // Attachments both ways: sent, received, downloaded (progress), read, a cancel with nothing in flight.
    const file = new Blob([new Uint8Array(200_000).fill(7)]);
    await call(alice, 'sendAttachments', b.sessionId, [{ name: 'a.bin', type: 'application/octet-stream', data: file }], 'a file');
    await bob.sendAttachments(a.sessionId, [{ name: 'b.bin', type: 'application/octet-stream', data: file }], '');
    await expect.poll(async () => (await alice.listMessages(b.sessionId)).some((m) => m.attachments.length > 0 && m.direction === 'incoming'), { timeout: 60_000, interval: 200 }).toBe(true);
    const withFile = (await alice.listMessages(b.sessionId)).find((m) => m.attachments.length > 0 && m.direction === 'incoming')!;
    await call(alice, 'downloadAttachment', withFile.id, 0);
    const read = await call(alice, 'readAttachment', withFile.id, 0);
    expect(read.size).toBe(200_000);
    await call(alice, 'cancelAttachment', withFile.id, 0);
    await call(alice, 'markRead', b.sessionId);
    await call(alice, 'listConversations');
    await call(alice, 'getNetworkState');
    await call(alice, 'getNetworkInfo');
    await call(alice, 'getOutboxSummary');
    await call(alice, 'rebuildPath');
    await call(alice, 'networkMayBeBack');
    const extra = await call(alice, 'subscribe', () => undefined);
    await call(alice, 'unsubscribe', extra);

    // The passphrase removed, then the account gone and restored under a passphrase again.
    await call(alice, 'removePassphrase', NEW_PASSPHRASE);
    await call(alice, 'deleteAccount', { fromNetwork: false });
    await call(alice, 'restoreAccount', { recoveryPhrase: alicePhrase, passphrase: PASSPHRASE });
    // The two texts and the two messages with a file.
    await expect.poll(async () => (await alice.listMessages(b.sessionId)).length, { timeout: 30_000, interval: 200 }).toBe(4);

    // Disappearing messages, unsend (a tombstone: message_changed) and delete for me (messages_removed).
    await call(alice, 'setDisappearing', b.sessionId, 'after_send', 86_400);
    const timed = await call(alice, 'sendMessage', b.sessionId, 'gone for everyone');
    await expect.poll(async () => (await alice.listMessages(b.sessionId)).find((m) => m.id === timed.id)?.status, { timeout: 30_000, interval: 200 }).toBe('sent');
    await call(alice, 'unsendMessage', timed.id);
    const mine = await call(alice, 'sendMessage', b.sessionId, 'gone from here');
    await call(alice, 'deleteMessage', mine.id);
    await call(alice, 'setDisappearing', b.sessionId, 'off', 0);
    await call(alice, 'setActiveConversation', null);

    // Every method was walked.
    expect(Object.keys(CALL_POLICY).filter((method) => !called.has(method))).toEqual([]);
    // Every event type was seen.
    const seen = new Set(crossings.filter((c) => c.what.includes(' event ')).map((c) => c.what.split(' ').at(-1)));
    expect(Object.keys(CORE_EVENT_TYPES).filter((type) => !seen.has(type))).toEqual([]);

    // No key material anywhere; no phrase but where it was asked for.
    const leaks = crossings.filter((c) => holdsSecret(c.value, secrets, alicePhrase) || holdsSecret(c.value, secrets, bobPhrase));
    expect(leaks.map((c) => c.what)).toEqual([]);
    for (const value of phraseResults) {
      expect(holdsSecret(value, secrets)).toBe(false);
      expect(typeof value === 'string' && value.split(' ')).toHaveLength(13);
    }
    // The scan would see them: a crossing that carried the seed would have been caught.
    expect(holdsSecret({ seed: Buffer.from(secrets[1]!).toString('base64') }, secrets)).toBe(true);
    expect(holdsSecret({ key: Buffer.from(secrets[3]!).toString('hex') }, secrets)).toBe(true);
    expect(holdsSecret([secrets[2]!.slice()], secrets)).toBe(true);
  });
});
