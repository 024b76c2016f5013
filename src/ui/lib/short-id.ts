/**
 * Session IDs are 66 hex characters; people recognise them by their ends, e.g. "05ab…7e9f".
 */
export function shortId(sessionId: string): string {
  if (sessionId.length <= 9) return sessionId;
  return `${sessionId.slice(0, 4)}…${sessionId.slice(-4)}`;
}

/** What to call a contact: the name they gave, else the short form of their ID. */
export function contactName(displayName: string | null | undefined, sessionId: string): string {
  const name = displayName?.trim();
  return name ? name : shortId(sessionId);
}
