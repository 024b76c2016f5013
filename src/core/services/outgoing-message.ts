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
import type { AttachmentPointer } from '../protocol/attachment.ts';
import { DATA_MESSAGE_FLAG_EXPIRATION_TIMER_UPDATE } from '../protocol/enums.ts';
import { wrapForRecipient } from '../protocol/message-pipeline.ts';
import { contentExpiration, type DisappearingSetting } from './disappearing-rules.ts';

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
  /** The conversation's disappearing timer, carried by the message (Content 12/13); null or absent: off. */
  readonly disappearing?: DisappearingSetting | null;
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

  const expiration = args.disappearing ? contentExpiration(args.disappearing) : {};
  return buildPair(args, (syncTarget) => ({
    dataMessage: syncTarget === undefined ? dataMessage : { ...dataMessage, syncTarget },
    ...expiration,
  }));
}

/**
 * Both payloads of an ExpirationTimerUpdate (§4.6): a DataMessage with flags = 2, and Content's
 * expirationType/expirationTimer set to the new setting (off: UNKNOWN and 0).
 */
export function buildTimerUpdatePayloads(args: Omit<OutgoingPayloadArgs, 'body'> & { readonly setting: DisappearingSetting | null }): OutgoingPayloads {
  checkInteger(args.sentAt, 'sentAt', 0);
  const dataMessage: DataMessage = {
    flags: DATA_MESSAGE_FLAG_EXPIRATION_TIMER_UPDATE,
    ...(args.displayName !== null ? { profile: { displayName: args.displayName } } : {}),
  };
  const expiration = contentExpiration(args.setting);
  return buildPair(args, (syncTarget) => ({
    dataMessage: syncTarget === undefined ? dataMessage : { ...dataMessage, syncTarget },
    ...expiration,
  }));
}

/**
 * Both payloads of an unsend request (§4.6): UnsendRequest{timestamp = the target's sent time,
 * author = us}. The copy in our own swarm tells our other devices (it carries no syncTarget: an
 * UnsendRequest has no DataMessage).
 */
export function buildUnsendPayloads(
  args: Pick<OutgoingPayloadArgs, 'sender' | 'recipient' | 'sentAt'> & { readonly targetSentAt: number },
): OutgoingPayloads {
  checkInteger(args.sentAt, 'sentAt', 0);
  checkInteger(args.targetSentAt, 'targetSentAt', 0);
  const content: Content = { unsendRequest: { timestamp: args.targetSentAt, author: args.sender.sessionId } };
  return buildPair(args, () => content);
}

/**
 * Both payloads of a message with attachments (§4.5, §6.4): the pointers, the caption as the body
 * when there is one (it may be empty), the profile, the conversation's timer. Built once, after the
 * uploads, at the message's own sentAt (docs/attachments.md).
 */
export function buildAttachmentPayloads(
  args: Omit<OutgoingPayloadArgs, 'body'> & { readonly caption: string; readonly attachments: readonly AttachmentPointer[] },
): OutgoingPayloads {
  checkInteger(args.sentAt, 'sentAt', 0);
  if (args.caption.trim().length > 0) checkMessageBody(args.caption);
  const dataMessage: DataMessage = {
    ...(args.caption.trim().length > 0 ? { body: args.caption } : {}),
    attachments: args.attachments,
    ...(args.displayName !== null ? { profile: { displayName: args.displayName } } : {}),
  };
  const expiration = args.disappearing ? contentExpiration(args.disappearing) : {};
  return buildPair(args, (syncTarget) => ({
    dataMessage: syncTarget === undefined ? dataMessage : { ...dataMessage, syncTarget },
    ...expiration,
  }));
}

/** The recipient's copy, and (unless it is a note to self) the sync copy for our own swarm. */
function buildPair(
  args: Pick<OutgoingPayloadArgs, 'sender' | 'recipient' | 'sentAt'>,
  content: (syncTarget: string | undefined) => Content,
): OutgoingPayloads {
  const wrap = (c: Content, recipientSessionId: string) =>
    wrapForRecipient({ content: { ...c, sigTimestamp: args.sentAt }, sender: args.sender, recipientSessionId, timestamp: args.sentAt }).dataBase64;
  const recipientPayload = wrap(content(undefined), args.recipient);
  if (args.recipient === args.sender.sessionId) return { recipientPayload, syncPayload: null };
  return { recipientPayload, syncPayload: wrap(content(args.recipient), args.sender.sessionId) };
}
