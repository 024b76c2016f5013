/**
 * The Core API's account, checks, preferences, auto-lock and summaries, with no network: the relay
 * cannot be reached (every fetch fails), which is enough for everything here and keeps it fast.
 * Messaging over a network is core.devnet.test.ts's job.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { dumpDatabase, freshIndexedDB, type TestIndexedDB } from '../../test/fake-indexeddb.ts';
import { identityFromEntropy } from '../../wasm/identity.ts';
import { holdsSecret, recordWrites, secretsOf } from '../../test/secret-scan.ts';
import { decodeMnemonic, encodeMnemonic } from '../../wasm/mnemonic.ts';
import { MIN_LOCK_COST } from '../../wasm/passphrase.ts';
import { ready } from '../../wasm/sodium.ts';
import type { CoreEvent } from './api.ts';
import { Core } from './core.ts';
import { devnetProfile } from './net/network-profile.ts';
import type { Timers } from './services/auto-lock.ts';
import { waitAfter } from './services/passphrase-attempts.ts';
import { rejectionCodeOf } from '../../test/expect-code.ts';

const RELAY = 'http://relay.test/';
const ECHO_PEER = `05${'ec'.repeat(32)}`;
const BOB = `05${'b0'.repeat(32)}`;
const PASSPHRASE = 'correct horse battery staple';

/** Manual time for the auto-lock: the clock moves only when a test says so, and due timers fire then. */
class FakeTime implements Timers {
  now = 1_700_000_000_000;
  private timers = new Map<number, { at: number; callback: () => void }>();
  private nextId = 1;
  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.set(id, { at: this.now + ms, callback });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }
  advance(ms: number): void {
    this.now += ms;
    for (const [id, timer] of [...this.timers].sort((a, b) => a[1].at - b[1].at)) {
      if (timer.at > this.now || !this.timers.has(id)) continue;
      this.timers.delete(id);
      timer.callback();
    }
  }
}

/** The relay answers only `GET /v1/network`; every other request finds it unreachable. */
async function offlineFetch(input: string): Promise<Response> {
  if (input === `${RELAY}v1/network`) return Response.json({ network: 'devnet', echoPeer: ECHO_PEER });
  throw new TypeError('fetch failed');
}

const opened: Core[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((core) => core.close()));
});

type TestCore = Core & { events: CoreEvent[] };

async function openCore(indexedDB: TestIndexedDB = freshIndexedDB(), time?: FakeTime): Promise<TestCore> {
  const core = await Core.open({
    profile: devnetProfile(RELAY),
    indexedDB,
    databaseName: 'parley',
    fetch: offlineFetch,
    lockCost: MIN_LOCK_COST,
    ...(time ? { clock: () => time.now, timers: time } : {}),
    outbox: { schedule: { probeBaseMs: 60_000, probeMaxMs: 60_000 } },
  });
  opened.push(core);
  const events: CoreEvent[] = [];
  await core.subscribe((event) => void events.push(event));
  return Object.assign(core, { events });
}

async function closeCore(core: Core): Promise<void> {
  opened.splice(opened.indexOf(core), 1);
  await core.close();
}

describe('a new account', () => {
  it('gets a fresh 13-word phrase first, with nothing stored until it is created', async () => {
    const indexedDB = freshIndexedDB();
    const core = await openCore(indexedDB);
    const [one, two] = [await core.newRecoveryPhrase(), await core.newRecoveryPhrase()];
    expect(one.split(' ')).toHaveLength(13);
    expect(one).not.toBe(two);
    expect(await core.checkRecoveryPhrase(one)).toEqual({ ok: true });
    expect(await core.getAccount()).toBeNull();
    expect((await dumpDatabase(indexedDB, 'parley'))['account']).toEqual([]);

    const account = await core.createAccount({ recoveryPhrase: one, displayName: '  Alice ' });
    expect(account).toEqual({ sessionId: identityFromEntropy(decodeMnemonic(one)).sessionId, displayName: 'Alice', hasPassphrase: false, locked: false, passphraseRetryAfterMs: 0 });
    expect(core.events).toContainEqual({ type: 'account', account });
    expect(await core.revealRecoveryPhrase()).toBe(one);
  });

  it('refuses a phrase that is not valid, a name that is too long, and a second account, storing nothing', async () => {
    const indexedDB = freshIndexedDB();
    const core = await openCore(indexedDB);
    const phrase = await core.newRecoveryPhrase();
    const words = phrase.split(' ');
    const misspelt = [...words.slice(0, 4), 'zzzq', ...words.slice(5)].join(' ');
    await expect(core.createAccount({ recoveryPhrase: misspelt, displayName: 'A' })).rejects.toMatchObject({
      code: 'mnemonic_unknown_word',
      details: { position: 5, word: 'zzzq' },
    });
    await expect(core.createAccount({ recoveryPhrase: words.slice(0, 12).join(' '), displayName: 'A' })).rejects.toMatchObject({ code: 'mnemonic_word_count' });
    await expect(core.createAccount({ recoveryPhrase: phrase, displayName: 'é'.repeat(51) })).rejects.toMatchObject({ code: 'display_name_too_long', details: { max: 100 } });
    await expect(core.createAccount({ recoveryPhrase: phrase } as never)).rejects.toMatchObject({ code: 'invalid_argument' });
    expect((await dumpDatabase(indexedDB, 'parley'))['account']).toEqual([]);

    await core.createAccount({ recoveryPhrase: phrase, displayName: 'A' });
    await expect(core.createAccount({ recoveryPhrase: await core.newRecoveryPhrase(), displayName: 'B' })).rejects.toMatchObject({ code: 'account_exists' });
    await expect(core.restoreAccount({ recoveryPhrase: phrase })).rejects.toMatchObject({ code: 'account_exists' });
  });

  it('with a passphrase, never writes the seed in the clear: not at creation, lock, unlock, reopen, change, restore, or a wrong attempt; removing it writes the plain seed', async () => {
    const writes = recordWrites();
    try {
      const indexedDB = freshIndexedDB();
      const core = await openCore(indexedDB);
      const phrase = await core.newRecoveryPhrase();
      const secrets = secretsOf(phrase);
      const onDisk = async (step: string) => {
        const dump = await dumpDatabase(indexedDB, 'parley');
        expect(holdsSecret(dump, secrets, phrase), `database after ${step}`).toBe(false);
        expect(holdsSecret(writes.values, secrets, phrase), `a write up to ${step}`).toBe(false);
      };

      const account = await core.createAccount({ recoveryPhrase: phrase, displayName: 'Alice', passphrase: PASSPHRASE });
      expect(account).toMatchObject({ hasPassphrase: true, locked: false });
      expect(writes.values.some((v) => (v as { id?: string }).id === 'self')).toBe(true); // the account record was written
      await onDisk('createAccount');
      await core.lock();
      await onDisk('lock');
      await core.unlock(PASSPHRASE);
      await onDisk('unlock');
      await closeCore(core);
      const again = await openCore(indexedDB);
      expect(await again.getAccount()).toMatchObject({ locked: true, hasPassphrase: true });
      await again.setPassphrase('a new passphrase', PASSPHRASE);
      await onDisk('setPassphrase (change)');
      await again.deleteAccount({ fromNetwork: false });
      await again.restoreAccount({ recoveryPhrase: `  ${phrase.toUpperCase().replaceAll(' ', '   ')} `, passphrase: PASSPHRASE });
      expect(await again.getAccount()).toMatchObject({ sessionId: account.sessionId, hasPassphrase: true, locked: false, displayName: null });
      await onDisk('restoreAccount');
      expect(await again.revealRecoveryPhrase(PASSPHRASE)).toBe(phrase);
      // Wrong passphrases are counted in the settings store: the count holds nothing secret either.
      await expect(again.unlock('not the passphrase')).rejects.toMatchObject({ code: 'wrong_passphrase' });
      await onDisk('a wrong unlock');
      // Removing the passphrase writes the plain seed: that is what removing it means (README "Privacy").
      await again.removePassphrase(PASSPHRASE);
      expect(holdsSecret(await dumpDatabase(indexedDB, 'parley'), secrets)).toBe(true);
    } finally {
      writes.stop();
    }
  });

  it('restores with a display name, and an empty passphrase means none (then the seed is on disk: the check above can see it)', async () => {
    const writes = recordWrites();
    try {
      const indexedDB = freshIndexedDB();
      const core = await openCore(indexedDB);
      const phrase = encodeMnemonic(new Uint8Array(16).fill(7));
      const account = await core.restoreAccount({ recoveryPhrase: phrase, displayName: 'Restored', passphrase: '' });
      expect(account).toMatchObject({ displayName: 'Restored', hasPassphrase: false, locked: false });
      expect(holdsSecret(writes.values, secretsOf(phrase), phrase)).toBe(true);
      expect(holdsSecret(await dumpDatabase(indexedDB, 'parley'), secretsOf(phrase), phrase)).toBe(true);
    } finally {
      writes.stop();
    }
  });
});

describe('the passphrase', () => {
  it('is required to reveal the phrase and always checked by unlock; lock forgets the keys and pauses messaging', async () => {
    const core = await openCore();
    const phrase = await core.newRecoveryPhrase();
    await core.createAccount({ recoveryPhrase: phrase, displayName: 'A', passphrase: PASSPHRASE });

    await expect(core.revealRecoveryPhrase()).rejects.toMatchObject({ code: 'wrong_passphrase' });
    await expect(core.revealRecoveryPhrase('wrong')).rejects.toMatchObject({ code: 'wrong_passphrase' });
    expect(await core.revealRecoveryPhrase(PASSPHRASE)).toBe(phrase);
    // Unlocked already: a wrong passphrase is still wrong.
    await expect(core.unlock('wrong')).rejects.toMatchObject({ code: 'wrong_passphrase' });
    expect(await core.unlock(PASSPHRASE)).toMatchObject({ locked: false });

    core.events.length = 0;
    const locked = await core.lock();
    expect(locked).toMatchObject({ locked: true, hasPassphrase: true });
    expect(core.events).toContainEqual({ type: 'account', account: locked });
    await expect(core.sendMessage(BOB, 'no')).rejects.toMatchObject({ code: 'account_locked' });
    // The stored phrase can still be shown for the right passphrase.
    expect(await core.revealRecoveryPhrase(PASSPHRASE)).toBe(phrase);
    await expect(core.unlock('wrong')).rejects.toMatchObject({ code: 'wrong_passphrase' });
    expect(await core.unlock(PASSPHRASE)).toMatchObject({ locked: false });
    await expect(core.sendMessage(BOB, 'yes')).resolves.toMatchObject({ status: 'queued' });
  });

  it('lock refuses without a passphrase (nothing could unlock it again)', async () => {
    const core = await openCore();
    await core.createAccount({ recoveryPhrase: await core.newRecoveryPhrase(), displayName: 'A' });
    await expect(core.lock()).rejects.toMatchObject({ code: 'no_passphrase' });
    expect(await core.getAccount()).toMatchObject({ locked: false });
  });
});

describe('wrong passphrases in a row', () => {
  it('after five, every attempt waits (even the right passphrase, refused before Argon2id), across a reload; a right one after the wait clears the count', async () => {
    const time = new FakeTime();
    const indexedDB = freshIndexedDB();
    const core = await openCore(indexedDB, time);
    const phrase = await core.newRecoveryPhrase();
    await core.createAccount({ recoveryPhrase: phrase, displayName: 'A', passphrase: PASSPHRASE });
    await core.lock();

    for (const attempt of [1, 2, 3, 4]) expect(await rejectionCodeOf(core.unlock(`wrong ${attempt}`), 'retryAfterMs')).toBe('wrong_passphrase:');
    // Every door counts: the fifth wrong one is a reveal, and it starts a 30 s wait.
    expect(await rejectionCodeOf(core.revealRecoveryPhrase('wrong 5'), 'retryAfterMs')).toBe('wrong_passphrase:30000');
    // The sixth is refused unchecked: the right passphrase would have opened the lock.
    expect(await rejectionCodeOf(core.unlock(PASSPHRASE), 'retryAfterMs')).toBe('too_many_attempts:30000');
    expect(await rejectionCodeOf(core.revealRecoveryPhrase(PASSPHRASE), 'retryAfterMs')).toBe('too_many_attempts:30000');
    expect(await rejectionCodeOf(core.setPassphrase('another long one', PASSPHRASE), 'retryAfterMs')).toBe('too_many_attempts:30000');
    expect(await rejectionCodeOf(core.removePassphrase(PASSPHRASE), 'retryAfterMs')).toBe('too_many_attempts:30000');
    time.advance(10_000);
    expect(await rejectionCodeOf(core.unlock(PASSPHRASE), 'retryAfterMs')).toBe('too_many_attempts:20000');

    // A reload (a new core over the same database) still waits.
    await closeCore(core);
    const again = await openCore(indexedDB, time);
    // The account view tells the Unlock screen at once, before any attempt.
    expect(await again.getAccount()).toMatchObject({ locked: true, passphraseRetryAfterMs: 20_000 });
    expect(await rejectionCodeOf(again.unlock(PASSPHRASE), 'retryAfterMs')).toBe('too_many_attempts:20000');
    time.advance(20_000);
    // Wrong again after the wait: the next wait doubles.
    expect(await rejectionCodeOf(again.unlock('wrong 6'), 'retryAfterMs')).toBe('wrong_passphrase:60000');
    time.advance(59_999);
    expect(await rejectionCodeOf(again.unlock(PASSPHRASE), 'retryAfterMs')).toBe('too_many_attempts:1');
    time.advance(1);
    expect(await again.unlock(PASSPHRASE)).toMatchObject({ locked: false });
    // The right one cleared the count: five more wrong ones before any wait.
    for (const attempt of [1, 2, 3, 4]) expect(await rejectionCodeOf(again.unlock(`wrong ${attempt}`), 'retryAfterMs')).toBe('wrong_passphrase:');
    expect(await again.revealRecoveryPhrase(PASSPHRASE)).toBe(phrase);
  });

  it('a device clock set back does not stretch the wait beyond what the count allows', async () => {
    const time = new FakeTime();
    const core = await openCore(freshIndexedDB(), time);
    await core.createAccount({ recoveryPhrase: await core.newRecoveryPhrase(), displayName: 'A', passphrase: PASSPHRASE });
    for (const attempt of [1, 2, 3, 4, 5]) await rejectionCodeOf(core.unlock(`wrong ${attempt}`));
    time.now -= 24 * 60 * 60_000;
    expect(await rejectionCodeOf(core.unlock(PASSPHRASE), 'retryAfterMs')).toBe('too_many_attempts:30000');
    time.advance(30_000);
    expect(await core.unlock(PASSPHRASE)).toMatchObject({ locked: false });
  });

  it('waits 30 s after the fifth, then doubles, up to 15 minutes', () => {
    expect([0, 1, 4, 5, 6, 7, 8, 9, 10, 11, 50].map(waitAfter)).toEqual([0, 0, 0, 30_000, 60_000, 120_000, 240_000, 480_000, 900_000, 900_000, 900_000]);
  });
});

describe('a weak passphrase', () => {
  it('is refused at create, restore, set and change with the reason, and nothing is written', async () => {
    const indexedDB = freshIndexedDB();
    const core = await openCore(indexedDB);
    const phrase = await core.newRecoveryPhrase();
    const words = phrase.split(' ');
    const longWord = words.find((word) => word.length >= 8);
    const weak: [string, string][] = [
      ['tall', 'too_short'],
      ['zzzzzzzzzz', 'one_character'],
      ['12345678', 'sequence'],
      ['ABCDEFGHI', 'sequence'],
      ['Password123', 'common'],
      [words.slice(0, 3).join(''), 'recovery_phrase'],
      [phrase, 'recovery_phrase'],
      ...(longWord ? [[longWord, 'recovery_phrase'] as [string, string]] : []),
    ];
    for (const [passphrase, reason] of weak) {
      expect(await rejectionCodeOf(core.createAccount({ recoveryPhrase: phrase, displayName: 'A', passphrase }), 'reason'), passphrase).toBe(`invalid_argument:${reason}`);
      expect(await rejectionCodeOf(core.restoreAccount({ recoveryPhrase: phrase, passphrase }), 'reason'), passphrase).toBe(`invalid_argument:${reason}`);
    }
    expect((await dumpDatabase(indexedDB, 'parley'))['account']).toEqual([]);

    await core.createAccount({ recoveryPhrase: phrase, displayName: 'A' });
    for (const [passphrase, reason] of weak) {
      expect(await rejectionCodeOf(core.setPassphrase(passphrase), 'reason'), passphrase).toBe(`invalid_argument:${reason}`);
    }
    expect(await core.getAccount()).toMatchObject({ hasPassphrase: false });
    await core.setPassphrase(PASSPHRASE);
    for (const [passphrase, reason] of weak) {
      expect(await rejectionCodeOf(core.setPassphrase(passphrase, PASSPHRASE), 'reason'), passphrase).toBe(`invalid_argument:${reason}`);
    }
    // Refused before the current passphrase is checked: no attempt was counted.
    await expect(core.unlock(PASSPHRASE)).resolves.toMatchObject({ locked: false });
    expect(await core.revealRecoveryPhrase(PASSPHRASE)).toBe(phrase);
  });
});

describe('checks as the person types', () => {
  it('names the unknown word and its position, the word count and the checksum; spaces and capitals do not matter', async () => {
    const core = await openCore();
    const phrase = encodeMnemonic(new Uint8Array(16).fill(42));
    const words = phrase.split(' ');
    expect(await core.checkRecoveryPhrase(`\t ${phrase.toUpperCase().split(' ').join('  ')}\n`)).toEqual({ ok: true });
    expect(await core.checkRecoveryPhrase([words[0], 'Qwzx', ...words.slice(2)].join(' '))).toEqual({
      ok: false,
      code: 'mnemonic_unknown_word',
      details: { position: 2, word: 'qwzx' },
    });
    // An unknown word is named as soon as it is typed, before the phrase is complete.
    expect(await core.checkRecoveryPhrase(`${words[0]} qwzx `)).toMatchObject({ ok: false, code: 'mnemonic_unknown_word', details: { position: 2 } });
    expect(await core.checkRecoveryPhrase(words.slice(0, 5).join(' '))).toEqual({ ok: false, code: 'mnemonic_word_count', details: { count: 5, expected: '13 or 25' } });
    const otherChecksum = words.slice(0, 12).concat(words.find((w) => w !== words[12])!).join(' ');
    expect(await core.checkRecoveryPhrase(otherChecksum)).toEqual({ ok: false, code: 'mnemonic_checksum', details: {} });
    expect(await core.checkRecoveryPhrase(42 as never)).toMatchObject({ ok: false, code: 'invalid_argument' });
  });

  it('says what is wrong with a Session ID', async () => {
    const core = await openCore();
    expect(await core.checkSessionId(` ${BOB.toUpperCase()} `)).toEqual({ ok: true });
    expect(await core.checkSessionId(BOB.slice(0, 60))).toEqual({ ok: false, code: 'session_id_length', details: { length: 60, expected: 66 } });
    expect(await core.checkSessionId(`06${BOB.slice(2)}`)).toMatchObject({ ok: false, code: 'session_id_prefix' });
    expect(await core.checkSessionId(`15${BOB.slice(2)}`)).toMatchObject({ ok: false, code: 'session_id_blinded' });
    expect(await core.checkSessionId(`${BOB.slice(0, 10)}g${BOB.slice(11)}`)).toEqual({
      ok: false,
      code: 'session_id_not_hex',
      details: { position: 11, character: 'g' },
    });
  });
});

describe('preferences', () => {
  it('default to no auto-lock, no notifications, media auto-download on; changes are checked, kept, and announced', async () => {
    const indexedDB = freshIndexedDB();
    const core = await openCore(indexedDB);
    expect(await core.getPreferences()).toEqual({ autoLockMinutes: null, notifications: 'off', autoDownloadMedia: true });
    for (const bad of [{ autoLockMinutes: 0 }, { autoLockMinutes: 1.5 }, { autoLockMinutes: 24 * 60 + 1 }, { notifications: 'loud' }, { theme: 'dark' }, { autoDownloadMedia: 'yes' }]) {
      await expect(core.setPreferences(bad as never)).rejects.toMatchObject({ code: 'invalid_argument' });
    }
    expect(core.events.filter((e) => e.type === 'preferences')).toEqual([]);
    expect(await core.setPreferences({ autoLockMinutes: 15, notifications: 'with_sender' })).toEqual({ autoLockMinutes: 15, notifications: 'with_sender', autoDownloadMedia: true });
    await core.setPreferences({ notifications: 'with_sender' }); // no change, no event
    expect(core.events.filter((e) => e.type === 'preferences')).toEqual([
      { type: 'preferences', preferences: { autoLockMinutes: 15, notifications: 'with_sender', autoDownloadMedia: true } },
    ]);
    expect(await core.setPreferences({ autoDownloadMedia: false })).toMatchObject({ autoDownloadMedia: false });
    await closeCore(core);
    const again = await openCore(indexedDB);
    expect(await again.getPreferences()).toEqual({ autoLockMinutes: 15, notifications: 'with_sender', autoDownloadMedia: false });
    expect(await again.setPreferences({ autoLockMinutes: null })).toEqual({ autoLockMinutes: null, notifications: 'with_sender', autoDownloadMedia: false });
  });
});

describe('auto-lock', () => {
  it('locks after the chosen minutes without use; use starts the count again; reads do not', async () => {
    const time = new FakeTime();
    const core = await openCore(freshIndexedDB(), time);
    await core.createAccount({ recoveryPhrase: await core.newRecoveryPhrase(), displayName: 'A', passphrase: PASSPHRASE });
    await core.setPreferences({ autoLockMinutes: 5 });

    time.advance(4 * 60_000);
    await core.setDisplayName('Still here'); // use
    time.advance(4 * 60_000);
    await core.listConversations(); // a read the UI makes by itself: not use
    await core.getNetworkState();
    expect(await core.getAccount()).toMatchObject({ locked: false });
    core.events.length = 0;
    time.advance(60_000 + 1);
    await expect.poll(() => core.events.some((e) => e.type === 'account' && e.account?.locked === true)).toBe(true);
    expect(await core.getAccount()).toMatchObject({ locked: true });

    // Unlocking starts a fresh count.
    await core.unlock(PASSPHRASE);
    time.advance(5 * 60_000 - 1);
    expect(await core.getAccount()).toMatchObject({ locked: false });
    await core.setPreferences({ autoLockMinutes: null });
    time.advance(60 * 60_000);
    expect(await core.getAccount()).toMatchObject({ locked: false });
  });

  it('does nothing without a passphrase, and starts working once one is set', async () => {
    const time = new FakeTime();
    const core = await openCore(freshIndexedDB(), time);
    await core.createAccount({ recoveryPhrase: await core.newRecoveryPhrase(), displayName: 'A' });
    await core.setPreferences({ autoLockMinutes: 1 });
    time.advance(2 * 60_000);
    // The lock was tried and refused (no passphrase); a later call shows the account as it was.
    await core.setDisplayName('B');
    expect(await core.getAccount()).toMatchObject({ locked: false, hasPassphrase: false });
    await core.setPassphrase(PASSPHRASE);
    core.events.length = 0;
    time.advance(60_000);
    await expect.poll(() => core.events.some((e) => e.type === 'account' && e.account?.locked === true)).toBe(true);
  });
});

describe('what the screens show', () => {
  it('counts the outbox and announces each change; the list shows the last message', async () => {
    const core = await openCore();
    await core.createAccount({ recoveryPhrase: await core.newRecoveryPhrase(), displayName: 'A' });
    expect(await core.getOutboxSummary()).toEqual({ pending: 0, failed: 0 });
    await core.openConversation(BOB);
    expect((await core.listConversations())[0]).toMatchObject({ id: BOB, lastMessage: null });

    await core.sendMessage(BOB, 'one');
    await core.sendMessage(BOB, 'two');
    // Offline: both wait in the outbox.
    await expect.poll(() => core.events.filter((e) => e.type === 'outbox').at(-1)).toEqual({ type: 'outbox', outbox: { pending: 2, failed: 0 } });
    expect(await core.getOutboxSummary()).toEqual({ pending: 2, failed: 0 });
    expect(core.events.filter((e) => e.type === 'outbox').map((e) => (e.type === 'outbox' ? e.outbox.pending : -1))).toEqual([1, 2]);

    const [conversation] = await core.listConversations();
    expect(conversation!.lastMessage).toMatchObject({ direction: 'outgoing', body: 'two', status: 'queued' });
    const announced = core.events.filter((e) => e.type === 'conversation').at(-1);
    expect(announced).toMatchObject({ conversation: { id: BOB, lastMessage: { body: 'two' } } });

    // A status change of the newest message refreshes the preview; one of an older message does not.
    const [first, second] = (await core.listMessages(BOB)).map((m) => m.id);
    core.events.length = 0;
    await core.retryMessage(first!);
    await core.retryMessage(second!);
    await expect.poll(() => core.events.filter((e) => e.type === 'conversation').length).toBe(1);
    expect(core.events.filter((e) => e.type === 'message_status').map((e) => (e.type === 'message_status' ? e.messageId : 0))).toEqual([first, second]);
    // The statuses were heard in order, so a preview event for the first would have come before this one.
    expect(core.events.find((e) => e.type === 'conversation')).toMatchObject({ conversation: { lastMessage: { body: 'two', status: 'queued' } } });

    await core.deleteAccount({ fromNetwork: false });
    await expect.poll(() => core.events.filter((e) => e.type === 'outbox').at(-1)).toEqual({ type: 'outbox', outbox: { pending: 0, failed: 0 } });
  });

  it("names the network, the relay and the devnet's echo peer", async () => {
    const core = await openCore();
    expect(await core.getNetworkInfo()).toEqual({ profile: 'devnet', relayUrl: RELAY, echoPeerSessionId: ECHO_PEER });
  });
});

await ready();

describe('disappearing messages in the Core (docs/disappearing.md)', () => {
  const TWELVE_HOURS = 43_200;

  it('a timed message goes when its time comes while open, and at start-up when it ran out while closed', async () => {
    const indexedDB = freshIndexedDB();
    const time = new FakeTime();
    const core = await openCore(indexedDB, time);
    await core.createAccount({ recoveryPhrase: await core.newRecoveryPhrase(), displayName: 'Ann' });
    const view = await core.setDisappearing(BOB, 'after_send', TWELVE_HOURS);
    expect(view.disappearing).toEqual({ mode: 'after_send', timerSeconds: TWELVE_HOURS });

    const first = await core.sendMessage(BOB, 'first');
    expect(first.expiresAt).toBe(first.sentAt + TWELVE_HOURS * 1000);
    time.advance(TWELVE_HOURS * 1000 + 1_000);
    // The scheduler arms its timer after the message's event: fire what is due until it has run.
    await expect
      .poll(() => {
        time.advance(0);
        return core.events.some((e) => e.type === 'messages_removed' && e.messageIds.includes(first.id));
      })
      .toBe(true);
    expect((await core.listMessages(BOB)).map((m) => m.kind)).toEqual(['disappearing_changed']);

    const second = await core.sendMessage(BOB, 'second');
    await closeCore(core);
    time.now += TWELVE_HOURS * 1000 + 1; // the app is closed: no timer runs
    const reopened = await openCore(indexedDB, time);
    expect((await reopened.listMessages(BOB)).map((m) => m.id)).not.toContain(second.id);
    expect((await reopened.listMessages(BOB)).map((m) => m.kind)).toEqual(['disappearing_changed']);
  });
});
