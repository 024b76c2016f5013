/**
 * AttachmentService with a fake file server client: download → decrypt → stored bytes → read;
 * every state change announced; failures recorded on that attachment only; cancel; the message's
 * removal or unsend takes the bytes with it.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectCode } from '../../../test/expect-code.ts';
import { waitUntil } from '../../../test/wait.ts';
import { randomIdentity } from '../../../test/identities.ts';
import { makeContext, type TestContext } from '../../../test/services-fixture.ts';
import { ParleyError } from '../../shared/errors.ts';
import { attachmentUrl, SESSION_FILE_SERVER } from '../../shared/file-server-api.ts';
import { ready } from '../../../wasm/sodium.ts';
import type { Identity } from '../../../wasm/identity.ts';
import { getMessage, insertMessage, markMessageUnsent, readAttachmentData, removeMessage } from '../store/index.ts';
import { pointerFor, sealAttachment, storedAttachmentOf } from './attachment-codec.ts';
import { AttachmentService, type AttachmentDownloader } from './attachments.ts';

let me: Identity;
let peer: Identity;
const open: TestContext[] = [];

beforeAll(async () => {
  await ready();
  me = randomIdentity();
  peer = randomIdentity();
});
afterEach(() => {
  for (const t of open.splice(0)) t.close();
});

const FILE_ID = 'Qm'.repeat(22);
const PLAINTEXT = new TextEncoder().encode('the photo bytes');

/** A context with one incoming message carrying a good attachment and a malformed one; the fake server holds the good blob. */
async function setup(download?: AttachmentDownloader['download']) {
  const t = await makeContext({ identity: me });
  open.push(t);
  const sealed = await sealAttachment({ name: 'photo.jpg', type: 'image/jpeg', data: PLAINTEXT, width: 4, height: 3 });
  const pointer = pointerFor(sealed, { id: FILE_ID, url: attachmentUrl(SESSION_FILE_SERVER, FILE_ID), expires: 0 });
  const asked: string[] = [];
  const files: AttachmentDownloader = {
    download:
      download ??
      (async (url) => {
        asked.push(url);
        return sealed.encrypted.blob;
      }),
  };
  const inserted = await insertMessage(t.db, {
    direction: 'incoming',
    conversationId: peer.sessionId,
    senderSessionId: peer.sessionId,
    sentAt: 1000,
    receivedAt: 1001,
    body: '',
    swarmHashes: ['h'],
    expiresAt: null,
    attachments: [storedAttachmentOf(pointer), storedAttachmentOf({ ...pointer, digest: undefined })],
  });
  if (!inserted.inserted) throw new Error('not inserted');
  return { t, service: new AttachmentService(t.ctx, files), messageId: inserted.id, asked, pointer, blob: sealed.encrypted.blob };
}

const states = (t: TestContext) =>
  t.events.flatMap((e) => (e.type === 'message_changed' ? [e.message.attachments.map((a) => `${a.state}${a.failureCode ? `:${a.failureCode}` : ''}`).join(',')] : []));

describe('AttachmentService', () => {
  it('downloads, decrypts and keeps the bytes; read gives them back as an opaque Blob', async () => {
    const { t, service, messageId, asked, pointer } = await setup();
    await expectCode(service.read(messageId, 0), 'attachment_not_downloaded');
    await service.download(messageId, 0);
    expect(asked).toEqual([pointer.url]);
    expect(states(t)).toEqual(['downloading,failed:attachment_malformed', 'downloaded,failed:attachment_malformed']);
    const blob = await service.read(messageId, 0);
    expect(blob.type).toBe('application/octet-stream');
    expect(new TextDecoder().decode(new Uint8Array(await blob.arrayBuffer()))).toBe('the photo bytes');
    // Done once: a second call does not fetch again.
    await service.download(messageId, 0);
    expect(asked).toHaveLength(1);
  });

  it('a malformed attachment refuses to download, with its code, and nothing is fetched', async () => {
    const { service, messageId, asked } = await setup();
    await expectCode(service.download(messageId, 1), 'attachment_malformed');
    expect(asked).toEqual([]);
  });

  it('a failed download is recorded on that attachment (the code), and can be tried again', async () => {
    let fail = true;
    const { t, service, messageId } = await setup(async () => {
      if (fail) throw new ParleyError('file_not_found', 'gone');
      return new Uint8Array(100);
    });
    await expectCode(service.download(messageId, 0), 'file_not_found');
    expect((await getMessage(t.db, messageId))?.attachments?.[0]).toMatchObject({ state: 'failed', failureCode: 'file_not_found' });
    fail = false;
    // The server now answers bytes that are not this attachment: the MAC says so.
    await expectCode(service.download(messageId, 0), 'attachment_mac_invalid');
    expect(states(t).at(-1)).toBe('failed:attachment_mac_invalid,failed:attachment_malformed');
  });

  it('cancel stops a download in flight: aborted, state cancelled', async () => {
    const { t, service, messageId } = await setup(
      (_url, options) =>
        new Promise((_resolve, reject) => {
          if (options?.signal?.aborted) reject(new ParleyError('aborted', 'stopped'));
          options?.signal?.addEventListener('abort', () => reject(new ParleyError('aborted', 'stopped')));
        }),
    );
    const download = service.download(messageId, 0);
    // Joining the same download does not start another.
    expect(service.download(messageId, 0)).toBe(download);
    await new Promise((resolve) => setTimeout(resolve, 0));
    service.cancel(messageId, 0);
    await expectCode(download, 'aborted');
    expect(states(t).at(-1)).toBe('cancelled,failed:attachment_malformed');
  });

  it('unknown message or index, and bad arguments, are coded', async () => {
    const { service, messageId } = await setup();
    await expectCode(service.download(messageId + 100, 0), 'message_not_found');
    await expectCode(service.download(messageId, 5), 'attachment_not_found');
    await expectCode(service.download(messageId, -1), 'invalid_argument', 'index');
    await expectCode(service.read(0, 0), 'invalid_argument', 'messageId');
  });

  it('removing or unsending the message takes its attachments bytes with it', async () => {
    const first = await setup();
    await first.service.download(first.messageId, 0);
    expect(await readAttachmentData(first.t.db, first.messageId, 0)).toBeDefined();
    await removeMessage(first.t.db, first.messageId);
    expect(await readAttachmentData(first.t.db, first.messageId, 0)).toBeUndefined();

    const second = await setup();
    await second.service.download(second.messageId, 0);
    const tombstone = await markMessageUnsent(second.t.db, second.messageId);
    expect(tombstone?.attachments).toBeUndefined();
    expect(await readAttachmentData(second.t.db, second.messageId, 0)).toBeUndefined();
  });
});

describe('AttachmentService.autoDownload', () => {
  async function withVoiceAndPdf(talkedTo: boolean) {
    const { t, messageId, pointer, blob } = await setup();
    // The message of setup() has an image (index 0) and a malformed one (index 1); add a second message
    // with a voice message and a PDF, both good.
    const sealed = await sealAttachment({ name: 'v.m4a', type: 'audio/mp4', data: PLAINTEXT, voiceMessage: true });
    const voiceId = 'Vo'.repeat(22);
    const voice = pointerFor(sealed, { id: voiceId, url: attachmentUrl(SESSION_FILE_SERVER, voiceId), expires: 0 });
    const blobs = new Map([
      [pointer.url!, blob],
      [voice.url!, sealed.encrypted.blob],
    ]);
    const asked: string[] = [];
    const service = new AttachmentService(t.ctx, {
      download: async (url) => {
        asked.push(url);
        return blobs.get(url)!;
      },
    });
    const pdf = { ...voice, contentType: 'application/pdf', fileName: 'x.pdf', flags: 0 };
    const second = await insertMessage(t.db, {
      direction: 'incoming', conversationId: peer.sessionId, senderSessionId: peer.sessionId, sentAt: 2000, receivedAt: 2001,
      body: '', swarmHashes: ['h2'], expiresAt: null, attachments: [storedAttachmentOf(voice), storedAttachmentOf(pdf)],
    });
    if (talkedTo) {
      await insertMessage(t.db, {
        direction: 'outgoing', conversationId: peer.sessionId, senderSessionId: me.sessionId, sentAt: 500, receivedAt: 500,
        body: 'hi', swarmHashes: [], expiresAt: null, status: 'sent', failureCode: null,
      });
    }
    return { t, service, first: messageId, second: second.inserted ? second.id : 0, asked };
  }

  it('from a contact we wrote to: images and voice messages, not other files, not malformed ones', async () => {
    const { service, first, second, t } = await withVoiceAndPdf(true);
    expect(await service.autoDownload(first, async () => true)).toEqual([0]);
    expect(await service.autoDownload(second, async () => true)).toEqual([0]);
    await waitUntil('both downloaded', async () =>
      (await getMessage(t.db, first))?.attachments?.[0]?.state === 'downloaded' && (await getMessage(t.db, second))?.attachments?.[0]?.state === 'downloaded');
    expect((await getMessage(t.db, second))?.attachments?.[1]?.state).toBe('available');
  });

  it('never from someone we have not written to, and not when the preference is off', async () => {
    const unknown = await withVoiceAndPdf(false);
    expect(await unknown.service.autoDownload(unknown.first, async () => true)).toEqual([]);
    expect(await unknown.service.autoDownload(unknown.second, async () => true)).toEqual([]);
    const off = await withVoiceAndPdf(true);
    expect(await off.service.autoDownload(off.first, async () => false)).toEqual([]);
    expect(unknown.asked).toEqual([]);
    expect(off.asked).toEqual([]);
  });
});
