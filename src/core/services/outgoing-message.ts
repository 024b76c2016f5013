/**
 * What a sent message is made of (client-protocol.md §4, §5.6): the body checked against the
 * client's limit, and the two stored payloads built ONCE when the message is queued — the copy for
 * the recipient's swarm and the sync copy (`syncTarget` = recipient) for our own. Both are kept in
 * the outbox and re-stored byte for byte on every retry: the sealed box is random, so building them
 * again would give the same message a second swarm hash, and a recipient could see it twice.
 */
import { checkInteger, checkString } from '../../../wasm/check.ts';
import { ParleyError } from '../../shared/errors.ts';
import type { Identity } from '../../../wasm/identity.ts';
import type { Content } from '../protocol/content.ts';
import type { DataMessage } from '../protocol/data-message.ts';
import { wrapForRecipient } from '../protocol/message-pipeline.ts';

/** Desktop's limit for a message body without Session Pro (client-protocol.md §4.5). */
export const MAX_MESSAGE_LENGTH = 2_000;

/**
 * A body's length as the limit counts it: in Unicode code points, so an emoji counts as one
 * character, as a person counts it. The UI's counter should use this same function.
 */
export function messageLength(body: string): number {
  let count = 0;
  for (const _ of body) count++;
  return count;
}

/**
 * `invalid_argument` for a non-string, `message_empty` for an empty or whitespace-only body,
 * `message_too_long` {length, max} past MAX_MESSAGE_LENGTH code points. The body is kept as typed.
 */
export function checkMessageBody(body: unknown): asserts body is string {
  checkString(body, 'body');
  if (body.trim().length === 0) throw new ParleyError('message_empty', 'the message is empty');
  const length = messageLength(body);
  if (length > MAX_MESSAGE_LENGTH) {
    throw new ParleyError('message_too_long', `the message has ${length} characters, at most ${MAX_MESSAGE_LENGTH} can be sent`, {
      length,
      max: MAX_MESSAGE_LENGTH,
    });
  }
}

export interface OutgoingPayloadArgs {
  readonly sender: Pick<Identity, 'ed25519SecretKey' | 'sessionId'>;
  /** Canonical "05…" Session ID; our own for Note to Self. */
  readonly recipient: string;
  readonly body: string;
  /** Our display name, sent in DataMessage.profile so the recipient can show it; null: no profile. */
  readonly displayName: string | null;
  /** Network time (ms): Envelope.timestamp and Content.sigTimestamp of both copies. */
  readonly sentAt: number;
}

export interface OutgoingPayloads {
  /** Base64 of the stored form for the recipient's swarm (namespace 0). */
  readonly recipientPayload: string;
  /** Base64 of the sync copy for our own swarm; null for Note to Self (the one copy is ours already). */
  readonly syncPayload: string | null;
}

/** The DataMessage both copies carry; the sync copy adds `syncTarget`. */
export function outgoingDataMessage(body: string, displayName: string | null): DataMessage {
  return displayName === null ? { body } : { body, profile: { displayName } };
}

/** Builds both payloads; the same Content and timestamp, so every device files them as one message. */
export function buildOutgoingPayloads(args: OutgoingPayloadArgs): OutgoingPayloads {
  checkMessageBody(args.body);
  checkInteger(args.sentAt, 'sentAt', 0);
  if (args.displayName !== null) checkString(args.displayName, 'displayName');
  const dataMessage = outgoingDataMessage(args.body, args.displayName);
  const wrap = (content: Content, recipientSessionId: string) =>
    wrapForRecipient({ content, sender: args.sender, recipientSessionId, timestamp: args.sentAt }).dataBase64;

  const recipientPayload = wrap({ dataMessage, sigTimestamp: args.sentAt }, args.recipient);
  if (args.recipient === args.sender.sessionId) return { recipientPayload, syncPayload: null };
  const syncPayload = wrap({ dataMessage: { ...dataMessage, syncTarget: args.recipient }, sigTimestamp: args.sentAt }, args.sender.sessionId);
  return { recipientPayload, syncPayload };
}
