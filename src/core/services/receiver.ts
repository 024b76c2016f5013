/**
 * Turns what the swarm held into stored messages (client-protocol.md §2.2 step 7, §5.4, §5.6).
 * For each retrieved message, in order: skip a hash already seen; open it (decode, decrypt,
 * verify, unpad, parse and the policy checks of `openStoredMessage`); file a visible message in
 * its conversation — an incoming one under its sender, a sync copy from our other device under its
 * `syncTarget` as outgoing 'sent' — together with its seen hash in one transaction.
 *
 * Junk (bytes that do not parse, boxes not for us, bad signatures, refused messages) is counted by
 * error code and its hash marked seen, so it is never tried again; one bad message never stops the
 * ones after it. Only a failing database stops a batch: then nothing after it is marked, the poller
 * does not commit its last hashes, and the next poll brings the rest again.
 * Disappearing messages and unsend (docs/disappearing.md): a visible message keeps the timer it
 * carries (a delete-after-send one already past its end is never stored: `ignored.expired`); a
 * timer update (flags EXPIRATION_TIMER_UPDATE) is recorded and changes the conversation's
 * setting; an unsend request turns its target into a tombstone (a note to self's is removed) and
 * deletes our swarm's copies of it — one for a message we do not have is `ignored.unsend`, and one
 * naming another author never gets here (`message_rejected`, message-pipeline.ts).
 * Other control messages (typing, receipts, …) are decoded but not acted on yet: counted as
 * `ignored` by kind and marked seen. Logs hold counts only.
 */
import { utf8 } from '../../../wasm/bytes.ts';
import { checkInteger, checkString } from '../../../wasm/check.ts';
import { isParleyError, ParleyError, type ErrorCode } from '../../shared/errors.ts';
import { parseSessionId } from '../../../wasm/session-id.ts';
import { throwIfAborted } from '../net/abort.ts';
import type { RetrievedMessage } from '../net/storage-client.ts';
import { boundedExpiry } from '../net/storage-limits.ts';
import type { Content } from '../protocol/content.ts';
import { MAX_DISPLAY_NAME_BYTES, type DataMessage } from '../protocol/data-message.ts';
import { DATA_MESSAGE_FLAG_EXPIRATION_TIMER_UPDATE } from '../protocol/enums.ts';
import { openStoredMessage, type OpenedMessage } from '../protocol/message-pipeline.ts';
import {
  filterUnseen,
  findMessageBySender,
  getConversation,
  markMessageUnsent,
  markSeenEach,
  recordIncomingMessage,
  removeMessage,
  setConversationDisappearing,
  type ConversationUpdate,
  type MessageRecord,
  type NewMessage,
} from '../store/index.ts';
import type { ReceiveStats } from '../api.ts';
import type { CoreContext } from './context.ts';
import { expiresAtOnWrite, settingFromContent } from './disappearing-rules.ts';
import { deleteFromOwnSwarm } from './own-swarm.ts';
import { conversationView, messageView } from './views.ts';
import { storedAttachmentsOf } from './attachment-codec.ts';

/** Content kinds decoded but not shown yet. */
export type IgnoredKind =
  | 'typing'
  | 'receipt'
  | 'unsend'
  | 'data_extraction'
  | 'message_request_response'
  | 'expiration_timer'
  | 'reaction'
  /** A delete-after-send message whose timer had ended before it arrived: never stored. */
  | 'expired'
  /** A DataMessage without text: attachments only, an invitation, a profile update. */
  | 'no_body'
  /** Nothing we decode (a call message, a newer client's field). */
  | 'unknown';

export interface ReceiveResult {
  /** Distinct hashes handed in. */
  readonly fetched: number;
  /** Skipped because the hash was seen before (layer 3 of §5.4). */
  readonly alreadySeen: number;
  /** New messages written (incoming and sync copies). */
  readonly stored: number;
  /** Same sender and sent time as a message already stored, under another hash (layer 4). */
  readonly duplicates: number;
  readonly junk: Readonly<Partial<Record<ErrorCode, number>>>;
  readonly ignored: Readonly<Partial<Record<IgnoredKind, number>>>;
}

/** A seen mark waiting to be written. */
interface SeenMark {
  readonly hash: string;
  readonly expiresAt: number;
}

/** Junk marks written at once, at most (and whatever is left at the end of a batch). */
const MARKS_PER_WRITE = 200;

/** The database failed: stop the batch (the poller retries it), never count it as junk. */
const STORAGE_FAILURES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'storage_unavailable',
  'storage_version_newer',
  'storage_migration_failed',
  'storage_closed',
  'storage_quota_exceeded',
  'storage_failed',
]);

type Classified =
  | { readonly kind: 'visible'; readonly data: DataMessage; readonly body: string }
  | { readonly kind: 'timer_update'; readonly data: DataMessage }
  | { readonly kind: 'unsend'; readonly timestamp: number; readonly author: string }
  | { readonly kind: 'ignored'; readonly ignored: IgnoredKind };

/** What the receiver writes: a visible message or a timer change (both filed in a conversation). */
type Filed = Extract<Classified, { kind: 'visible' | 'timer_update' }>;

type Outcome =
  | { readonly kind: 'stored' }
  | { readonly kind: 'duplicate' }
  | { readonly kind: 'junk'; readonly code: ErrorCode }
  | { readonly kind: 'ignored'; readonly ignored: IgnoredKind };

export interface ReceiveOptions {
  readonly signal?: AbortSignal;
  /**
   * Entries the nodes' answers held that were refused unopened (storage-shapes.ts `readMessages`:
   * malformed, too large, beyond the count cap): counted as junk `retrieved_entry_refused`.
   */
  readonly refused?: number;
}

export class Receiver {
  private stored = 0;
  private duplicates = 0;
  private readonly junk: Partial<Record<ErrorCode, number>> = {};
  private readonly ignored: Partial<Record<IgnoredKind, number>> = {};

  constructor(private readonly ctx: CoreContext) {}

  /**
   * Handles a poll's messages in the order given. Throws only when the account is not unlocked,
   * on `signal`'s abort, or when the database fails (`storage_*`); everything else is counted.
   */
  async receive(messages: readonly RetrievedMessage[], options: ReceiveOptions = {}): Promise<ReceiveResult> {
    checkMessages(messages);
    const refused = options.refused ?? 0;
    checkInteger(refused, 'options.refused', 0);
    const identity = this.ctx.session.identity();
    const unseen = new Set(await filterUnseen(this.ctx.db, messages.map((m) => m.hash)));
    const tally = new Tally();
    const handled = new Set<string>();
    // Junk and ignored kinds are marked seen together, a few writes per poll rather than one per
    // payload: a flood of junk must not cost a transaction each (the junk flood test). A visible
    // message is stored with its own mark, in its own transaction, as before.
    const marks: SeenMark[] = [];
    try {
      for (const message of messages) {
        if (handled.has(message.hash)) continue;
        handled.add(message.hash);
        if (!unseen.has(message.hash)) {
          tally.alreadySeen++;
          continue;
        }
        throwIfAborted(options.signal);
        const outcome = await this.handle(message, identity, marks);
        tally.add(outcome);
        this.count(outcome);
        if (marks.length >= MARKS_PER_WRITE) await markSeenEach(this.ctx.db, marks.splice(0));
      }
    } catch (error) {
      // The batch stops early (abort, a failing database): what was judged stays judged if it can.
      await markSeenEach(this.ctx.db, marks.splice(0)).catch(() => undefined);
      throw error;
    }
    await markSeenEach(this.ctx.db, marks.splice(0));
    this.duplicates += tally.alreadySeen;
    // Counted once the batch went through: a failed batch is fetched, and its refused entries met, again.
    if (refused > 0) {
      const outcome: Outcome = { kind: 'junk', code: 'retrieved_entry_refused' };
      tally.add(outcome, refused);
      this.count(outcome, refused);
    }
    return tally.result(handled.size);
  }

  stats(): ReceiveStats {
    return {
      stored: this.stored,
      duplicates: this.duplicates,
      junk: { ...this.junk },
      ignored: { ...this.ignored },
    };
  }

  /** Judges one message; a junk or ignored one's seen mark is left in `marks` for the caller to write. */
  private async handle(message: RetrievedMessage, identity: ReturnType<CoreContext['session']['identity']>, marks: SeenMark[]): Promise<Outcome> {
    let seenUntil: number | undefined;
    let outcome: Outcome;
    try {
      // One reading of the clock per message: the received time and the seen hash's bound.
      const now = this.ctx.clock();
      // The node's expiration, bounded: a node cannot make us keep a hash for years (docs/core.md).
      seenUntil = boundedExpiry(message.expiration, now);
      const opened = openStoredMessage(message.data, identity);
      const classified = classify(opened.content);
      if (classified.kind === 'ignored') {
        outcome = classified;
      } else if (classified.kind === 'unsend') {
        outcome = await this.unsend(classified, opened, identity.sessionId);
      } else {
        const stored = await this.store(message.hash, seenUntil, now, opened, classified, identity.sessionId);
        if (stored !== undefined) return stored;
        outcome = { kind: 'ignored', ignored: 'expired' };
      }
    } catch (error) {
      if (isParleyError(error) && STORAGE_FAILURES.has(error.code)) throw error;
      outcome = { kind: 'junk', code: isParleyError(error) ? error.code : 'internal' };
    }
    // Junk and ignored kinds are marked too: a message that failed once fails again (§5.4 layer 3).
    // Not when our own clock failed first: then the next poll tries it again.
    if (seenUntil !== undefined) marks.push({ hash: message.hash, expiresAt: seenUntil });
    return outcome;
  }

  /** Undefined: a message whose timer had already ended (not stored; the caller marks its hash seen). */
  private async store(
    hash: string,
    seenUntil: number,
    now: number,
    opened: OpenedMessage,
    visible: Filed,
    ourSessionId: string,
  ): Promise<Outcome | undefined> {
    const sentAt = opened.envelopeTimestamp;
    const fromUs = opened.senderSessionId === ourSessionId;
    // A sync copy names its conversation; our own message without one is a note to self.
    const conversationId = fromUs ? parseSessionId(visible.data.syncTarget ?? ourSessionId).sessionId : opened.senderSessionId;
    const setting = settingFromContent(opened.content);
    const isText = visible.kind === 'visible';
    // A timer update itself does not disappear; a message does by the timer it carries.
    const expiresAt = isText ? expiresAtOnWrite(setting, sentAt, fromUs) : null;
    if (expiresAt !== null && expiresAt <= now) return undefined;
    const awaitsRead = isText && setting?.mode === 'after_read' && !fromUs;
    const common = {
      conversationId,
      senderSessionId: opened.senderSessionId,
      sentAt,
      receivedAt: now,
      body: isText ? visible.body : '',
      swarmHashes: [hash],
      expiresAt,
      kind: isText ? ('text' as const) : ('disappearing_changed' as const),
      disappearing: setting,
      // Incoming messages and sync copies were both retrieved from our own swarm.
      ownSwarmHashes: [hash],
      ...(awaitsRead ? { awaitingRead: conversationId } : {}),
      ...(isText && visible.data.attachments?.length ? { attachments: storedAttachmentsOf(visible.data.attachments) } : {}),
    };
    const message: NewMessage = fromUs
      ? { direction: 'outgoing', ...common, status: 'sent', failureCode: null }
      : { direction: 'incoming', ...common };
    const displayName = fromUs ? undefined : profileName(visible.data);
    const conversationUpdate: ConversationUpdate = {
      createdAt: now,
      // The sender's clock orders the list, but never from the future: a skewed peer cannot pin itself on top.
      lastMessageAt: Math.min(sentAt, now),
      unreadIncrement: fromUs || !isText ? 0 : 1,
      ...(displayName !== undefined ? { displayName } : {}),
    };
    const result = await recordIncomingMessage(this.ctx.db, {
      message,
      conversationUpdate,
      seenHash: { hash, expiresAt: seenUntil },
    });
    if (!result.inserted) return { kind: 'duplicate' };
    // Someone (the peer, or we on another device) set the timer: the conversation follows.
    if (!isText) await setConversationDisappearing(this.ctx.db, conversationId, setting, now);
    this.ctx.events.emit({ type: 'message_added', message: messageView({ ...message, id: result.id } as MessageRecord) });
    const conversation = await getConversation(this.ctx.db, conversationId);
    if (conversation !== undefined) this.ctx.events.emit({ type: 'conversation', conversation: conversationView(conversation) });
    return { kind: 'stored' };
  }

  /**
   * Its author deleted a message for everyone. The target is found by (author, sent time); the
   * pipeline has already refused a request whose author is not its sender. In a note to self the
   * message goes; elsewhere it becomes a tombstone. Our swarm's copies of it are deleted.
   */
  private async unsend(request: Extract<Classified, { kind: 'unsend' }>, opened: OpenedMessage, ourSessionId: string): Promise<Outcome> {
    const target = await findMessageBySender(this.ctx.db, request.author, request.timestamp);
    // Checked again here: the store's index is the authority on who wrote the target.
    if (target === undefined || target.senderSessionId !== opened.senderSessionId || target.kind === 'unsent') {
      return { kind: 'ignored', ignored: 'unsend' };
    }
    const noteToSelf = target.conversationId === ourSessionId;
    if (noteToSelf) {
      await removeMessage(this.ctx.db, target.id);
      this.ctx.events.emit({ type: 'messages_removed', conversationId: target.conversationId, messageIds: [target.id] });
    } else {
      const tombstone = await markMessageUnsent(this.ctx.db, target.id);
      if (tombstone !== undefined) this.ctx.events.emit({ type: 'message_changed', message: messageView(tombstone) });
    }
    const conversation = await getConversation(this.ctx.db, target.conversationId);
    if (conversation !== undefined) this.ctx.events.emit({ type: 'conversation', conversation: conversationView(conversation) });
    await deleteFromOwnSwarm(this.ctx, target.ownSwarmHashes ?? []);
    return { kind: 'stored' };
  }

  private count(outcome: Outcome, times = 1): void {
    switch (outcome.kind) {
      case 'stored':
        this.stored += times;
        break;
      case 'duplicate':
        this.duplicates += times;
        break;
      case 'junk':
        this.junk[outcome.code] = (this.junk[outcome.code] ?? 0) + times;
        break;
      case 'ignored':
        this.ignored[outcome.ignored] = (this.ignored[outcome.ignored] ?? 0) + times;
        break;
    }
  }
}

/** What a decrypted Content is, for this client: a message to show, or a kind not handled yet. */
export function classify(content: Content): Classified {
  const data = content.dataMessage;
  if (data !== undefined) {
    if (data.body !== undefined && data.body.length > 0) return { kind: 'visible', data, body: data.body };
    // Attachments without text are a message too (a photo, a voice message); docs/attachments.md.
    if (data.attachments !== undefined && data.attachments.length > 0) return { kind: 'visible', data, body: '' };
    if (data.reaction !== undefined) return { kind: 'ignored', ignored: 'reaction' };
    if (((data.flags ?? 0) & DATA_MESSAGE_FLAG_EXPIRATION_TIMER_UPDATE) !== 0) return { kind: 'timer_update', data };
    return { kind: 'ignored', ignored: 'no_body' };
  }
  if (content.typingMessage !== undefined) return { kind: 'ignored', ignored: 'typing' };
  if (content.receiptMessage !== undefined) return { kind: 'ignored', ignored: 'receipt' };
  if (content.unsendRequest !== undefined) {
    return { kind: 'unsend', timestamp: content.unsendRequest.timestamp, author: content.unsendRequest.author };
  }
  if (content.dataExtractionNotification !== undefined) return { kind: 'ignored', ignored: 'data_extraction' };
  if (content.messageRequestResponse !== undefined) return { kind: 'ignored', ignored: 'message_request_response' };
  return { kind: 'ignored', ignored: 'unknown' };
}

/** The sender's display name, trimmed, when it is there and within libsession's limit. */
export function profileName(data: DataMessage): string | undefined {
  const name = data.profile?.displayName?.trim();
  if (name === undefined || name.length === 0) return undefined;
  return utf8(name).length <= MAX_DISPLAY_NAME_BYTES ? name : undefined;
}

class Tally {
  alreadySeen = 0;
  stored = 0;
  duplicates = 0;
  readonly junk: Partial<Record<ErrorCode, number>> = {};
  readonly ignored: Partial<Record<IgnoredKind, number>> = {};

  add(outcome: Outcome, times = 1): void {
    if (outcome.kind === 'stored') this.stored += times;
    else if (outcome.kind === 'duplicate') this.duplicates += times;
    else if (outcome.kind === 'junk') this.junk[outcome.code] = (this.junk[outcome.code] ?? 0) + times;
    else this.ignored[outcome.ignored] = (this.ignored[outcome.ignored] ?? 0) + times;
  }

  result(fetched: number): ReceiveResult {
    return {
      fetched,
      alreadySeen: this.alreadySeen,
      stored: this.stored,
      duplicates: this.duplicates,
      junk: this.junk,
      ignored: this.ignored,
    };
  }
}

function checkMessages(messages: readonly RetrievedMessage[]): void {
  if (!Array.isArray(messages)) {
    throw new ParleyError('invalid_argument', 'messages must be an array', { param: 'messages', problem: 'type' });
  }
  messages.forEach((message: unknown, i) => {
    if (typeof message !== 'object' || message === null) {
      throw new ParleyError('invalid_argument', `messages[${i}] must be an object`, { param: `messages[${i}]`, problem: 'type' });
    }
    const { hash, data, expiration } = message as Record<string, unknown>;
    checkString(hash, `messages[${i}].hash`);
    if (hash.length === 0) {
      throw new ParleyError('invalid_argument', `messages[${i}].hash must not be empty`, { param: `messages[${i}].hash`, problem: 'length' });
    }
    if (!(data instanceof Uint8Array)) {
      throw new ParleyError('invalid_argument', `messages[${i}].data must be a Uint8Array`, { param: `messages[${i}].data`, problem: 'type' });
    }
    if (typeof expiration !== 'number') {
      throw new ParleyError('invalid_argument', `messages[${i}].expiration must be a number`, {
        param: `messages[${i}].expiration`,
        problem: 'type',
      });
    }
  });
}
