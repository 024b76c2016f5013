/**
 * The attachment uploader (docs/attachments.md): for each of our queued messages whose attachments
 * are not all on the file server, upload them one by one (the URL stored as soon as each is up, so
 * a restart never uploads it again), then build the message's payloads with the pointers and hand
 * it to the outbox — once: the entry is added only if there is none. Runs beside the outbox while
 * the account is unlocked; resumes at every start, so a reload or crash in between loses nothing.
 *
 * Failures follow the outbox's policy (outbox-policy.ts): offline waits for the network (a kick),
 * `relay_busy` (the relay's large-onion rate) waits its Retry-After without counting an attempt,
 * a retryable code tries again after the backoff, anything else — or the last attempt — marks the
 * message 'failed' with the code and its unfinished attachments 'failed'; `retry` queues it again.
 *
 * Each upload reports its progress (`attachment_progress`, steps of ≥ 5 %). The person may stop a
 * message that is not handed over yet (`cancel`): it becomes 'failed' with `aborted` in one
 * transaction that the hand-over's own check excludes, then its upload in flight is aborted; an
 * upload that finished at that very moment keeps its URL (a retry does not upload it again) but
 * the message is not handed to the outbox.
 */
import { checkInteger } from '../../../wasm/check.ts';
import { ParleyError, isParleyError, type ErrorCode } from '../../shared/errors.ts';
import type { FileServerClient } from '../net/file-server-client.ts';
import {
  addOutboxEntryOnce,
  getAccount,
  getMessage,
  getOutboxEntry,
  listAttachmentMessagesToUpload,
  readAttachmentData,
  setAttachmentUploaded,
  updateAttachment,
} from '../store/index.ts';
import type { MessageRecord, OutgoingMessageRecord } from '../store/schema.ts';
import { cancelAttachmentMessage, failAttachmentMessage, requeueAttachmentMessage, startAttachmentUpload } from '../store/attachments-repo.ts';
import { pointerOfStored, resealAttachment } from './attachment-codec.ts';
import { progressReporter } from './attachment-progress.ts';
import type { CoreContext } from './context.ts';
import { swarmTtlMs } from './disappearing-rules.ts';
import { classifySendFailure, DEFAULT_OUTBOX_SCHEDULE, nextAttemptAfter, probeDelay, type OutboxSchedule } from './outbox-policy.ts';
import { buildAttachmentPayloads } from './outgoing-message.ts';
import { messageView } from './views.ts';
import { SerialPasses } from './serial-passes.ts';

export type AttachmentUploadClient = Pick<FileServerClient, 'upload'>;

export interface AttachmentUploaderOptions {
  readonly files?: AttachmentUploadClient;
  readonly schedule?: Partial<OutboxSchedule>;
  readonly random?: () => number;
}

export class AttachmentUploader {
  private readonly files: AttachmentUploadClient;
  private readonly schedule: OutboxSchedule;
  private readonly random: () => number;
  /** Failed attempts per message in this session (a restart starts again: at most one more round). */
  private readonly attempts = new Map<number, number>();
  private readonly passes = new SerialPasses((signal) => this.runPass(signal));
  private offlineProbes = 0;
  /** The message being uploaded now, and what stops it alone (the person's Stop). */
  private current: { readonly messageId: number; readonly controller: AbortController } | undefined;

  constructor(
    private readonly ctx: CoreContext,
    private readonly outbox: { kick(): void },
    options: AttachmentUploaderOptions = {},
  ) {
    this.files = options.files ?? ctx.network.files;
    this.schedule = { ...DEFAULT_OUTBOX_SCHEDULE, ...options.schedule };
    this.random = options.random ?? Math.random;
  }

  start(): void {
    this.passes.start();
    this.passes.kick();
  }

  /** Aborts the upload in flight and waits for the pass to end; no timer is left. */
  stop(): Promise<void> {
    return this.passes.stop();
  }

  /** Look for work now (a new message with attachments, the network back, a retry). */
  kick(): void {
    this.passes.kick();
  }

  /** The person retries a failed message with attachments: queued again with a fresh count. */
  async retry(messageId: number): Promise<void> {
    const message = await requeueAttachmentMessage(this.ctx.db, messageId);
    if (message === undefined) throw new ParleyError('message_not_found', 'no failed message with attachments with this id', { messageId });
    this.attempts.delete(messageId);
    this.announce(message);
    this.ctx.events.emit({ type: 'message_status', messageId, conversationId: message.conversationId, status: 'queued', failureCode: null });
    this.kick();
  }

  /**
   * The person stops one of our messages whose attachments are not handed to the outbox yet: it
   * is not sent ('failed' with `aborted`, unfinished attachments 'cancelled'), and its upload in
   * flight is aborted. True when it was stopped; false when there was nothing to stop (not ours,
   * already handed over — then it is sent as usual).
   */
  async cancel(messageId: number): Promise<boolean> {
    checkInteger(messageId, 'messageId', 1);
    const stopped = await cancelAttachmentMessage(this.ctx.db, messageId);
    if (stopped === undefined) return false;
    // Recorded first, aborted second: whatever the upload does after this, the hand-over refuses.
    if (this.current?.messageId === messageId) this.current.controller.abort();
    this.attempts.delete(messageId);
    this.ctx.log('attachments: sending stopped by the person');
    this.announce(stopped);
    this.ctx.events.emit({ type: 'message_status', messageId, conversationId: stopped.conversationId, status: 'failed', failureCode: 'aborted' });
    return true;
  }

  /** True for one of our messages with attachments that is not handed to the outbox yet (retries go here). */
  async owns(messageId: number): Promise<boolean> {
    const message = await getMessage(this.ctx.db, messageId);
    if (message?.direction !== 'outgoing' || (message.attachments?.length ?? 0) === 0) return false;
    // Sent: its outbox entry is gone, and there is nothing to retry (the outbox says so quietly).
    if (message.status === 'sent') return false;
    // Stopped or failed before the hand-over (even with every file up): no outbox entry to retry.
    return (await getOutboxEntry(this.ctx.db, messageId)) === undefined;
  }

  private async runPass(signal: AbortSignal): Promise<void> {
    let pending: OutgoingMessageRecord[];
    try {
      pending = await listAttachmentMessagesToUpload(this.ctx.db);
    } catch (error) {
      this.ctx.log(`attachments: could not list uploads (${codeOf(error)})`);
      this.passes.wakeIn(probeDelay(0, this.schedule, this.random));
      return;
    }
    for (const message of pending) {
      if (signal.aborted) return;
      // Stopped by the pass's end (stop) or by the person's Stop for this message alone.
      const controller = new AbortController();
      const passStopped = () => controller.abort();
      signal.addEventListener('abort', passStopped, { once: true });
      this.current = { messageId: message.id, controller };
      try {
        await this.send(message, controller.signal);
        this.attempts.delete(message.id);
        this.offlineProbes = 0;
      } catch (error) {
        if (signal.aborted) return;
        // The person stopped it: cancel() has recorded that; on to the next message.
        if (controller.signal.aborted) continue;
        if (!(await this.failed(message, error))) return;
      } finally {
        signal.removeEventListener('abort', passStopped);
        this.current = undefined;
      }
    }
  }

  /** Uploads what is missing, then hands the message to the outbox. */
  private async send(message: OutgoingMessageRecord, signal: AbortSignal): Promise<void> {
    const attachments = message.attachments ?? [];
    const urls: string[] = [];
    for (const [index, attachment] of attachments.entries()) {
      const ready = attachment.source?.url;
      if (ready !== null && ready !== undefined) {
        urls.push(ready);
        continue;
      }
      const plaintext = await readAttachmentData(this.ctx.db, message.id, index);
      if (plaintext === undefined) throw new ParleyError('attachment_not_downloaded', 'the attachment bytes are gone from this device', { index });
      const started = await startAttachmentUpload(this.ctx.db, message.id, index);
      if (started === undefined) return; // stopped, failed or deleted meanwhile
      this.announce(started);
      const sealed = await resealAttachment(attachment, plaintext);
      const uploaded = await this.files.upload(sealed.encrypted.blob, { signal, onProgress: progressReporter(this.ctx, message.id, index) });
      const updated = await setAttachmentUploaded(this.ctx.db, message.id, index, uploaded.url);
      if (updated === undefined) return; // the message went meanwhile (deleted, expired)
      this.announce(updated);
      urls.push(uploaded.url);
    }
    const current = await getMessage(this.ctx.db, message.id);
    if (current === undefined || current.direction !== 'outgoing' || current.status !== 'queued') return;
    const sender = this.ctx.session.identity();
    const account = await getAccount(this.ctx.db);
    const pointers = (current.attachments ?? []).map((attachment, index) => pointerOfStored(attachment, urls[index]!));
    const payloads = buildAttachmentPayloads({
      sender,
      recipient: current.conversationId,
      caption: current.body,
      attachments: pointers,
      displayName: account?.sessionId === sender.sessionId ? account.displayName : null,
      sentAt: current.sentAt,
      disappearing: current.disappearing ?? null,
    });
    const added = await addOutboxEntryOnce(this.ctx.db, message.id, {
      recipient: current.conversationId,
      ...payloads,
      recipientStored: false,
      syncStored: payloads.syncPayload === null,
      attempts: 0,
      nextAttemptAt: this.ctx.clock(),
      lastErrorCode: null,
      createdAt: current.sentAt,
      ttlMs: swarmTtlMs(current.disappearing ?? null),
    });
    if (added) this.ctx.log(`attachments: ${pointers.length} uploaded, message handed to the outbox`);
    this.outbox.kick();
  }

  /** Decides what a failure means; false when the pass should stop (offline: wait for the network). */
  private async failed(message: OutgoingMessageRecord, error: unknown): Promise<boolean> {
    const failure = classifySendFailure(error);
    await this.resetUploading(message.id, null);
    if (isParleyError(error, 'relay_busy')) {
      // The relay paces uploads (its large-onion route has a tight rate): wait as it says, no attempt counted.
      const wait = Number(error.details['retryAfterMs'] ?? 1_000);
      this.passes.wakeIn(Number.isFinite(wait) ? Math.min(Math.max(wait, 0), 60_000) : 1_000);
      return false;
    }
    if (failure.kind === 'offline' || failure.kind === 'aborted') {
      this.passes.wakeIn(probeDelay(this.offlineProbes++, this.schedule, this.random));
      return false;
    }
    const attempts = (this.attempts.get(message.id) ?? 0) + 1;
    this.attempts.set(message.id, attempts);
    const next = failure.kind === 'retry' ? nextAttemptAfter(attempts, this.ctx.clock(), this.schedule, this.random) : null;
    this.ctx.log(`attachments: upload failed (${failure.code}), ${next === null ? 'given up' : 'again later'}`);
    if (next !== null) {
      this.passes.wakeIn(Math.max(0, next - this.ctx.clock()));
      return true;
    }
    this.attempts.delete(message.id);
    await this.resetUploading(message.id, failure.code);
    const failedMessage = await failAttachmentMessage(this.ctx.db, message.id, failure.code);
    if (failedMessage !== undefined) {
      this.announce(failedMessage);
      this.ctx.events.emit({ type: 'message_status', messageId: message.id, conversationId: message.conversationId, status: 'failed', failureCode: failure.code });
    }
    return true;
  }

  /** An attachment left 'uploading' goes back to 'queued' (or 'failed' with `code`). */
  private async resetUploading(messageId: number, code: ErrorCode | null): Promise<void> {
    const message = await getMessage(this.ctx.db, messageId).catch(() => undefined);
    // Stopped by the person meanwhile: its attachments say 'cancelled', not 'failed' or 'queued'.
    if (message?.direction !== 'outgoing' || message.status !== 'queued') return;
    for (const [index, attachment] of (message?.attachments ?? []).entries()) {
      const unfinished = attachment.source !== null && attachment.source.url === null;
      if (!unfinished || (code === null && attachment.state !== 'uploading')) continue;
      await this.change(messageId, index, code === null ? 'queued' : 'failed', code);
    }
  }

  private async change(messageId: number, index: number, state: 'queued' | 'failed', failureCode: ErrorCode | null): Promise<void> {
    const updated = await updateAttachment(this.ctx.db, messageId, index, { state, failureCode });
    if (updated !== undefined) this.announce(updated);
  }

  private announce(message: MessageRecord): void {
    this.ctx.events.emit({ type: 'message_changed', message: messageView(message) });
  }

}

function codeOf(error: unknown): string {
  return error instanceof ParleyError ? error.code : 'internal';
}
