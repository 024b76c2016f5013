/** Store records → the Core API's views (what the UI may see: no keys, no payloads). */
import type { AccountView, ConversationView, MessageView, NetworkState } from '../api.ts';
import type { NetworkStatus } from '../net/network-state.ts';
import type { AccountRecord, ConversationRecord, MessageRecord } from '../store/index.ts';
import type { SessionState } from './account-session.ts';

export function accountView(record: AccountRecord, session: SessionState): AccountView {
  return {
    sessionId: record.sessionId,
    displayName: record.displayName,
    hasPassphrase: record.seed.kind === 'locked',
    locked: session.kind !== 'unlocked',
  };
}

export function conversationView(record: ConversationRecord): ConversationView {
  return {
    id: record.id,
    displayName: record.displayName,
    createdAt: record.createdAt,
    lastActivityAt: record.lastMessageAt,
    unreadCount: record.unreadCount,
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
  };
}

export function networkView(status: NetworkStatus): NetworkState {
  if (status.kind !== 'connected') return status;
  const path = status.paths[0];
  if (path === undefined) return { kind: 'building_path' };
  return {
    kind: 'connected',
    path: path.map((node, i) => ({ role: i === 0 ? 'guard' : 'relay', shortKey: shortKey(node.ed25519Hex) })),
  };
}

function shortKey(hex: string): string {
  return `${hex.slice(0, 4)}…${hex.slice(-4)}`;
}
