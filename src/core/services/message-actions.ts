/**
 * What a person does to messages besides writing them (docs/disappearing.md): set a conversation's
 * disappearing timer, read (which starts delete-after-read timers), delete for me, unsend.
 */
import { checkInteger } from '../../../wasm/check.ts';
import { parseSessionId } from '../../../wasm/session-id.ts';
import { ParleyError } from '../../shared/errors.ts';
import type { ConversationView, DisappearingMode } from '../api.ts';
import {
  getConversation,
  getMessage,
  getOutboxEntry,
  removeMessage,
  setConversationDisappearing,
  startReadTimers,
  type MessageRecord,
  type OutgoingMessageRecord,
} from '../store/index.ts';
import type { CoreContext } from './context.ts';
import { checkDisappearingChoice } from './disappearing-rules.ts';
import type { Outbox } from './outbox.ts';
import { deleteFromOwnSwarm, shortenOwnExpiry } from './own-swarm.ts';
import { conversationView, messageView } from './views.ts';

export class MessageActions {
  constructor(
    private readonly ctx: CoreContext,
    private readonly outbox: Outbox,
  ) {}

  /**
   * The conversation's new timer, recorded and sent (with its sync copy) as a timer update. Dev
   * timers (10, 30, 60 s) only on the devnet.
   */
  async setDisappearing(conversationId: string, mode: DisappearingMode | 'off', timerSeconds: number): Promise<ConversationView> {
    const { sessionId } = parseSessionId(conversationId);
    const setting = checkDisappearingChoice(mode, timerSeconds, this.ctx.network.profile.name === 'devnet');
    this.ctx.session.identity(); // account_locked before anything changes
    const conversation = await setConversationDisappearing(this.ctx.db, sessionId, setting, this.ctx.clock());
    await this.outbox.queueTimerUpdate(sessionId, setting);
    const view = conversationView((await getConversation(this.ctx.db, sessionId)) ?? conversation);
    this.ctx.events.emit({ type: 'conversation', conversation: view });
    return view;
  }

  /**
   * The person has read the conversation: its delete-after-read messages start their timers, and
   * their copies in our swarm are shortened to the same end (`expire` with `shorten`, §8).
   */
  async read(conversationId: string): Promise<void> {
    const { sessionId } = parseSessionId(conversationId);
    const started = await startReadTimers(this.ctx.db, sessionId, this.ctx.clock());
    if (started.length === 0) return;
    for (const message of started) this.ctx.events.emit({ type: 'message_changed', message: messageView(message) });
    const byExpiry = new Map<number, string[]>();
    for (const message of started) {
      if (message.expiresAt === null) continue;
      byExpiry.set(message.expiresAt, [...(byExpiry.get(message.expiresAt) ?? []), ...(message.ownSwarmHashes ?? [])]);
    }
    for (const [expiry, hashes] of byExpiry) {
      // The device clock's end, said in network time: the swarm's clock is the one that counts there.
      const networkExpiry = expiry + (this.ctx.network.time.now() - this.ctx.clock());
      await shortenOwnExpiry(this.ctx, hashes, networkExpiry);
    }
  }

  /** Delete for me: gone from this device (and from the outbox), and its copies from our swarm. */
  async deleteForMe(messageId: number): Promise<void> {
    checkInteger(messageId, 'messageId', 1);
    const removed = await removeMessage(this.ctx.db, messageId);
    if (removed === undefined) throw new ParleyError('message_not_found', 'no message with this id', { messageId });
    await this.announceRemoved(removed);
    await deleteFromOwnSwarm(this.ctx, removed.ownSwarmHashes ?? []);
  }

  /**
   * Unsend our own message. Not yet in the recipient's swarm: it is cancelled (removed, never
   * sent). Already there: the unsend request goes out and ours becomes a tombstone.
   */
  async unsend(messageId: number): Promise<void> {
    checkInteger(messageId, 'messageId', 1);
    const message = await getMessage(this.ctx.db, messageId);
    if (message === undefined) throw new ParleyError('message_not_found', 'no message with this id', { messageId });
    if (message.direction !== 'outgoing') throw new ParleyError('message_not_own', 'only our own messages can be unsent', { messageId });
    if (message.kind === 'unsent') return;
    const entry = await getOutboxEntry(this.ctx.db, messageId);
    if (entry !== undefined && !entry.recipientStored) return this.deleteForMe(messageId);
    const tombstone = await this.outbox.unsend(message as OutgoingMessageRecord);
    this.ctx.events.emit({ type: 'message_changed', message: messageView(tombstone) });
    await this.announceConversation(tombstone.conversationId);
  }

  private async announceRemoved(message: MessageRecord): Promise<void> {
    this.ctx.events.emit({ type: 'messages_removed', conversationId: message.conversationId, messageIds: [message.id] });
    await this.announceConversation(message.conversationId);
  }

  private async announceConversation(conversationId: string): Promise<void> {
    const conversation = await getConversation(this.ctx.db, conversationId);
    if (conversation !== undefined) this.ctx.events.emit({ type: 'conversation', conversation: conversationView(conversation) });
  }
}
