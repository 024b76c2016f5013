/**
 * Session's protobuf messages, hand-written (see wire.ts for why and for the wire-level rules).
 * Every `encodeX` refuses a message missing a proto2 required field (`invalid_argument`, naming the
 * field path); every `decodeX` rejects one (`protobuf_malformed`), as libsession's parser does.
 * Decoded messages omit absent fields and empty repeated fields, so decode(encode(m)) equals m.
 */
export type { AttachmentPointer } from './attachment.ts';
export { decodeAttachmentPointer, encodeAttachmentPointer } from './attachment.ts';
export type {
  Content,
  DataExtractionNotification,
  MessageRequestResponse,
  ReceiptMessage,
  TypingMessage,
  UnsendRequest,
} from './content.ts';
export { decodeContent, encodeContent } from './content.ts';
export type { CommunityInvitation, DataMessage, LokiProfile, Preview, Quote, Reaction } from './data-message.ts';
export { decodeDataMessage, encodeDataMessage } from './data-message.ts';
export type {
  DataExtractionType,
  EnvelopeType,
  ExpirationType,
  ReactionAction,
  ReceiptType,
  TypingAction,
  WebSocketMessageType,
} from './enums.ts';
export { ATTACHMENT_FLAG_VOICE_MESSAGE, DATA_MESSAGE_FLAG_EXPIRATION_TIMER_UPDATE } from './enums.ts';
export type { Envelope, WebSocketMessage, WebSocketRequestMessage } from './envelope-framing.ts';
export { decodeEnvelope, decodeWebSocketMessage, encodeEnvelope, encodeWebSocketMessage } from './envelope-framing.ts';
