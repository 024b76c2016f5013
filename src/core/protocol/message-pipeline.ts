/**
 * The 1:1 message pipeline (client-protocol.md §4), both ways:
 *
 *   Content → encode → pad + sign + seal (wasm/session-protocol.ts)
 *           → Envelope{SESSION_MESSAGE, timestamp, sourceDevice 1, content}
 *           → WebSocketMessage{REQUEST, request{verb "", path "", id 0, body}} → base64 for `store`.
 *
 * Opening a stored message checks what desktop checks after decryption (§2.2 step 7) and throws
 * one of four codes, so the receiver can count junk by kind:
 * - `protobuf_malformed`: bytes that do not parse, or lack request.body / envelope.content;
 * - `decrypt_failed`: the box does not open with our key (including a box too short to be one);
 * - `signature_invalid`: it opens but the signature does not hold;
 * - `message_rejected` (details.reason): a well-formed message that policy refuses:
 *   `envelope_type` (not SESSION_MESSAGE: groups are out of scope), `sig_timestamp` (Content's
 *   sigTimestamp differs from the envelope's timestamp), `sync_target` (a sync copy from anyone
 *   but ourselves), `unsend_author` (an unsend request for someone else's message).
 * Wrong argument types are the caller's bug: `invalid_argument`.
 */
import { fromBase64, toBase64 } from '../../../wasm/bytes.ts';
import { checkInteger, checkObject, checkString } from '../../../wasm/check.ts';
import { isParleyError, ParleyError } from '../../shared/errors.ts';
import type { Identity } from '../../../wasm/identity.ts';
import { padMessage } from '../../../wasm/padding.ts';
import { parseSessionId } from '../../../wasm/session-id.ts';
import {
  decryptMessage,
  encryptForRecipientDeterministic,
  encryptMessage,
  type SenderKeys,
} from '../../../wasm/session-protocol.ts';
import { wipe } from '../../../wasm/sodium.ts';
import { decodeContent, encodeContent, type Content } from './content.ts';
import { decodeEnvelope, decodeWebSocketMessage, encodeEnvelope, encodeWebSocketMessage } from './envelope-framing.ts';
import { invalid, malformed } from './wire.ts';

/** Envelope.sourceDevice as libsession writes it. */
const SOURCE_DEVICE = 1;

export interface WrapArgs {
  readonly content: Content;
  readonly sender: SenderKeys;
  /** The recipient's "05…" Session ID (our own for a sync copy or Note to Self). */
  readonly recipientSessionId: string;
  /** Network time in ms: becomes Envelope.timestamp and Content.sigTimestamp. */
  readonly timestamp: number;
}

export interface WrappedMessage {
  /** The serialized WebSocketMessage: what the swarm stores and hashes. */
  readonly data: Uint8Array;
  /** `data` in padded standard base64: the `data` parameter of a store request. */
  readonly dataBase64: string;
}

/** What opening needs of our account: the X25519 key pair, and the Session ID for the sync check. */
export type RecipientIdentity = Pick<Identity, 'x25519PublicKey' | 'x25519SecretKey' | 'sessionId'>;

export interface OpenedMessage {
  readonly senderSessionId: string;
  readonly envelopeTimestamp: number;
  readonly content: Content;
}

type Encrypt = (content: Uint8Array, sender: SenderKeys, recipientX25519PublicKey: Uint8Array) => Uint8Array;

/**
 * Builds the stored form of a 1:1 message. `content.sigTimestamp` is set to `timestamp` when
 * absent; a different value is refused (`invalid_argument`), since receivers would drop it.
 */
export function wrapForRecipient(args: WrapArgs): WrappedMessage {
  return wrap(args, encryptMessage);
}

/**
 * The same with the deterministic sealed box (equal inputs give equal bytes). For the E2E-1 vector
 * and tests only: a real sender uses `wrapForRecipient`, whose random box hides repeated messages.
 */
export function wrapForRecipientDeterministic(args: WrapArgs): WrappedMessage {
  return wrap(args, (content, sender, recipientKey) => {
    const padded = padMessage(content);
    try {
      return encryptForRecipientDeterministic(padded, sender, recipientKey);
    } finally {
      wipe(padded);
    }
  });
}

/** Decodes, decrypts and checks one stored message (base64 as retrieved, or its bytes). */
export function openStoredMessage(data: string | Uint8Array, recipient: RecipientIdentity): OpenedMessage {
  checkObject(recipient, 'recipient');
  checkString(recipient.sessionId, 'recipient.sessionId');
  const bytes = storedBytes(data);

  const body = decodeWebSocketMessage(bytes).request?.body;
  if (body === undefined) throw malformed('webSocketMessage.request.body', 'required', 'no request body');
  const envelope = decodeEnvelope(body);
  if (envelope.type !== 'session_message') {
    throw rejected('envelope_type', `envelope type ${envelope.type} is not a 1:1 message`);
  }
  if (envelope.content === undefined) throw malformed('envelope.content', 'required', 'no content');

  const decrypted = decryptOrThrow(envelope.content, recipient);
  let content: Content;
  try {
    content = decodeContent(decrypted.content);
  } finally {
    wipe(decrypted.content);
  }

  const sender = decrypted.senderSessionId;
  if (content.sigTimestamp !== undefined && content.sigTimestamp !== envelope.timestamp) {
    throw rejected('sig_timestamp', 'Content.sigTimestamp differs from Envelope.timestamp');
  }
  if (content.dataMessage?.syncTarget !== undefined && sender !== recipient.sessionId) {
    throw rejected('sync_target', 'a sync message from another account');
  }
  if (content.unsendRequest !== undefined && content.unsendRequest.author !== sender) {
    throw rejected('unsend_author', "an unsend request for another author's message");
  }
  return { senderSessionId: sender, envelopeTimestamp: envelope.timestamp, content };
}

function wrap(args: WrapArgs, encrypt: Encrypt): WrappedMessage {
  checkObject(args, 'args');
  const { sender, recipientSessionId, timestamp } = args;
  checkInteger(timestamp, 'timestamp', 0);
  checkObject(args.content, 'content');
  const recipient = parseSessionId(recipientSessionId);
  if (args.content.sigTimestamp !== undefined && args.content.sigTimestamp !== timestamp) {
    throw invalid('content.sigTimestamp', 'mismatch', 'must equal timestamp (or be left out)');
  }

  const contentBytes = encodeContent({ ...args.content, sigTimestamp: timestamp });
  let ciphertext: Uint8Array;
  try {
    ciphertext = encrypt(contentBytes, sender, recipient.x25519PublicKey);
  } finally {
    wipe(contentBytes);
  }
  const envelope = encodeEnvelope({
    type: 'session_message',
    timestamp,
    sourceDevice: SOURCE_DEVICE,
    content: ciphertext,
  });
  const data = encodeWebSocketMessage({
    type: 'request',
    request: { verb: '', path: '', body: envelope, requestId: 0n },
  });
  return { data, dataBase64: toBase64(data) };
}

function storedBytes(data: string | Uint8Array): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (typeof data !== 'string') throw invalid('data', 'type', 'must be a base64 string or a Uint8Array');
  try {
    return fromBase64(data, 'data');
  } catch (error) {
    if (isParleyError(error, 'invalid_argument')) throw malformed('data', 'base64', 'is not standard base64');
    throw error;
  }
}

function decryptOrThrow(ciphertext: Uint8Array, recipient: RecipientIdentity): ReturnType<typeof decryptMessage> {
  try {
    return decryptMessage(ciphertext, recipient);
  } catch (error) {
    if (isParleyError(error, 'ciphertext_too_short')) {
      throw new ParleyError('decrypt_failed', 'the content is too short to be a sealed message', { ...error.details });
    }
    throw error;
  }
}

function rejected(reason: string, message: string): ParleyError {
  return new ParleyError('message_rejected', message, { reason });
}
