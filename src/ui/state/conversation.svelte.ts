/**
 * One open conversation: its messages paged back from the core (oldest first), kept live from
 * `message_added` / `message_status` events, and marked read when the person has seen the newest.
 * Telling the core which conversation is open makes it poll that swarm faster.
 */
import type { Remote } from 'comlink';
import type { CoreApi, CoreEvent, ConversationView, DisappearingMode, MessageView } from '../../core/api.ts';
import { isParleyError, type ErrorCode } from '../../shared/errors.ts';
import { mergeMessages } from '../lib/merge-messages.ts';
import { SNIFF_BYTES, sniffMedia } from '../lib/sniff.ts';
import { videoSize } from '../lib/media-frames.ts';

/**
 * An image's or a video's width and height for its pointer (receivers lay it out before
 * downloading), measured locally and only when the bytes are one; nothing for anything else or
 * what does not decode.
 */
async function mediaSize(file: File): Promise<{ width?: number; height?: number }> {
  const media = sniffMedia(new Uint8Array(await file.slice(0, SNIFF_BYTES).arrayBuffer()));
  if (media === null) return {};
  if (media.kind === 'video') return (await videoSize(new Blob([file], { type: media.type }))) ?? {};
  try {
    const bitmap = await createImageBitmap(file);
    const size = { width: bitmap.width, height: bitmap.height };
    bitmap.close();
    return size;
  } catch {
    return {};
  }
}

const FIRST_PAGE = 50;
const OLDER_PAGE = 100;

export type OpenPhase = 'opening' | 'open' | 'failed';

export class ConversationState {
  readonly id: string;
  phase = $state<OpenPhase>('opening');
  openError = $state<ErrorCode | 'unknown' | null>(null);
  conversation = $state.raw<ConversationView | null>(null);
  /** Oldest first; replaced, never mutated in place ($state.raw: tens of thousands of rows). */
  messages = $state.raw<readonly MessageView[]>([]);
  hasOlder = $state(true);
  loadingOlder = $state(false);
  sendError = $state<ErrorCode | 'unknown' | null>(null);
  /** Why the last timer change, delete or unsend failed. */
  actionError = $state<ErrorCode | 'unknown' | null>(null);
  /** Downloads in flight: "messageId:index" → 0..1 (from `attachment_progress`). */
  progress = $state.raw<ReadonlyMap<string, number>>(new Map());

  readonly #core: Remote<CoreApi>;
  #closed = false;
  #marking = false;

  constructor(core: Remote<CoreApi>, id: string) {
    this.#core = core;
    this.id = id;
  }

  async open(): Promise<void> {
    try {
      const conversation = await this.#core.openConversation(this.id);
      const page = await this.#core.listMessages(this.id, { limit: FIRST_PAGE });
      if (this.#closed) return;
      this.conversation = conversation;
      this.messages = mergeMessages(this.messages, page);
      this.hasOlder = page.length === FIRST_PAGE;
      this.phase = 'open';
      await this.#core.setActiveConversation(this.id);
    } catch (error) {
      if (this.#closed) return;
      this.openError = isParleyError(error) ? error.code : 'unknown';
      this.phase = 'failed';
    }
  }

  /** Loads the page before the oldest message shown; resolves to how many came. */
  async loadOlder(): Promise<number> {
    if (this.loadingOlder || !this.hasOlder || this.phase !== 'open') return 0;
    const oldest = this.messages[0];
    this.loadingOlder = true;
    try {
      const page = await this.#core.listMessages(this.id, {
        limit: OLDER_PAGE,
        ...(oldest ? { before: { sentAt: oldest.sentAt, id: oldest.id } } : {}),
      });
      if (this.#closed) return 0;
      this.messages = mergeMessages(this.messages, page);
      this.hasOlder = page.length === OLDER_PAGE;
      return page.length;
    } finally {
      this.loadingOlder = false;
    }
  }

  handle(event: CoreEvent): void {
    if (event.type === 'message_added' && event.message.conversationId === this.id) {
      this.messages = mergeMessages(this.messages, [event.message]);
    } else if (event.type === 'message_status' && event.conversationId === this.id) {
      // Status changes concern recent messages: search from the end.
      let index = this.messages.length - 1;
      while (index >= 0 && this.messages[index]!.id !== event.messageId) index--;
      if (index < 0) return;
      const next = [...this.messages];
      next[index] = { ...next[index]!, status: event.status, failureCode: event.failureCode };
      this.messages = next;
    } else if (event.type === 'message_changed' && event.message.conversationId === this.id) {
      // A tombstone, or a read timer that started: the same message, new fields.
      const index = this.messages.findIndex((m) => m.id === event.message.id);
      if (index < 0) return;
      const next = [...this.messages];
      next[index] = event.message;
      this.messages = next;
    } else if (event.type === 'messages_removed' && event.conversationId === this.id) {
      const gone = new Set(event.messageIds);
      this.messages = this.messages.filter((m) => !gone.has(m.id));
    } else if (event.type === 'attachment_progress' && this.messages.some((m) => m.id === event.messageId)) {
      const next = new Map(this.progress);
      next.set(`${event.messageId}:${event.index}`, event.progress);
      this.progress = next;
    } else if (event.type === 'conversation' && event.conversation.id === this.id) {
      this.conversation = event.conversation;
    }
  }

  /** Sends `body`; resolves true when the core took it (it is then queued on disk). */
  async send(body: string): Promise<boolean> {
    this.sendError = null;
    try {
      const message = await this.#core.sendMessage(this.id, body);
      if (!this.#closed) this.messages = mergeMessages(this.messages, [message]);
      return true;
    } catch (error) {
      this.sendError = isParleyError(error) ? error.code : 'unknown';
      return false;
    }
  }

  /** Sends files with `caption` (which may be empty); resolves true when the core took them. */
  async sendFiles(files: readonly File[], caption: string): Promise<boolean> {
    this.sendError = null;
    try {
      const described = await Promise.all(files.map(async (file) => ({ name: file.name, type: file.type, data: file, ...(await mediaSize(file)) })));
      const message = await this.#core.sendAttachments(this.id, described, caption);
      if (!this.#closed) this.messages = mergeMessages(this.messages, [message]);
      return true;
    } catch (error) {
      this.sendError = isParleyError(error) ? error.code : 'unknown';
      return false;
    }
  }

  /** Sends a recorded voice message: one attachment flagged VOICE_MESSAGE, no caption. */
  async sendVoice(recording: File): Promise<boolean> {
    this.sendError = null;
    try {
      const message = await this.#core.sendAttachments(this.id, [{ name: recording.name, type: recording.type, data: recording, voiceMessage: true }], '');
      if (!this.#closed) this.messages = mergeMessages(this.messages, [message]);
      return true;
    } catch (error) {
      this.sendError = isParleyError(error) ? error.code : 'unknown';
      return false;
    }
  }

  /** Downloads an attachment; its states arrive as `message_changed`, its failure stays on it. */
  downloadAttachment(messageId: number, index: number): void {
    this.#core.downloadAttachment(messageId, index).catch(() => undefined);
  }

  cancelAttachment(messageId: number, index: number): void {
    this.#core.cancelAttachment(messageId, index).catch(() => undefined);
  }

  /** The attachment's bytes (type application/octet-stream: sniff before showing). */
  readAttachment(messageId: number, index: number): Promise<Blob> {
    return this.#core.readAttachment(messageId, index);
  }

  async retry(messageId: number): Promise<void> {
    try {
      await this.#core.retryMessage(messageId);
    } catch (error) {
      this.sendError = isParleyError(error) ? error.code : 'unknown';
    }
  }

  /** Sets the conversation's disappearing timer ('off' ignores the timer). */
  async setDisappearing(mode: DisappearingMode | 'off', timerSeconds: number): Promise<void> {
    await this.#act(async () => {
      this.conversation = await this.#core.setDisappearing(this.id, mode, timerSeconds);
    });
  }

  /** Delete for me: the `messages_removed` event takes it off the list. */
  deleteMessage(messageId: number): Promise<void> {
    return this.#act(() => this.#core.deleteMessage(messageId));
  }

  /** Unsend: the `message_changed` (or, if it was never sent, `messages_removed`) event updates the list. */
  unsendMessage(messageId: number): Promise<void> {
    return this.#act(() => this.#core.unsendMessage(messageId));
  }

  async #act(action: () => Promise<void>): Promise<void> {
    this.actionError = null;
    try {
      await action();
    } catch (error) {
      this.actionError = isParleyError(error) ? error.code : 'unknown';
    }
  }

  /** The person has seen the newest message: clear the unread count, once per change. */
  async markSeen(): Promise<void> {
    if (this.#marking || this.#closed || (this.conversation?.unreadCount ?? 0) === 0) return;
    this.#marking = true;
    try {
      await this.#core.markRead(this.id);
    } catch (error) {
      console.warn('could not mark the conversation read', isParleyError(error) ? error.code : error);
    } finally {
      this.#marking = false;
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#core.setActiveConversation(null).catch(() => undefined);
  }
}
