/**
 * Sending, with an outbox that never loses a message (docs/core.md "Sending and the outbox").
 *
 * `queue` writes the message and both stored payloads (recipient copy, sync copy) to disk in one
 * transaction before anything touches the network; only then is the sender kicked. The sender
 * stores the recipient copy in the recipient's swarm, then the sync copy in ours, recording each
 * hash as it goes, so that after a crash or a reload it resumes exactly where it stopped, and
 * re-stores the very same bytes (same swarm hash: never a second copy under another identity).
 * Many waiting messages go in batches, several stores per onion request, one lane per swarm
 * (docs/delivery.md "Throughput after reconnect"); per message the order above holds.
 *
 * Statuses: queued → sending → sent, or back to queued (a retry is scheduled), or failed (attempts
 * used up, or an error no retry can fix; `retry` queues it again). Offline is not a failure: the
 * message stays queued and the sender waits for the network (NetworkWaiter), then resumes.
 */
import { checkInteger } from '../../../wasm/check.ts';
import { isParleyError, ParleyError, type ErrorCode } from '../../shared/errors.ts';
import { parseSessionId, shortSessionId } from '../../../wasm/session-id.ts';
import type { OutgoingStatus } from '../api.ts';
import {
  getAccount,
  getConversation,
  getMessage,
  queueUnsendRequest,
  listDueOutbox,
  queueOutgoingMessage,
  queueAttachmentMessage,
  recordDestinationsStored,
  recordSendFailure,
  requeueInterruptedSends,
  retryFailedMessage,
  startSendAttempts,
  type Destination,
  type DisappearingSetting,
  type OutboxRecord,
  type OutgoingMessageRecord,
  type SessionId,
} from '../store/index.ts';
import { boundedExpiry } from '../net/storage-limits.ts';
import { DEFAULT_TTL_MS, expiresAtOnWrite, swarmTtlMs } from './disappearing-rules.ts';
import { deleteFromOwnSwarm, shortenOwnExpiry } from './own-swarm.ts';
import type { CoreContext } from './context.ts';
import type { StoreResult } from '../net/storage-client.ts';
import { NetworkWaiter } from './network-waiter.ts';
import { duePerRecipient, OUTBOX_REQUESTS_IN_FLIGHT, RequestWindow, takeBatch } from './outbox-batches.ts';
import {
  classifySendFailure,
  DEFAULT_OUTBOX_SCHEDULE,
  longestWaitAfter,
  nextAttemptAfter,
  probeDelay,
  type OutboxSchedule,
} from './outbox-policy.ts';
import {
  buildOutgoingPayloads,
  buildTimerUpdatePayloads,
  buildUnsendPayloads,
  checkMessageBody,
  type OutgoingPayloads,
} from './outgoing-message.ts';
import { SentAtClock } from './sent-at-clock.ts';
import { SerialPasses } from './serial-passes.ts';
import type { PreparedAttachment } from './attachment-codec.ts';
import { conversationView, messageView } from './views.ts';

/** How long a message lives in a swarm: desktop's TTL for content messages, the server's maximum for namespace 0. */
export const MESSAGE_TTL_MS = DEFAULT_TTL_MS;
/** Every entry still being tried, in one listing (far more than a person ever has waiting). */
const LIST_LIMIT = 10_000;
/** setTimeout's longest delay; the sender's waits are far shorter, this only guards the arithmetic. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** A duplicate (sender, sentAt) is met only when another device used the same millisecond; a few bumps suffice. */
const MAX_SENT_AT_BUMPS = 5;

export interface OutboxOptions {
  /** Attempts and backoff (tests shorten them). */
  readonly schedule?: Partial<OutboxSchedule>;
  /** Jitter source. */
  readonly random?: () => number;
}

/** What a failed attempt leaves: a retry scheduled, the message failed, or the pass to stop. */
type AttemptOutcome = 'later' | 'failed' | 'offline' | 'stopped';

/** One copy of an entry on its way; `started` once its attempt is counted (`startSendAttempts`) in this pass. */
interface Copy {
  readonly entry: OutboxRecord;
  readonly started: boolean;
}

/** What the lanes of one pass share. */
interface Pass {
  readonly signal: AbortSignal;
  readonly window: RequestWindow;
  /** Set by the first lane that meets offline, stop() or a failing database: no lane starts another request. */
  stop: 'offline' | 'stopped' | 'failed' | undefined;
}

/** The sync copies waiting for our own swarm's lane, and the recipient lanes that may still add some. */
interface SyncQueue {
  readonly copies: Copy[];
  producers: number;
  wake: (() => void) | undefined;
}

type StoreOutcome = { readonly stored: StoreResult } | { readonly error: unknown };

/** What `write` puts on disk besides the common fields: the kind of record and its payloads. */
interface OutgoingDraft {
  readonly kind: 'text' | 'disappearing_changed';
  readonly body: string;
  readonly disappearing: DisappearingSetting | null;
  /** Our own message: its timer (if any) starts when it is written. */
  readonly expiresAt: (sentAt: number) => number | null;
  readonly ttlMs: number;
  readonly payloads: (sender: ReturnType<CoreContext['session']['identity']>, sentAt: number, displayName: string | null) => OutgoingPayloads;
}

export class Outbox {
  private readonly schedule: OutboxSchedule;
  private readonly random: () => number;
  private readonly sentAt: SentAtClock;
  private readonly waiter: NetworkWaiter;
  /** `queue` calls run one at a time, so sentAt and the outbox order follow the order of the calls. */
  private queueChain: Promise<unknown> = Promise.resolve();
  private readonly passes = new SerialPasses(
    (signal) => this.runPass(signal),
    () => !this.waiter.waiting,
  );
  private passFailures = 0;

  constructor(
    private readonly ctx: CoreContext,
    options: OutboxOptions = {},
  ) {
    this.schedule = { ...DEFAULT_OUTBOX_SCHEDULE, ...options.schedule };
    checkInteger(this.schedule.maxAttempts, 'options.schedule.maxAttempts', 1, 1_000);
    for (const key of ['retryBaseMs', 'retryMaxMs', 'probeBaseMs', 'probeMaxMs'] as const) {
      checkInteger(this.schedule[key], `options.schedule.${key}`, 1, MAX_TIMER_MS);
    }
    this.random = options.random ?? Math.random;
    this.sentAt = new SentAtClock(ctx.db, () => ctx.network.time.now());
    this.waiter = new NetworkWaiter({
      state: ctx.network.state,
      probeDelay: (probes) => probeDelay(probes, this.schedule, this.random),
      onBack: () => this.kick(),
      log: ctx.log,
    });
  }

  /**
   * Writes a message to `conversationId` (a Session ID; our own for Note to Self) with its
   * payloads, status 'queued', then emits `message_added` and wakes the sender. Errors:
   * `invalid_argument`, `message_empty`, `message_too_long` {length, max}, the `session_id_*`
   * codes, `no_account` / `account_locked`, storage codes. Nothing is sent before the write is done.
   */
  async queue(conversationId: SessionId, body: string): Promise<OutgoingMessageRecord> {
    checkMessageBody(body);
    const recipient = parseSessionId(conversationId).sessionId;
    return this.queueDraft(recipient, async () => {
      // The conversation's timer as it is when the message is written: it travels with the message.
      const setting = (await getConversation(this.ctx.db, recipient))?.disappearing ?? null;
      return {
        kind: 'text',
        body,
        disappearing: setting,
        expiresAt: (sentAt) => expiresAtOnWrite(setting, sentAt, true),
        ttlMs: swarmTtlMs(setting),
        payloads: (sender, sentAt, displayName) =>
          buildOutgoingPayloads({ sender, recipient, body, displayName, sentAt, disappearing: setting }),
      };
    });
  }

  /**
   * Writes a message with attachments (docs/attachments.md) to `conversationId`: the message
   * ('queued', its caption as the body, which may be empty), its attachments ('queued', not
   * uploaded) and their bytes, in one transaction; then emits `message_added`. It gets no outbox
   * entry here: the attachment uploader adds one once every file is on the file server.
   */
  async queueAttachments(conversationId: SessionId, caption: string, files: readonly PreparedAttachment[]): Promise<OutgoingMessageRecord> {
    if (caption.trim().length > 0) checkMessageBody(caption);
    const recipient = parseSessionId(conversationId).sessionId;
    this.ctx.session.identity();
    const write = this.queueChain.then(() => this.writeAttachments(recipient, caption, files));
    this.queueChain = write.catch(() => undefined);
    const record = await write;
    await this.announceQueued(record, recipient);
    return record;
  }

  private async writeAttachments(recipient: SessionId, caption: string, files: readonly PreparedAttachment[]): Promise<OutgoingMessageRecord> {
    const me = this.ctx.session.identity().sessionId;
    const setting = (await getConversation(this.ctx.db, recipient))?.disappearing ?? null;
    let sentAt = await this.sentAt.next(me);
    for (let bumps = 0; ; bumps++) {
      const now = this.ctx.clock();
      const message = {
        direction: 'outgoing' as const,
        conversationId: recipient,
        senderSessionId: me,
        sentAt,
        receivedAt: now,
        body: caption.trim().length > 0 ? caption : '',
        swarmHashes: [],
        expiresAt: expiresAtOnWrite(setting, sentAt, true),
        kind: 'text' as const,
        disappearing: setting,
        ownSwarmHashes: [],
        status: 'queued' as const,
        failureCode: null,
        attachments: files.map((file) => file.stored),
      };
      const result = await queueAttachmentMessage(this.ctx.db, {
        message,
        plaintexts: files.map((file) => file.plaintext),
        conversationUpdate: { createdAt: now, lastMessageAt: sentAt, unreadIncrement: 0 },
      });
      if (result.inserted) return { id: result.id, ...message };
      if (bumps >= MAX_SENT_AT_BUMPS) {
        throw new ParleyError('storage_failed', 'storage: no free sentAt for the message', { operation: 'queueAttachmentMessage' });
      }
      sentAt = this.sentAt.bump();
    }
  }

  /**
   * Queues the control message that tells the peer (and our other devices) the conversation's new
   * timer (§4.6 ExpirationTimerUpdate), recorded in the conversation as 'disappearing_changed'.
   */
  async queueTimerUpdate(conversationId: SessionId, setting: DisappearingSetting | null): Promise<OutgoingMessageRecord> {
    const recipient = parseSessionId(conversationId).sessionId;
    return this.queueDraft(recipient, async () => ({
      kind: 'disappearing_changed',
      body: '',
      disappearing: setting,
      expiresAt: () => null,
      ttlMs: DEFAULT_TTL_MS,
      payloads: (sender, sentAt, displayName) => buildTimerUpdatePayloads({ sender, recipient, displayName, sentAt, setting }),
    }));
  }

  /**
   * Unsend (delete for everyone) of our own message: it becomes a tombstone whose outbox entry
   * carries the unsend request to the recipient and to our own swarm; then the copies of the
   * message in our swarm are deleted. A message whose recipient copy was not stored yet is simply
   * cancelled (nothing to unsend): the caller removes it. `message_not_found` for anything but
   * our own sent message.
   */
  async unsend(message: OutgoingMessageRecord): Promise<OutgoingMessageRecord> {
    this.ctx.session.identity();
    const write = this.queueChain.then(async () => {
      const sentAt = await this.sentAt.next(message.senderSessionId);
      const payloads = buildUnsendPayloads({
        sender: this.ctx.session.identity(),
        recipient: message.conversationId,
        sentAt,
        targetSentAt: message.sentAt,
      });
      const now = this.ctx.clock();
      return queueUnsendRequest(this.ctx.db, {
        messageId: message.id,
        entry: { recipient: message.conversationId, ...payloads, nextAttemptAt: now, createdAt: sentAt },
      });
    });
    this.queueChain = write.catch(() => undefined);
    const tombstone = await write;
    this.kick();
    await deleteFromOwnSwarm(this.ctx, message.ownSwarmHashes ?? []);
    return tombstone;
  }

  private async queueDraft(recipient: SessionId, draft: () => Promise<OutgoingDraft>): Promise<OutgoingMessageRecord> {
    this.ctx.session.identity(); // no_account / account_locked now, before waiting for earlier messages
    const write = this.queueChain.then(async () => this.write(recipient, await draft()));
    this.queueChain = write.catch(() => undefined);
    const record = await write;
    await this.announceQueued(record, recipient);
    this.kick();
    return record;
  }

  private async announceQueued(record: OutgoingMessageRecord, recipient: SessionId): Promise<void> {
    this.ctx.events.emit({ type: 'message_added', message: messageView(record) });
    const conversation = await getConversation(this.ctx.db, recipient).catch(() => undefined);
    if (conversation !== undefined) {
      this.ctx.events.emit({ type: 'conversation', conversation: conversationView(conversation) });
    }
  }

  /** Starts the sender: messages a crash left 'sending' are queued again, then due entries go out. */
  async start(): Promise<void> {
    if (this.passes.isRunning) return;
    this.passes.start();
    try {
      const requeued = await requeueInterruptedSends(this.ctx.db, this.ctx.clock());
      if (requeued > 0) this.ctx.log(`outbox: ${requeued} interrupted send(s) queued again`);
    } catch (error) {
      this.ctx.log(`outbox: could not requeue interrupted sends (${codeOf(error)})`);
    }
    this.kick();
  }

  /** Stops the sender: aborts the attempt in flight and waits for it; no timer is left running. */
  async stop(): Promise<void> {
    if (!this.passes.isRunning) return;
    await this.passes.stop();
    // After the pass: its last attempt may just have found the network gone and begun a wait.
    await this.waiter.cancel();
  }

  /** Look for due messages now (a new message, a retry, the network back). */
  kick(): void {
    this.passes.kick();
  }

  /** The browser's `online` event: when waiting for the network, probe it now. */
  async networkMayBeBack(): Promise<void> {
    if (this.waiter.waiting) await this.waiter.nudge();
    else this.kick();
  }

  /**
   * The person asks to send a failed (or still queued) message again: it is queued with a fresh
   * count of attempts, due now. `message_not_found` when there is no such outgoing message; a
   * message that is sent or being sent is left alone.
   */
  async retry(messageId: number): Promise<void> {
    checkInteger(messageId, 'messageId', 1);
    const message = await getMessage(this.ctx.db, messageId);
    if (message === undefined || message.direction !== 'outgoing') {
      throw new ParleyError('message_not_found', 'no outgoing message with this id', { messageId });
    }
    if (message.status === 'sent' || message.status === 'sending') return;
    await retryFailedMessage(this.ctx.db, messageId, this.ctx.clock());
    this.emitStatus(messageId, message.conversationId, 'queued', null);
    await this.networkMayBeBack();
  }

  // Queueing

  private async write(recipient: SessionId, draft: OutgoingDraft): Promise<OutgoingMessageRecord> {
    const me = this.ctx.session.identity().sessionId;
    const account = await getAccount(this.ctx.db);
    const displayName = account?.sessionId === me ? account.displayName : null;
    let sentAt = await this.sentAt.next(me);
    for (let bumps = 0; ; bumps++) {
      // Taken again after the awaits: the keys must be the ones unlocked now (locking wipes them).
      const sender = this.ctx.session.identity();
      const payloads = draft.payloads(sender, sentAt, displayName);
      const now = this.ctx.clock();
      const message = {
        direction: 'outgoing' as const,
        conversationId: recipient,
        senderSessionId: sender.sessionId,
        sentAt,
        receivedAt: now,
        body: draft.body,
        swarmHashes: [],
        expiresAt: draft.expiresAt(sentAt),
        kind: draft.kind,
        disappearing: draft.disappearing,
        ownSwarmHashes: [],
        status: 'queued' as const,
        failureCode: null,
      };
      const result = await queueOutgoingMessage(this.ctx.db, {
        message,
        // createdAt orders the outbox: sentAt, strictly increasing, keeps the order of the calls
        // even if the device clock steps back between two messages.
        outboxEntry: { recipient, ...payloads, nextAttemptAt: now, createdAt: sentAt, ttlMs: draft.ttlMs },
        conversationUpdate: { createdAt: now, lastMessageAt: sentAt, unreadIncrement: 0 },
      });
      if (result.inserted) return { id: result.id, ...message };
      if (bumps >= MAX_SENT_AT_BUMPS) {
        throw new ParleyError('storage_failed', 'storage: no free sentAt for the message', { operation: 'queueOutgoingMessage' });
      }
      sentAt = this.sentAt.bump();
    }
  }

  // The sender

  private async runPass(signal: AbortSignal): Promise<void> {
    try {
      const stopped = await this.sendDue(signal);
      this.passFailures = 0;
      if (!stopped && !signal.aborted) await this.scheduleWake();
    } catch (error) {
      if (signal.aborted) return;
      // The outbox's own bookkeeping failed (the database): the whole pass is tried again later.
      this.passFailures++;
      this.ctx.log(`outbox: pass failed (${codeOf(error)}), again later`);
      this.setWake(this.ctx.clock() + probeDelay(this.passFailures - 1, this.schedule, this.random));
    }
  }

  /**
   * One pass over every entry still being tried (docs/delivery.md "Throughput after reconnect").
   * Per recipient, its run of due entries from the oldest on (duePerRecipient) goes in order
   * through one lane: the first recipient copy alone, then, once that swarm has taken one, batches
   * of up to 20 in one onion request each; a message that must wait for its retry stops the lane,
   * so later messages to that person wait behind it. The sync copies of the messages whose
   * recipient copy is recorded then go to our own swarm, in batches too, through one more lane.
   * Lanes run side by side, each with one request at a time, at most OUTBOX_REQUESTS_IN_FLIGHT in
   * all. True when the pass stopped early (offline, or stop()).
   */
  private async sendDue(signal: AbortSignal): Promise<boolean> {
    const pending = await listDueOutbox(this.ctx.db, Number.MAX_SAFE_INTEGER, LIST_LIMIT);
    const runs = duePerRecipient(pending, (entry) => this.dueAt(entry), this.ctx.clock());
    if (runs.size === 0) return false;
    const pass: Pass = { signal, window: new RequestWindow(OUTBOX_REQUESTS_IN_FLIGHT), stop: undefined };
    const sync: SyncQueue = { copies: [], producers: runs.size, wake: undefined };
    const wakeSync = () => {
      const wake = sync.wake;
      sync.wake = undefined;
      wake?.();
    };
    const lanes = [...runs.values()].map(async (run) => {
      try {
        // Only the sync copy left (its recipient copy stored in an earlier attempt): straight to our own swarm.
        sync.copies.push(...run.filter((entry) => entry.recipientStored).map((entry) => ({ entry, started: false })));
        const queue = run.filter((entry) => !entry.recipientStored).map((entry) => ({ entry, started: false }));
        await this.recipientLane(queue, pass, (copies) => {
          sync.copies.push(...copies);
          wakeSync();
        });
      } catch (error) {
        pass.stop ??= 'failed';
        throw error;
      } finally {
        sync.producers--;
        wakeSync();
      }
    });
    const outcomes = await Promise.allSettled([...lanes, this.syncLane(sync, pass)]);
    // Every lane has ended before the pass does, even when one failed: no send outlives its pass.
    const failure = outcomes.find((outcome) => outcome.status === 'rejected');
    if (failure !== undefined) throw failure.reason;
    if (pass.stop === 'offline') this.goOffline();
    return pass.stop !== undefined;
  }

  /** One recipient's copies, in order: the first alone, then full batches once the swarm has taken one. */
  private async recipientLane(queue: Copy[], pass: Pass, toSync: (copies: Copy[]) => void): Promise<void> {
    let landed = false;
    while (queue.length > 0 && pass.stop === undefined) {
      const batch = takeBatch(queue, (copy) => copy.entry.recipientPayload.length, !landed);
      const result = await this.sendBatch(batch, 'recipient', pass);
      if (result.stored.length > 0) landed = true;
      toSync(result.stored.filter((copy) => copy.entry.syncPayload !== null));
      // A message waits for its retry: the later ones to the same person wait behind it.
      if (result.holds) return;
    }
  }

  /**
   * Our own swarm's lane: the sync copies in batches, once every recipient lane has ended. What the
   * person waits for is the recipient copies ('sent'); on one machine the sync copies' stores
   * would only slow them down (measured: docs/delivery.md "Throughput after reconnect").
   */
  private async syncLane(sync: SyncQueue, pass: Pass): Promise<void> {
    while (pass.stop === undefined) {
      if (sync.producers > 0) {
        await new Promise<void>((resolve) => (sync.wake = resolve));
        continue;
      }
      if (sync.copies.length === 0) return;
      await this.sendBatch(takeBatch(sync.copies, (copy) => copy.entry.syncPayload?.length ?? 0, false), 'sync', pass);
    }
  }

  /** Wakes the sender when the first recipient's oldest entry is due. */
  private async scheduleWake(): Promise<void> {
    const pending = await listDueOutbox(this.ctx.db, Number.MAX_SAFE_INTEGER, LIST_LIMIT);
    const heads = new Map<string, number>();
    for (const entry of pending) {
      const dueAt = this.dueAt(entry);
      if (!heads.has(entry.recipient) && dueAt !== null) heads.set(entry.recipient, dueAt);
    }
    if (heads.size > 0) this.setWake(Math.min(...heads.values()));
  }

  /**
   * When an entry is due (null: not being tried). Due times are written on the device clock; one
   * further ahead than the schedule can wait means the clock stepped back since, and the entry is
   * due now rather than held back by the step (the fault suite's "clock 2 minutes back").
   */
  private dueAt(entry: OutboxRecord): number | null {
    if (entry.nextAttemptAt === null) return null;
    const now = this.ctx.clock();
    return entry.nextAttemptAt > now + longestWaitAfter(entry.attempts, this.schedule) ? now : entry.nextAttemptAt;
  }

  private setWake(at: number): void {
    this.passes.wakeIn(Math.min(MAX_TIMER_MS, Math.max(0, at - this.ctx.clock())));
  }

  /**
   * One onion request for a batch of copies to one swarm, holding a place in the window: the
   * attempts of copies not yet started are counted ('sending'), the copies stored, the stored ones
   * recorded in one transaction ('sent' for recipient copies), each failure classified and
   * scheduled per message. `holds`: some message of the batch waits for its retry (or the pass stopped).
   */
  private async sendBatch(copies: Copy[], destination: Destination, pass: Pass): Promise<{ stored: Copy[]; holds: boolean }> {
    return pass.window.run(async () => {
      if (pass.stop !== undefined || copies.length === 0) return { stored: [], holds: true };
      // Found out before the attempts are counted: waiting offline never uses up a message's attempts.
      let notReady: unknown;
      try {
        await this.ctx.network.ready(pass.signal);
      } catch (error) {
        const failure = classifySendFailure(error);
        if (failure.kind === 'offline' || failure.kind === 'aborted') {
          pass.stop ??= failure.kind === 'offline' ? 'offline' : 'stopped';
          return { stored: [], holds: true };
        }
        notReady = error;
      }
      const started = await this.startCopies(copies);
      if (started.length === 0) return { stored: [], holds: false };
      const pubkey = destination === 'recipient' ? started[0]!.entry.recipient : this.ownSessionId();
      const outcomes: StoreOutcome[] =
        notReady === undefined ? await this.storeCopies(pubkey, started, destination, pass.signal) : started.map(() => ({ error: notReady }));
      const stored = await this.recordStored(pubkey, started, outcomes, destination);
      let holds = false;
      for (const [i, copy] of started.entries()) {
        const outcome = outcomes[i]!;
        if (!('error' in outcome)) continue;
        if (isParleyError(outcome.error, 'storage_not_found')) continue; // deleted meanwhile: nothing to send
        const result = await this.attemptFailed(copy.entry, outcome.error);
        if (result === 'offline' || result === 'stopped') pass.stop ??= result;
        if (result !== 'failed') holds = true;
      }
      return { stored, holds };
    });
  }

  /** Counts the attempt of every copy not started yet, in one transaction; a message deleted meanwhile is left out. */
  private async startCopies(copies: readonly Copy[]): Promise<Copy[]> {
    const fresh = copies.filter((copy) => !copy.started).map((copy) => copy.entry.messageId);
    const byId = new Map((fresh.length > 0 ? await startSendAttempts(this.ctx.db, fresh) : []).map((entry) => [entry.messageId, entry]));
    const started: Copy[] = [];
    for (const copy of copies) {
      if (copy.started) {
        started.push(copy);
        continue;
      }
      const entry = byId.get(copy.entry.messageId);
      if (entry === undefined) continue;
      if (!entry.recipientStored) this.emitStatus(entry.messageId, entry.recipient, 'sending', null);
      started.push({ entry, started: true });
    }
    return started;
  }

  /**
   * Stores the copies (same bytes on every attempt, so the same hash): one alone with `store`,
   * several in one `sequence` with `storeMany`. A batch the node refuses (`request_failed`, or an
   * error no retry fixes) is sent again one message at a time, so that the refusal lands on the
   * message it belongs to and the ones before it are stored; at the first that must wait for its
   * retry, the rest of the batch waits with it, with the same failure (their place is behind it).
   * Any other failure (the path, the node, the clock, offline…) is the whole batch's. Copies that
   * landed before a failure are stored again under the same hash: never twice.
   */
  private async storeCopies(pubkey: SessionId, copies: readonly Copy[], destination: Destination, signal: AbortSignal): Promise<StoreOutcome[]> {
    const storage = this.ctx.network.storage;
    const request = (copy: Copy) => ({ namespace: 0, ttl: copy.entry.ttlMs ?? MESSAGE_TTL_MS, dataBase64: payloadOf(copy.entry, destination) });
    const one = async (copy: Copy): Promise<StoreOutcome> => {
      try {
        return { stored: await storage.store(pubkey, request(copy), { signal }) };
      } catch (error) {
        return { error };
      }
    };
    if (copies.length === 1) return [await one(copies[0]!)];
    try {
      return (await storage.storeMany(pubkey, copies.map(request), { signal })).map((stored) => ({ stored }));
    } catch (error) {
      // Only a refusal may be one message's own; a failure on the way (path, node, clock…) is the whole request's.
      if (!isParleyError(error, 'request_failed') && classifySendFailure(error).kind !== 'give_up') return copies.map(() => ({ error }));
    }
    const outcomes: StoreOutcome[] = [];
    for (const copy of copies) {
      const previous = outcomes.at(-1);
      if (previous !== undefined && 'error' in previous && classifySendFailure(previous.error).kind !== 'give_up') outcomes.push(previous);
      else outcomes.push(await one(copy));
    }
    return outcomes;
  }

  /**
   * Records the copies that landed, in one transaction. A copy whose message was deleted (or
   * unsent) while it was on its way is not recorded; one that landed in our own swarm is deleted
   * again, so no device of ours brings it back (docs/disappearing.md "Deleting while sending").
   * A failing database fails the pass: it is tried again later, and the same bytes get the same hash.
   */
  private async recordStored(pubkey: SessionId, copies: readonly Copy[], outcomes: readonly StoreOutcome[], destination: Destination): Promise<Copy[]> {
    const landed = copies.flatMap((copy, i) => {
      const outcome = outcomes[i]!;
      return 'stored' in outcome ? [{ copy, stored: outcome.stored, ttl: copy.entry.ttlMs ?? MESSAGE_TTL_MS }] : [];
    });
    if (landed.length === 0) return [];
    const now = this.ctx.clock();
    const recorded = await recordDestinationsStored(
      this.ctx.db,
      landed.map(({ copy, stored, ttl }) => ({
        messageId: copy.entry.messageId,
        destination,
        hash: stored.hash,
        // `t` is the node's word: bounded like any expiry a node claims (with the margin that keeps our
        // poller from meeting our sync copy as new).
        expiresAt: boundedExpiry(stored.t + ttl, now),
        payload: payloadOf(copy.entry, destination),
      })),
    );
    const inOwnSwarm = pubkey === this.ownSessionId();
    const done: Copy[] = [];
    const strays: string[] = [];
    for (const [i, result] of recorded.entries()) {
      const { copy, stored, ttl } = landed[i]!;
      if (!result.recorded) {
        // One that reached the recipient has left; only an unsend can follow it.
        if (inOwnSwarm) strays.push(stored.hash);
        continue;
      }
      if (destination === 'recipient') this.emitStatus(copy.entry.messageId, copy.entry.recipient, 'sent', null);
      // A delete-after-read message of ours is read already: its copy in our swarm ends with its timer.
      if (inOwnSwarm && result.expiresAt !== null && result.expiresAt < stored.t + ttl) {
        await shortenOwnExpiry(this.ctx, [stored.hash], result.expiresAt);
      }
      this.ctx.log(`outbox: message ${copy.entry.messageId} stored for ${destination === 'recipient' ? shortSessionId(pubkey) : 'sync'}`);
      done.push(copy);
    }
    await deleteFromOwnSwarm(this.ctx, strays);
    return done;
  }

  private async attemptFailed(entry: OutboxRecord, error: unknown): Promise<AttemptOutcome> {
    const failure = classifySendFailure(error);
    const now = this.ctx.clock();
    const record = async (errorCode: ErrorCode, nextAttemptAt: number | null) => {
      const recorded = await recordSendFailure(this.ctx.db, { messageId: entry.messageId, errorCode, nextAttemptAt });
      // Only the sync copy was left: the message stays 'sent' for the person; the copy is retried quietly.
      if (recorded.recipientStored) return;
      const status = nextAttemptAt === null ? 'failed' : 'queued';
      this.emitStatus(entry.messageId, entry.recipient, status, status === 'failed' ? errorCode : null);
    };
    switch (failure.kind) {
      case 'offline':
        // The pass waits for the network once every lane has ended (sendDue).
        await record('network_offline', now);
        return 'offline';
      case 'aborted':
        await record('aborted', now);
        return 'stopped';
      case 'retry': {
        const next = nextAttemptAfter(entry.attempts, now, this.schedule, this.random);
        this.ctx.log(`outbox: message ${entry.messageId} attempt ${entry.attempts} failed (${failure.code})${next === null ? ', giving up' : ''}`);
        await record(failure.code, next);
        return next === null ? 'failed' : 'later';
      }
      case 'give_up':
        this.ctx.log(`outbox: message ${entry.messageId} failed (${failure.code})`);
        await record(failure.code, null);
        return 'failed';
    }
  }

  private goOffline(): 'offline' {
    if (this.passes.isRunning) this.waiter.begin();
    return 'offline';
  }

  private ownSessionId(): SessionId {
    const state = this.ctx.session.current;
    if (state.kind === 'unlocked') return state.identity.sessionId;
    if (state.kind === 'locked') return state.sessionId;
    throw new ParleyError('no_account', 'there is no account on this device');
  }

  private emitStatus(messageId: number, conversationId: SessionId, status: OutgoingStatus, failureCode: ErrorCode | null): void {
    this.ctx.events.emit({ type: 'message_status', messageId, conversationId, status, failureCode });
  }
}

function payloadOf(entry: OutboxRecord, destination: Destination): string {
  // A sync copy is only ever sent for an entry that has one (sendDue).
  return destination === 'recipient' ? entry.recipientPayload : entry.syncPayload!;
}

function codeOf(error: unknown): string {
  return error instanceof ParleyError ? error.code : 'unknown';
}
