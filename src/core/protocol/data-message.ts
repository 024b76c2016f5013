/**
 * DataMessage and its parts (client-protocol.md §4.5, §7): visible messages, reactions, quotes,
 * link previews, the sender's profile, community invitations, sync copies. Legacy fields (group 3,
 * expireTimer 5, timestamp 7, closedGroupControlMessage 104) and groupUpdateMessage (120, groups v2)
 * are not decoded: they are skipped as unknown fields.
 */
import { checkObject } from '../../../wasm/check.ts';
import { decodeAttachmentPointer, encodeAttachmentPointer, type AttachmentPointer } from './attachment.ts';
import { reactionActions, type ReactionAction } from './enums.ts';
import {
  encodeEach,
  encodeOptional,
  Reader,
  requireDecoded,
  requireForEncode,
  Writer,
  type Draft,
} from './wire.ts';

/**
 * Session's limit for display names, in UTF-8 bytes (libsession contacts MAX_NAME_LENGTH,
 * client-protocol.md §7): ours is refused longer, a peer's longer one is not taken.
 */
export const MAX_DISPLAY_NAME_BYTES = 100;

export interface LokiProfile {
  /** At most MAX_DISPLAY_NAME_BYTES by libsession's rule (not enforced by the codec). */
  readonly displayName?: string;
  /** Avatar URL; desktop sends it only together with DataMessage.profileKey. */
  readonly profilePicture?: string;
  readonly lastProfileUpdateSeconds?: number;
}

export interface Quote {
  /** The quoted message's sent timestamp (its Envelope.timestamp). */
  readonly id: number;
  /** The quoted message's author, a Session ID. */
  readonly author: string;
  /** Field 3: sent by older clients, reserved in current desktop. */
  readonly text?: string;
}

export interface Preview {
  readonly url: string;
  readonly title?: string;
  readonly image?: AttachmentPointer;
}

export interface Reaction {
  /** The target message's sent timestamp. */
  readonly id: number;
  /** The target message's author, a Session ID. */
  readonly author: string;
  readonly emoji?: string;
  readonly action: ReactionAction;
}

/** `openGroupInvitation` in libsession; the same wire format. */
export interface CommunityInvitation {
  readonly url: string;
  /** Field 3 (there is no field 2). */
  readonly name: string;
}

export interface DataMessage {
  readonly body?: string;
  readonly attachments?: readonly AttachmentPointer[];
  /** Bit field: DATA_MESSAGE_FLAG_EXPIRATION_TIMER_UPDATE. */
  readonly flags?: number;
  /** 32-byte AES-256-GCM key of the sender's avatar. */
  readonly profileKey?: Uint8Array;
  readonly quote?: Quote;
  readonly preview?: readonly Preview[];
  readonly reaction?: Reaction;
  readonly profile?: LokiProfile;
  readonly communityInvitation?: CommunityInvitation;
  /** Only on the copy a sender stores in its own swarm: the Session ID of the real recipient. */
  readonly syncTarget?: string;
  readonly blocksCommunityMessageRequests?: boolean;
}

export function encodeDataMessage(value: DataMessage, path: string): Uint8Array {
  checkObject(value, path);
  const w = new Writer(path);
  w.string(1, value.body, 'body');
  encodeEach(value.attachments, `${path}.attachments`, (item, itemPath) =>
    w.message(2, encodeAttachmentPointer(item, itemPath)),
  );
  w.uint32(4, value.flags, 'flags');
  w.bytes(6, value.profileKey, 'profileKey');
  w.message(8, encodeOptional(value.quote, `${path}.quote`, encodeQuote));
  encodeEach(value.preview, `${path}.preview`, (item, itemPath) => w.message(10, encodePreview(item, itemPath)));
  w.message(11, encodeOptional(value.reaction, `${path}.reaction`, encodeReaction));
  w.message(101, encodeOptional(value.profile, `${path}.profile`, encodeLokiProfile));
  w.message(102, encodeOptional(value.communityInvitation, `${path}.communityInvitation`, encodeCommunityInvitation));
  w.string(105, value.syncTarget, 'syncTarget');
  w.bool(106, value.blocksCommunityMessageRequests, 'blocksCommunityMessageRequests');
  return w.finish();
}

export function decodeDataMessage(bytes: Uint8Array, path: string): DataMessage {
  const r = new Reader(bytes, path);
  const out: Draft<DataMessage> = {};
  const attachments: AttachmentPointer[] = [];
  const preview: Preview[] = [];
  while (!r.done) {
    const tag = r.tag();
    const wt = tag.wireType;
    switch (tag.field) {
      case 1: out.body = r.string(wt, 'body'); break;
      case 2: attachments.push(r.message(wt, `attachments[${attachments.length}]`, decodeAttachmentPointer)); break;
      case 4: out.flags = r.uint32(wt, 'flags'); break;
      case 6: out.profileKey = r.bytes(wt, 'profileKey'); break;
      case 8: out.quote = r.message(wt, 'quote', decodeQuote); break;
      case 10: preview.push(r.message(wt, `preview[${preview.length}]`, decodePreview)); break;
      case 11: out.reaction = r.message(wt, 'reaction', decodeReaction); break;
      case 101: out.profile = r.message(wt, 'profile', decodeLokiProfile); break;
      case 102: out.communityInvitation = r.message(wt, 'communityInvitation', decodeCommunityInvitation); break;
      case 105: out.syncTarget = r.string(wt, 'syncTarget'); break;
      case 106: out.blocksCommunityMessageRequests = r.bool(wt, 'blocksCommunityMessageRequests'); break;
      default: r.skip(tag);
    }
  }
  if (attachments.length > 0) out.attachments = attachments;
  if (preview.length > 0) out.preview = preview;
  return out;
}

export function encodeLokiProfile(value: LokiProfile, path: string): Uint8Array {
  checkObject(value, path);
  const w = new Writer(path);
  w.string(1, value.displayName, 'displayName');
  w.string(2, value.profilePicture, 'profilePicture');
  w.uint64(3, value.lastProfileUpdateSeconds, 'lastProfileUpdateSeconds');
  return w.finish();
}

export function decodeLokiProfile(bytes: Uint8Array, path: string): LokiProfile {
  const r = new Reader(bytes, path);
  const out: Draft<LokiProfile> = {};
  while (!r.done) {
    const tag = r.tag();
    const wt = tag.wireType;
    switch (tag.field) {
      case 1: out.displayName = r.string(wt, 'displayName'); break;
      case 2: out.profilePicture = r.string(wt, 'profilePicture'); break;
      case 3: out.lastProfileUpdateSeconds = r.uint64(wt, 'lastProfileUpdateSeconds'); break;
      default: r.skip(tag);
    }
  }
  return out;
}

function encodeQuote(value: Quote, path: string): Uint8Array {
  requireForEncode(value.id, `${path}.id`);
  requireForEncode(value.author, `${path}.author`);
  const w = new Writer(path);
  w.uint64(1, value.id, 'id');
  w.string(2, value.author, 'author');
  w.string(3, value.text, 'text');
  return w.finish();
}

function decodeQuote(bytes: Uint8Array, path: string): Quote {
  const r = new Reader(bytes, path);
  const out: Draft<Quote> = {};
  while (!r.done) {
    const tag = r.tag();
    const wt = tag.wireType;
    switch (tag.field) {
      case 1: out.id = r.uint64(wt, 'id'); break;
      case 2: out.author = r.string(wt, 'author'); break;
      case 3: out.text = r.string(wt, 'text'); break;
      default: r.skip(tag); // 4: quoted attachments of older clients
    }
  }
  requireDecoded(out.id, r.field('id'));
  requireDecoded(out.author, r.field('author'));
  return out as Quote;
}

function encodePreview(value: Preview, path: string): Uint8Array {
  checkObject(value, path);
  requireForEncode(value.url, `${path}.url`);
  const w = new Writer(path);
  w.string(1, value.url, 'url');
  w.string(2, value.title, 'title');
  w.message(3, encodeOptional(value.image, `${path}.image`, encodeAttachmentPointer));
  return w.finish();
}

function decodePreview(bytes: Uint8Array, path: string): Preview {
  const r = new Reader(bytes, path);
  const out: Draft<Preview> = {};
  while (!r.done) {
    const tag = r.tag();
    const wt = tag.wireType;
    switch (tag.field) {
      case 1: out.url = r.string(wt, 'url'); break;
      case 2: out.title = r.string(wt, 'title'); break;
      case 3: out.image = r.message(wt, 'image', decodeAttachmentPointer); break;
      default: r.skip(tag);
    }
  }
  requireDecoded(out.url, r.field('url'));
  return out as Preview;
}

function encodeReaction(value: Reaction, path: string): Uint8Array {
  requireForEncode(value.id, `${path}.id`);
  requireForEncode(value.author, `${path}.author`);
  requireForEncode(value.action, `${path}.action`);
  const w = new Writer(path);
  w.uint64(1, value.id, 'id');
  w.string(2, value.author, 'author');
  w.string(3, value.emoji, 'emoji');
  w.enumOf(4, value.action, reactionActions, 'action');
  return w.finish();
}

function decodeReaction(bytes: Uint8Array, path: string): Reaction {
  const r = new Reader(bytes, path);
  const out: Draft<Reaction> = {};
  while (!r.done) {
    const tag = r.tag();
    const wt = tag.wireType;
    switch (tag.field) {
      case 1: out.id = r.uint64(wt, 'id'); break;
      case 2: out.author = r.string(wt, 'author'); break;
      case 3: out.emoji = r.string(wt, 'emoji'); break;
      case 4: out.action = reactionActions.decode(r.enumValue(wt, 'action')); break;
      default: r.skip(tag);
    }
  }
  requireDecoded(out.id, r.field('id'));
  requireDecoded(out.author, r.field('author'));
  requireDecoded(out.action, r.field('action'));
  return out as Reaction;
}

function encodeCommunityInvitation(value: CommunityInvitation, path: string): Uint8Array {
  requireForEncode(value.url, `${path}.url`);
  requireForEncode(value.name, `${path}.name`);
  const w = new Writer(path);
  w.string(1, value.url, 'url');
  w.string(3, value.name, 'name');
  return w.finish();
}

function decodeCommunityInvitation(bytes: Uint8Array, path: string): CommunityInvitation {
  const r = new Reader(bytes, path);
  const out: Draft<CommunityInvitation> = {};
  while (!r.done) {
    const tag = r.tag();
    const wt = tag.wireType;
    switch (tag.field) {
      case 1: out.url = r.string(wt, 'url'); break;
      case 3: out.name = r.string(wt, 'name'); break;
      default: r.skip(tag);
    }
  }
  requireDecoded(out.url, r.field('url'));
  requireDecoded(out.name, r.field('name'));
  return out as CommunityInvitation;
}
