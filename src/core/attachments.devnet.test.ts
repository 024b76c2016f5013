/**
 * Attachments between two cores through the relay, 3-hop onions and the devnet file server
 * (docs/attachments.md): Alice sends an image-sized file and a ~5 MB one with a caption, Bob's
 * core receives the pointers, downloads and decrypts both with matching SHA-256; and an attachment
 * written while offline is sent once after the core is reopened with the network back.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshIndexedDB, type TestIndexedDB } from '../../test/fake-indexeddb.ts';
import { allMessages, openTestCore, type TestCore } from '../../test/core-devnet.ts';
import { startNetFixture, type NetFixture } from '../../test/net-devnet-fixture.ts';
import { waitUntil } from '../../test/wait.ts';

let fixture: NetFixture;
const opened: TestCore[] = [];
const outbox = { schedule: { retryBaseMs: 100, retryMaxMs: 1_000, probeBaseMs: 200, probeMaxMs: 1_000 } };

beforeAll(async () => {
  fixture = await startNetFixture({ hopTimeoutMs: 25_000, proxyTimeoutMs: 20_000 });
}, 60_000);
afterAll(async () => {
  for (const core of opened) await core.close();
  await fixture.stop();
});

/** `learnFileServer`: a profile without the file server, as a browser that started offline has (asked of the relay later). */
async function openCore(options: { indexedDB?: TestIndexedDB; relayUrl?: string; learnFileServer?: boolean } = {}): Promise<TestCore> {
  const core = await openTestCore({
    relayUrl: options.relayUrl ?? fixture.relayUrl,
    ...(options.learnFileServer ? {} : { fileServer: fixture.net.devnet.fileServer }),
    outbox,
    ...(options.indexedDB ? { indexedDB: options.indexedDB } : {}),
  });
  opened.push(core);
  return core;
}

async function account(core: TestCore, name: string): Promise<string> {
  return (await core.createAccount({ recoveryPhrase: await core.newRecoveryPhrase(), displayName: name })).sessionId;
}

function bytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (x * 1_103_515_245 + 12_345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

describe('attachments between two cores (devnet)', () => {
  it('an image-sized file and a ~5 MB file arrive and download with matching hashes', async () => {
    const alice = await openCore();
    const bob = await openCore();
    const aliceId = await account(alice, 'Alice');
    const bobId = await account(bob, 'Bob');
    const image = bytes(150_000, 1);
    const big = bytes(5_000_000, 2);
    const sent = await alice.sendAttachments(
      bobId,
      [
        { name: 'photo.jpg', type: 'image/jpeg', data: new Blob([image]), width: 640, height: 480 },
        { name: 'archive.bin', type: 'application/octet-stream', data: new Blob([big]) },
      ],
      'two files',
    );
    expect(sent.attachments.map((a) => a.state)).toEqual(['queued', 'queued']);
    await waitUntil('Bob has the message', async () => (await allMessages(bob, aliceId)).length === 1, { timeoutMs: 90_000 });
    const [received] = await allMessages(bob, aliceId);
    expect(received!.body).toBe('two files');
    expect(received!.attachments.map((a) => [a.fileName, a.size, a.state])).toEqual([
      ['photo.jpg', 150_000, 'available'],
      ['archive.bin', 5_000_000, 'available'],
    ]);
    for (const [index, original] of [image, big].entries()) {
      await bob.downloadAttachment(received!.id, index);
      const blob = await bob.readAttachment(received!.id, index);
      expect(sha256(new Uint8Array(await blob.arrayBuffer()))).toBe(sha256(original));
    }
    // The 5 MB download was followed: several steps, ending at 1.
    const progress = bob.events.flatMap((e) => (e.type === 'attachment_progress' && e.messageId === received!.id && e.index === 1 ? [e.progress] : []));
    expect(progress.length).toBeGreaterThan(2);
    expect(progress.at(-1)).toBe(1);
    expect(progress).toEqual([...progress].sort((x, y) => x - y));
    // Alice's uploads were followed too: from 0 to 1 (Node has no XMLHttpRequest: fetch reports only those two).
    for (const index of [0, 1]) {
      const uploadSteps = alice.events.flatMap((e) => (e.type === 'attachment_progress' && e.messageId === sent.id && e.index === index ? [e.progress] : []));
      expect(uploadSteps).toEqual([0, 1]);
    }
    await waitUntil('Alice sees it sent', async () => (await allMessages(alice, bobId))[0]?.status === 'sent', { timeoutMs: 30_000 });
    expect((await allMessages(alice, bobId))[0]!.attachments.map((a) => a.state)).toEqual(['sent', 'sent']);
  }, 180_000);

  it('an attachment written offline is sent once after the core is reopened online, its file server learnt from the relay', async () => {
    const bob = await openCore();
    const bobId = await account(bob, 'Bob');
    const indexedDB = freshIndexedDB();
    // Started offline, it knows no file server: the upload waits for the network instead of failing.
    const offline = await openCore({ indexedDB, relayUrl: 'http://127.0.0.1:9/', learnFileServer: true });
    const aliceId = await account(offline, 'Alice');
    const file = bytes(20_000, 3);
    await offline.sendAttachments(bobId, [{ name: 'offline.bin', type: 'application/octet-stream', data: new Blob([file]) }], 'written offline');
    await waitUntil('offline', async () => (await offline.getNetworkState()).kind === 'offline', { timeoutMs: 15_000 });
    expect((await allMessages(offline, bobId))[0]!.status).toBe('queued');
    await offline.close();
    opened.splice(opened.indexOf(offline), 1);

    const back = await openCore({ indexedDB, learnFileServer: true });
    await waitUntil('Bob has it', async () => (await allMessages(bob, aliceId)).length >= 1, { timeoutMs: 90_000 });
    // A marker sent after it arrives after anything stored before it: nothing came twice.
    await back.sendMessage(bobId, 'marker');
    await waitUntil('the marker', async () => (await allMessages(bob, aliceId)).some((m) => m.body === 'marker'), { timeoutMs: 60_000 });
    const bodies = (await allMessages(bob, aliceId)).map((m) => m.body);
    expect(bodies).toEqual(['written offline', 'marker']);
    const [received] = await allMessages(bob, aliceId);
    await bob.downloadAttachment(received!.id, 0);
    expect(sha256(new Uint8Array(await (await bob.readAttachment(received!.id, 0)).arrayBuffer()))).toBe(sha256(file));
  }, 180_000);
});
