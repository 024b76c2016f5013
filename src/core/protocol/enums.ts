/**
 * The protobuf enums as string unions. A value this client does not know decodes to 'unknown' (so
 * a newer sender cannot make decoding fail), and 'unknown' encodes only where the enum itself has a
 * zero "UNKNOWN" member. Names are the .proto names in lower snake case.
 */
import { invalid } from './wire.ts';

export interface EnumCodec<Name extends string> {
  decode(value: number): Name | 'unknown';
  encode(value: unknown, path: string): number;
}

function enumCodec<const Names extends Record<string, number>>(names: Names): EnumCodec<Extract<keyof Names, string>> {
  const byNumber = new Map<number, Extract<keyof Names, string>>();
  for (const [name, value] of Object.entries(names)) byNumber.set(value, name as Extract<keyof Names, string>);
  return {
    decode: (value) => byNumber.get(value) ?? 'unknown',
    encode: (value, path) => {
      if (typeof value !== 'string' || !Object.hasOwn(names, value)) {
        throw invalid(path, 'enum', `must be one of ${Object.keys(names).join(', ')}`);
      }
      return names[value]!;
    },
  };
}

/** WebSocketMessage.Type */
export const webSocketMessageTypes = enumCodec({ unknown: 0, request: 1, response: 2 });
export type WebSocketMessageType = 'unknown' | 'request' | 'response';

/** Envelope.Type: 6 for 1:1 and sync messages, 7 for (legacy/v2) groups. */
export const envelopeTypes = enumCodec({ session_message: 6, closed_group_message: 7 });
export type EnvelopeType = 'session_message' | 'closed_group_message' | 'unknown';

/** Content.ExpirationType: 'unknown' (0) is the legacy "not set" value. */
export const expirationTypes = enumCodec({ unknown: 0, delete_after_read: 1, delete_after_send: 2 });
export type ExpirationType = 'unknown' | 'delete_after_read' | 'delete_after_send';

/** ReceiptMessage.Type: desktop sends READ only; libsession also defines DELIVERY = 0. */
export const receiptTypes = enumCodec({ delivery: 0, read: 1 });
export type ReceiptType = 'delivery' | 'read' | 'unknown';

/** TypingMessage.Action */
export const typingActions = enumCodec({ started: 0, stopped: 1 });
export type TypingAction = 'started' | 'stopped' | 'unknown';

/** DataExtractionNotification.Type */
export const dataExtractionTypes = enumCodec({ screenshot: 1, media_saved: 2 });
export type DataExtractionType = 'screenshot' | 'media_saved' | 'unknown';

/** DataMessage.Reaction.Action */
export const reactionActions = enumCodec({ react: 0, remove: 1 });
export type ReactionAction = 'react' | 'remove' | 'unknown';

/** DataMessage.flags bit: a control message that changes the disappearing-messages timer. */
export const DATA_MESSAGE_FLAG_EXPIRATION_TIMER_UPDATE = 2;
/** AttachmentPointer.flags bit. */
export const ATTACHMENT_FLAG_VOICE_MESSAGE = 1;
