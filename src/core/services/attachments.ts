/**
 * Received attachments on demand (docs/attachments.md): download one (through an onion to the
 * file server), decrypt it in the worker, keep its bytes; cancel a download; read the bytes back
 * for display or saving. Each step changes the attachment's state in its message and emits
 * `message_changed`, so the UI follows without asking. A failure is recorded on that attachment
 * only (state 'failed' with its code) and the call rejects with the same code.
 */
import { checkInteger } from '../../../wasm/check.ts';
import { ParleyError, isParleyError } from '../../shared/errors.ts';
import type { FileServerClient } from '../net/file-server-client.ts';
import { getMessage, hasOutgoingMessage, readAttachmentData, updateAttachment, type AttachmentChange } from '../store/index.ts';
import type { StoredAttachment } from '../store/schema.ts';
import { openAttachment } from './attachment-codec.ts';
import { progressReporter } from './attachment-progress.ts';
import type { CoreContext } from './context.ts';
import { messageView } from './views.ts';

export type AttachmentDownloader = Pick<FileServerClient, 'download'>;

export class AttachmentService {
  /** Downloads in flight, by "messageId:index": their abort controllers and their promises. */
  private readonly running = new Map<string, { controller: AbortController; done: Promise<void> }>();

  constructor(
    private readonly ctx: CoreContext,
    private readonly files: AttachmentDownloader = ctx.network.files,
  ) {}

  /** Downloads and decrypts attachment `index` of message `messageId`; resolves once its bytes are stored. */
  download(messageId: number, index: number): Promise<void> {
    try {
      checkInteger(messageId, 'messageId', 1);
      checkInteger(index, 'index', 0);
    } catch (error) {
      return Promise.reject(error as Error);
    }
    const key = `${messageId}:${index}`;
    const running = this.running.get(key);
    if (running !== undefined) return running.done;
    const controller = new AbortController();
    const done = this.run(messageId, index, controller.signal).finally(() => this.running.delete(key));
    this.running.set(key, { controller, done });
    return done;
  }

  /**
   * What arrives by itself (docs/attachments.md): in an incoming message, the images and voice
   * messages that are available, when the preference is on and we have written to the sender's
   * conversation (an unknown sender's never). Starts their downloads (failures stay on each
   * attachment) and answers which indexes it started.
   */
  async autoDownload(messageId: number, enabled: () => Promise<boolean>): Promise<number[]> {
    const message = await getMessage(this.ctx.db, messageId);
    if (message === undefined || message.direction !== 'incoming' || (message.attachments?.length ?? 0) === 0) return [];
    if (!(await enabled())) return [];
    if (!(await hasOutgoingMessage(this.ctx.db, message.conversationId))) return [];
    const started: number[] = [];
    for (const [index, attachment] of message.attachments!.entries()) {
      const media = attachment.voiceMessage || attachment.contentType.toLowerCase().startsWith('image/');
      if (!media || attachment.state !== 'available') continue;
      started.push(index);
      this.download(messageId, index).catch((error: unknown) => this.ctx.log(`attachments: auto-download failed (${isParleyError(error) ? error.code : 'internal'})`));
    }
    return started;
  }

  /** Stops a download in flight (its call rejects with `aborted`, the attachment is 'cancelled'); nothing else happens. */
  cancel(messageId: number, index: number): void {
    this.running.get(`${messageId}:${index}`)?.controller.abort();
  }

  /** The decrypted bytes as an opaque Blob: its type is the caller's to decide, after sniffing. */
  async read(messageId: number, index: number): Promise<Blob> {
    checkInteger(messageId, 'messageId', 1);
    checkInteger(index, 'index', 0);
    await this.attachment(messageId, index);
    const bytes = await readAttachmentData(this.ctx.db, messageId, index);
    if (bytes === undefined) throw new ParleyError('attachment_not_downloaded', 'this attachment is not on this device yet', { messageId, index });
    return new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' });
  }

  private async run(messageId: number, index: number, signal: AbortSignal): Promise<void> {
    this.ctx.session.identity(); // no_account / account_locked before anything changes
    const attachment = await this.attachment(messageId, index);
    if (attachment.state === 'downloaded') return;
    // Ours (sent from this device): its bytes are here already.
    if ((await readAttachmentData(this.ctx.db, messageId, index)) !== undefined) return;
    const source = attachment.source;
    if (source === null) {
      throw new ParleyError(attachment.failureCode ?? 'attachment_malformed', 'this attachment cannot be downloaded', { messageId, index });
    }
    const url = source.url;
    if (url === null) throw new ParleyError('attachment_not_downloaded', 'this attachment is not uploaded yet', { messageId, index });
    await this.change(messageId, index, { state: 'downloading', failureCode: null });
    try {
      if (signal.aborted) throw new ParleyError('aborted', 'the download was cancelled');
      const blob = await this.files.download(url, { signal, onProgress: progressReporter(this.ctx, messageId, index) });
      const plaintext = await openAttachment(
        {
          url,
          scheme: source.scheme,
          key: source.key,
          digest: source.digest ?? undefined,
          size: attachment.size ?? undefined,
          contentType: attachment.contentType,
          fileName: attachment.fileName,
          width: attachment.width ?? undefined,
          height: attachment.height ?? undefined,
          voiceMessage: attachment.voiceMessage,
        },
        blob,
      );
      await this.change(messageId, index, { state: 'downloaded', failureCode: null }, plaintext);
      this.ctx.log(`attachments: downloaded ${plaintext.length} bytes`);
    } catch (error) {
      const cancelled = isParleyError(error, 'aborted') && signal.aborted;
      const code = isParleyError(error) ? error.code : 'internal';
      await this.change(messageId, index, cancelled ? { state: 'cancelled', failureCode: null } : { state: 'failed', failureCode: code });
      this.ctx.log(`attachments: download ${cancelled ? 'cancelled' : `failed (${code})`}`);
      throw error;
    }
  }

  private async attachment(messageId: number, index: number): Promise<StoredAttachment> {
    const message = await getMessage(this.ctx.db, messageId);
    if (message === undefined) throw new ParleyError('message_not_found', 'no such message', { messageId });
    const attachment = message.attachments?.[index];
    if (attachment === undefined) throw new ParleyError('attachment_not_found', 'the message has no attachment at that index', { messageId, index });
    return attachment;
  }

  private async change(messageId: number, index: number, change: AttachmentChange, plaintext?: Uint8Array): Promise<void> {
    const message = await updateAttachment(this.ctx.db, messageId, index, change, plaintext);
    // Deleted meanwhile (expired, unsent): nothing to show.
    if (message !== undefined) this.ctx.events.emit({ type: 'message_changed', message: messageView(message) });
  }
}
