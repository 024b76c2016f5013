/**
 * Sending attachments without a network (a fake file server client): the message is written first,
 * each file uploaded once (a restart resumes where it stopped, never uploading a file twice),
 * handed to the outbox once, and what it hands over opens at the recipient — through the real
 * receiver and download — into the same bytes. Failures: given up, failed with the code, retried.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { randomIdentity } from '../../../test/identities.ts';
import { makeContext, type TestContext } from '../../../test/services-fixture.ts';
import { waitUntil } from '../../../test/wait.ts';
import { expectCode } from '../../../test/expect-code.ts';
import { fromBase64 } from '../../../wasm/bytes.ts';
import type { Identity } from '../../../wasm/identity.ts';
import { ready } from '../../../wasm/sodium.ts';
import { ParleyError } from '../../shared/errors.ts';
import { attachmentUrl, SESSION_FILE_SERVER } from '../../shared/file-server-api.ts';
import { fileIdOfForTests } from '../../../test/file-ids.ts';
import { getMessage, getOutboxEntry, pageConversation, recordDestinationStored } from '../store/index.ts';
import { prepareAttachment, readOutgoingFiles } from './attachment-codec.ts';
import { AttachmentUploader, type AttachmentUploadClient } from './attachment-uploader.ts';
import { AttachmentService } from './attachments.ts';
import { Outbox } from './outbox.ts';
import { Receiver } from './receiver.ts';

let me: Identity;
let peer: Identity;
const open: TestContext[] = [];
const uploaders: AttachmentUploader[] = [];

beforeAll(async () => {
  await ready();
  me = randomIdentity();
  peer = randomIdentity();
});
afterEach(async () => {
  for (const u of uploaders.splice(0)) await u.stop();
  for (const t of open.splice(0)) t.close();
});

/** A file server in memory: what was uploaded, by URL; `fail` decides per upload whether to throw. */
function fakeServer(fail: (n: number) => ParleyError | undefined = () => undefined) {
  const blobs = new Map<string, Uint8Array>();
  let uploads = 0;
  const client: AttachmentUploadClient = {
    upload: async (blob) => {
      const error = fail(uploads++);
      if (error) throw error;
      const id = fileIdOfForTests(blob);
      const url = attachmentUrl(SESSION_FILE_SERVER, id);
      blobs.set(url, blob.slice());
      return { id, url, expires: 0 };
    },
  };
  return { client, blobs, uploads: () => uploads };
}

const FILES = [
  { name: 'photo.jpg', type: 'image/jpeg', bytes: new Uint8Array(3000).map((_, i) => i & 0xff), width: 60, height: 40 },
  { name: 'notes.txt', type: 'text/plain', bytes: new TextEncoder().encode('some notes') },
];

async function writeMessage(t: TestContext, caption = 'two files') {
  const outbox = new Outbox(t.ctx);
  const read = await readOutgoingFiles(FILES.map((f) => ({ name: f.name, type: f.type, data: new Blob([f.bytes]), width: f.width, height: f.height })));
  const prepared = await Promise.all(read.map((f) => prepareAttachment(f)));
  return outbox.queueAttachments(peer.sessionId, caption, prepared);
}

function uploader(t: TestContext, client: AttachmentUploadClient, kicks: { n: number } = { n: 0 }): AttachmentUploader {
  const u = new AttachmentUploader(t.ctx, { kick: () => void kicks.n++ }, { files: client, schedule: { maxAttempts: 2, retryBaseMs: 1, retryMaxMs: 2 } });
  uploaders.push(u);
  return u;
}

async function context(): Promise<TestContext> {
  const t = await makeContext({ identity: me });
  open.push(t);
  return t;
}

describe('AttachmentUploader', () => {
  it('writes first, uploads each file, hands over once; the recipient opens the same bytes', async () => {
    const t = await context();
    const record = await writeMessage(t);
    expect(record.attachments?.map((a) => a.state)).toEqual(['queued', 'queued']);
    expect(await getOutboxEntry(t.db, record.id)).toBeUndefined();

    const server = fakeServer();
    const kicks = { n: 0 };
    uploader(t, server.client, kicks).start();
    await waitUntil('handed to the outbox', async () => (await getOutboxEntry(t.db, record.id)) !== undefined);
    expect(server.uploads()).toBe(2);
    expect(kicks.n).toBeGreaterThanOrEqual(1);
    const sent = await getMessage(t.db, record.id);
    expect(sent?.attachments?.map((a) => [a.state, a.source?.url !== null])).toEqual([
      ['sent', true],
      ['sent', true],
    ]);

    // The recipient's side: the real receiver, then a download from the same fake server.
    const bob = await makeContext({ identity: peer });
    open.push(bob);
    const entry = (await getOutboxEntry(t.db, record.id))!;
    await new Receiver(bob.ctx).receive([{ hash: 'h1', data: fromBase64(entry.recipientPayload), timestamp: record.sentAt, expiration: record.sentAt + 86_400_000 }]);
    const [received] = await pageConversation(bob.db, me.sessionId);
    expect(received?.body).toBe('two files');
    expect(received?.attachments?.map((a) => [a.fileName, a.contentType, a.size, a.width, a.state])).toEqual([
      ['photo.jpg', 'image/jpeg', 3000, 60, 'available'],
      ['notes.txt', 'text/plain', 10, null, 'available'],
    ]);
    const downloads = new AttachmentService(bob.ctx, { download: async (url) => server.blobs.get(url)! });
    for (const [index, file] of FILES.entries()) {
      await downloads.download(received!.id, index);
      const blob = await downloads.read(received!.id, index);
      expect(new Uint8Array(await blob.arrayBuffer())).toEqual(file.bytes);
    }
  });

  it('resumes after a restart without uploading a file twice, and hands over exactly once', async () => {
    const t = await context();
    const record = await writeMessage(t);
    // First run: the first file goes up, then the network is gone.
    const flaky = fakeServer((n) => (n === 1 ? new ParleyError('network_offline', 'gone') : undefined));
    const first = uploader(t, flaky.client);
    first.start();
    await waitUntil('the first file is up', async () => (await getMessage(t.db, record.id))?.attachments?.[0]?.state === 'sent');
    await waitUntil('the second upload was tried', () => flaky.uploads() >= 2);
    await first.stop();
    expect((await getMessage(t.db, record.id))?.attachments?.[1]?.state).toBe('queued');

    // "Reload": a new uploader over the same database uploads only what is missing.
    const server = fakeServer();
    const second = uploader(t, server.client);
    second.start();
    await waitUntil('handed to the outbox', async () => (await getOutboxEntry(t.db, record.id)) !== undefined);
    expect(server.uploads()).toBe(1);
    const entry = await getOutboxEntry(t.db, record.id);
    // Another pass (a kick, another restart) finds nothing to do.
    const third = uploader(t, server.client);
    third.start();
    third.kick();
    await second.stop();
    await third.stop();
    expect(server.uploads()).toBe(1);
    expect(await getOutboxEntry(t.db, record.id)).toEqual(entry);
  });

  it('gives up on a refusal: the message fails with the code; a retry sends it', async () => {
    const t = await context();
    const record = await writeMessage(t, '');
    let refuse = true;
    const server = fakeServer(() => (refuse ? new ParleyError('file_server_refused', 'no', { status: 500 }) : undefined));
    const u = uploader(t, server.client);
    u.start();
    await waitUntil('failed', async () => (await getMessage(t.db, record.id))?.direction === 'outgoing' && (await getMessage(t.db, record.id) as { status: string }).status === 'failed');
    const failed = await getMessage(t.db, record.id);
    expect(failed).toMatchObject({ status: 'failed', failureCode: 'file_server_refused' });
    expect(failed?.attachments?.[0]).toMatchObject({ state: 'failed', failureCode: 'file_server_refused' });
    expect(t.events.some((e) => e.type === 'message_status' && e.status === 'failed')).toBe(true);

    refuse = false;
    expect(await u.owns(record.id)).toBe(true);
    await u.retry(record.id);
    await waitUntil('handed to the outbox', async () => (await getOutboxEntry(t.db, record.id)) !== undefined);
    expect((await getMessage(t.db, record.id) as { status: string }).status).toBe('queued');
    await expectCode(u.retry(record.id), 'message_not_found');
  });

  it('waits when the relay paces its uploads (relay_busy), without failing the message', async () => {
    const t = await context();
    const record = await writeMessage(t);
    const server = fakeServer((n) => (n === 0 ? new ParleyError('relay_busy', 'slow down', { reason: 'rate_limited', retryAfterMs: 5 }) : undefined));
    uploader(t, server.client).start();
    await waitUntil('handed to the outbox', async () => (await getOutboxEntry(t.db, record.id)) !== undefined);
    expect(server.uploads()).toBe(3);
    expect((await getMessage(t.db, record.id) as { status: string }).status).toBe('queued');
  });

  it('reports each upload in steps of at least 5 %, starting at 0 and ending at 1', async () => {
    const t = await context();
    const record = await writeMessage(t);
    const server = fakeServer();
    // A platform that reports every 1 % (XMLHttpRequest's progress events), twice at the end.
    const stepping: AttachmentUploadClient = {
      upload: async (blob, options) => {
        for (let percent = 0; percent <= 100; percent++) options?.onProgress?.(percent / 100);
        options?.onProgress?.(1);
        return server.client.upload(blob, options);
      },
    };
    uploader(t, stepping).start();
    await waitUntil('handed to the outbox', async () => (await getOutboxEntry(t.db, record.id)) !== undefined);
    for (const index of [0, 1]) {
      const steps = t.events.flatMap((e) => (e.type === 'attachment_progress' && e.messageId === record.id && e.index === index ? [e.progress] : []));
      expect(steps[0]).toBe(0);
      expect(steps.at(-1)).toBe(1);
      expect(steps.filter((p) => p === 1)).toHaveLength(1);
      for (let i = 1; i < steps.length - 1; i++) expect(steps[i]! - steps[i - 1]!).toBeGreaterThanOrEqual(0.05 - 1e-9);
      expect(steps.length).toBeLessThanOrEqual(22);
    }
  });

  it('Stop during an upload: aborted, the message not sent (failed, aborted), never handed over; Retry sends it', async () => {
    const t = await context();
    const record = await writeMessage(t);
    const server = fakeServer();
    const aborted: boolean[] = [];
    let hold = true;
    // The first upload hangs until its signal fires, as a slow network would.
    const slow: AttachmentUploadClient = {
      upload: (blob, options) =>
        hold
          ? new Promise((_resolve, reject) => {
              options?.signal?.addEventListener('abort', () => {
                aborted.push(true);
                reject(new ParleyError('aborted', 'stopped'));
              });
            })
          : server.client.upload(blob, options),
    };
    const u = uploader(t, slow);
    u.start();
    await waitUntil('uploading', async () => (await getMessage(t.db, record.id))?.attachments?.[0]?.state === 'uploading');

    expect(await u.cancel(record.id)).toBe(true);
    await waitUntil('the upload aborted', () => aborted.length === 1);
    const stopped = await getMessage(t.db, record.id);
    expect(stopped).toMatchObject({ status: 'failed', failureCode: 'aborted' });
    expect(stopped?.attachments?.map((a) => a.state)).toEqual(['cancelled', 'cancelled']);
    expect(t.events).toContainEqual({ type: 'message_status', messageId: record.id, conversationId: record.conversationId, status: 'failed', failureCode: 'aborted' });
    // A second Stop has nothing to stop.
    expect(await u.cancel(record.id)).toBe(false);
    // The pass is over (stop waits for it): nothing was handed over, nothing changed back.
    await u.stop();
    expect(await getOutboxEntry(t.db, record.id)).toBeUndefined();
    expect((await getMessage(t.db, record.id))?.attachments?.map((a) => a.state)).toEqual(['cancelled', 'cancelled']);

    hold = false;
    const again = uploader(t, slow);
    again.start();
    expect(await again.owns(record.id)).toBe(true);
    await again.retry(record.id);
    await waitUntil('handed to the outbox', async () => (await getOutboxEntry(t.db, record.id)) !== undefined);
    expect(server.uploads()).toBe(2);
    expect((await getMessage(t.db, record.id))?.attachments?.map((a) => a.state)).toEqual(['sent', 'sent']);
    // Handed over: a retry is the outbox's again.
    expect(await again.owns(record.id)).toBe(false);
  });

  it('Stop at the moment an upload finishes: the URL is kept, the message is not handed over; Retry does not upload it again', async () => {
    const t = await context();
    const record = await writeMessage(t);
    const server = fakeServer();
    let u: AttachmentUploader;
    let stopFirst = true;
    // The upload succeeds, but the Stop lands before its answer is acted on: the worst interleaving.
    const racing: AttachmentUploadClient = {
      upload: async (blob, options) => {
        const uploaded = await server.client.upload(blob, options);
        if (stopFirst) {
          stopFirst = false;
          expect(await u.cancel(record.id)).toBe(true);
          expect(options?.signal?.aborted).toBe(true);
        }
        return uploaded;
      },
    };
    u = uploader(t, racing);
    u.start();
    await waitUntil('stopped', async () => (await getMessage(t.db, record.id) as { status: string } | undefined)?.status === 'failed');
    await u.stop();
    expect(await getOutboxEntry(t.db, record.id)).toBeUndefined();
    const stopped = await getMessage(t.db, record.id);
    expect(stopped).toMatchObject({ status: 'failed', failureCode: 'aborted' });
    // The first file did reach the server: kept, so a retry uploads only the second.
    expect(stopped?.attachments?.map((a) => [a.state, a.source?.url !== null])).toEqual([
      ['sent', true],
      ['cancelled', false],
    ]);
    expect(server.uploads()).toBe(1);

    const again = uploader(t, racing);
    again.start();
    await again.retry(record.id);
    await waitUntil('handed to the outbox', async () => (await getOutboxEntry(t.db, record.id)) !== undefined);
    expect(server.uploads()).toBe(2);
  });

  it('Stop after the hand-over comes too late: the message is sent as usual', async () => {
    const t = await context();
    const record = await writeMessage(t);
    const u = uploader(t, fakeServer().client);
    u.start();
    await waitUntil('handed to the outbox', async () => (await getOutboxEntry(t.db, record.id)) !== undefined);
    expect(await u.cancel(record.id)).toBe(false);
    expect(await getMessage(t.db, record.id)).toMatchObject({ status: 'queued', failureCode: null });
    expect(await getOutboxEntry(t.db, record.id)).toBeDefined();
    expect(await u.owns(record.id)).toBe(false);
    // Once stored at both destinations it is sent and its entry gone: still not the uploader's to retry.
    for (const destination of ['recipient', 'sync'] as const) {
      await recordDestinationStored(t.db, { messageId: record.id, destination, hash: `h-${destination}`, expiresAt: record.sentAt + 86_400_000 });
    }
    expect(await getOutboxEntry(t.db, record.id)).toBeUndefined();
    expect(await u.owns(record.id)).toBe(false);
    await expectCode(u.cancel(0), 'invalid_argument', 'messageId');
  });

  it('checks the files it is given', async () => {
    await expectCode(readOutgoingFiles([]), 'invalid_argument', 'files');
    await expectCode(readOutgoingFiles([{ name: 1, type: 'x', data: new Blob([]) }]), 'invalid_argument', 'files[0].name');
    await expectCode(readOutgoingFiles([{ name: 'a', type: 'x', data: 'not a blob' }]), 'invalid_argument', 'files[0].data');
    await expectCode(readOutgoingFiles([{ name: 'a', type: 'x', data: new Blob([]), width: -1 }]), 'invalid_argument', 'files[0].width');
    await expectCode(readOutgoingFiles([{ name: 'a', type: 'x', data: new Blob([new Uint8Array(10_000_001)]) }]), 'attachment_too_large');
    await expectCode(prepareAttachment({ name: 'a', type: 'x', data: new Uint8Array(9_999_999) }), 'attachment_too_large');
  });
});
