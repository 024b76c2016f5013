/**
 * The Core's event types as a value, typed by the CoreEvent union: a new event type does not compile
 * until it is listed here. Followers hand their UI no other type (tab-forwarding.ts), and the keys
 * test requires every one to be seen.
 */
import type { CoreEvent } from './api.ts';

export const CORE_EVENT_TYPES: { readonly [T in CoreEvent['type']]: true } = {
  account: true,
  message_added: true,
  message_changed: true,
  messages_removed: true,
  attachment_progress: true,
  message_status: true,
  conversation: true,
  network: true,
  outbox: true,
  preferences: true,
};

