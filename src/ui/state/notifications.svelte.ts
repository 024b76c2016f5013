/**
 * New-message notifications while the app is open but hidden, and the app badge. Permission is
 * asked only from a button the person presses; the preference (off / anonymous / with the sender's
 * name) comes from the core, so every tab follows the same choice. No message text is ever shown.
 */
import type { CoreEvent, MessageView, Preferences } from '../../core/api.ts';
import { strings } from '../strings.ts';
import { contactName } from '../lib/short-id.ts';

type Permission = NotificationPermission | 'unsupported';

export class Notifier {
  permission = $state<Permission>(currentPermission());

  readonly #preference: () => Preferences['notifications'] | null;
  readonly #nameOf: (sessionId: string) => string | null;

  /**
   * `preference` reads the person's choice (kept by the shell's PreferencesState, the same in every
   * tab); `nameOf` gives a contact's display name, if known (from the conversation list).
   */
  constructor(preference: () => Preferences['notifications'] | null, nameOf: (sessionId: string) => string | null) {
    this.#preference = preference;
    this.#nameOf = nameOf;
    // Settings may ask for permission too (or the person changes it in the browser): follow it.
    navigator.permissions
      ?.query({ name: 'notifications' })
      .then((status) => {
        status.addEventListener('change', () => {
          this.permission = currentPermission();
        });
      })
      .catch(() => undefined);
  }

  /** Worth offering the button: the browser can, the person has not decided, and wants them. */
  get canAsk(): boolean {
    const preference = this.#preference();
    return this.permission === 'default' && preference !== null && preference !== 'off';
  }

  async ask(): Promise<void> {
    if (this.permission === 'unsupported') return;
    await Notification.requestPermission();
    this.permission = currentPermission();
  }

  /** Per conversation: its notification and the messages it stands for (to close it when they go). */
  readonly #shown = new Map<string, { notification: Notification; messageIds: Set<number> }>();

  handle(event: CoreEvent): void {
    if (event.type === 'message_added') this.#maybeNotify(event.message);
    // A message that disappeared (expired, deleted, unsent) leaves the notification list too.
    else if (event.type === 'messages_removed') this.#forget(event.conversationId, event.messageIds);
    else if (event.type === 'message_changed' && event.message.kind === 'unsent') this.#forget(event.message.conversationId, [event.message.id]);
  }

  #forget(conversationId: string, messageIds: readonly number[]): void {
    const shown = this.#shown.get(conversationId);
    if (shown === undefined) return;
    for (const id of messageIds) shown.messageIds.delete(id);
    if (shown.messageIds.size > 0) return;
    shown.notification.close();
    this.#shown.delete(conversationId);
  }

  #maybeNotify(message: MessageView): void {
    if (message.direction !== 'incoming' || message.kind !== 'text' || document.visibilityState !== 'hidden') return;
    const preference = this.#preference();
    if (currentPermission() !== 'granted' || preference === null || preference === 'off') return;
    const title =
      preference === 'with_sender'
        ? strings.notifications.from(contactName(this.#nameOf(message.conversationId), message.conversationId))
        : strings.notifications.anonymous;
    // One notification per conversation (tag): a burst of messages does not stack up.
    const notification = new Notification(title, { tag: `conversation-${message.conversationId}`, silent: false });
    const ids = this.#shown.get(message.conversationId)?.messageIds ?? new Set<number>();
    ids.add(message.id);
    this.#shown.set(message.conversationId, { notification, messageIds: ids });
    notification.onclose = () => {
      if (this.#shown.get(message.conversationId)?.notification === notification) this.#shown.delete(message.conversationId);
    };
    notification.onclick = () => {
      window.focus();
      window.location.hash = `#/c/${message.conversationId}`;
      notification.close();
    };
  }
}

/** Shows the total unread count on the installed app's icon, where the Badging API exists. */
export function showBadge(count: number): void {
  const nav = navigator as Navigator & { setAppBadge?: (n?: number) => Promise<void>; clearAppBadge?: () => Promise<void> };
  if (typeof nav.setAppBadge !== 'function') return;
  const done = count > 0 ? nav.setAppBadge(count) : (nav.clearAppBadge?.() ?? nav.setAppBadge(0));
  done.catch(() => undefined); // refused outside an installed app in some browsers: nothing to do
}

function currentPermission(): Permission {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}
