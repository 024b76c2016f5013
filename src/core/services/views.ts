/** Store records → the Core API's views (what the UI may see: no keys, no payloads). */
import type { AccountView, AttachmentView, ConversationView, MessagePreview, MessageView, NetworkState } from '../api.ts';
import type { NetworkStatus } from '../net/network-state.ts';
import type { StoredAttachment } from '../store/schema.ts';
import type { AccountRecord, DisappearingSetting, ConversationRecord, LastMessageSummary, MessageRecord } from '../store/index.ts';
import type { SessionState } from './account-session.ts';

export function accountView(record: AccountRecord, session: SessionState, passphraseRetryAfterMs = 0): AccountView {
  return {
    sessionId: record.sessionId,
    displayName: record.displayName,
    hasPassphrase: record.seed.kind === 'locked',
    locked: session.kind !== 'unlocked',
    passphraseRetryAfterMs,
  };
}

/** A conversation as the UI sees it: its record holds the newest message's summary, kept in step by every message write. */
export function conversationView(record: ConversationRecord): ConversationView {
  return {
    id: record.id,
    displayName: record.displayName,
    createdAt: record.createdAt,
    lastActivityAt: record.lastMessageAt,
    unreadCount: record.unreadCount,
    lastMessage: record.lastMessage === null ? null : messagePreview(record.lastMessage),
    disappearing: settingView(record.disappearing),
  };
}

function messagePreview(summary: LastMessageSummary): MessagePreview {
  const files = summary.attachments ?? null; // absent in summaries written before it existed: none
  return {
    kind: summary.kind,
    direction: summary.direction,
    body: summary.excerpt,
    sentAt: summary.sentAt,
    status: summary.status,
    attachments: files === null ? null : { count: files.count, firstFileName: files.firstFileName, firstContentType: files.firstContentType, firstIsVoiceMessage: files.firstIsVoiceMessage },
  };
}

export function messageView(record: MessageRecord): MessageView {
  return {
    id: record.id,
    conversationId: record.conversationId,
    direction: record.direction,
    senderSessionId: record.senderSessionId,
    sentAt: record.sentAt,
    receivedAt: record.receivedAt,
    body: record.body,
    status: record.direction === 'outgoing' ? record.status : null,
    failureCode: record.direction === 'outgoing' ? record.failureCode : null,
    kind: record.kind ?? 'text',
    disappearing: settingView(record.disappearing),
    expiresAt: record.expiresAt,
    attachments: (record.attachments ?? []).map(attachmentView),
  };
}

/** Only what the UI may see: the source (URL, key, digest) stays in the worker. */
function attachmentView(stored: StoredAttachment, index: number): AttachmentView {
  return {
    index,
    fileName: stored.fileName,
    contentType: stored.contentType,
    size: stored.size,
    width: stored.width,
    height: stored.height,
    voiceMessage: stored.voiceMessage,
    state: stored.state,
    progress: stored.state === 'sent' || stored.state === 'downloaded' ? 1 : 0,
    failureCode: stored.failureCode,
  };
}

function settingView(setting: DisappearingSetting | null | undefined): DisappearingSetting | null {
  return setting == null ? null : { mode: setting.mode, timerSeconds: setting.timerSeconds };
}

export function networkView(status: NetworkStatus): NetworkState {
  if (status.kind !== 'connected') return status;
  const path = status.paths[0];
  if (path === undefined) return { kind: 'building_path' };
  return {
    kind: 'connected',
    path: path.map((node, i) => ({ role: i === 0 ? 'guard' : 'relay', shortKey: shortKey(node.ed25519Hex) })),
    lastDestination: status.lastDestination === null ? null : { role: 'destination', shortKey: shortKey(status.lastDestination) },
  };
}

function shortKey(hex: string): string {
  return `${hex.slice(0, 4)}…${hex.slice(-4)}`;
}
