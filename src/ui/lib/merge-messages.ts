/**
 * Adds messages to an oldest-first list (by sentAt, then local id). A message already there is
 * kept as it is: its status moves only through `message_status` events, so a late copy (the value
 * `sendMessage` resolved with, or a repeated `message_added`) never turns "sent" back to "queued".
 * The common cases — a page of older messages, one new message at the end — are a prepend or an
 * append; anything else falls back to a sort.
 */
export interface Ordered {
  readonly id: number;
  readonly sentAt: number;
}

export function compareMessages(a: Ordered, b: Ordered): number {
  return a.sentAt - b.sentAt || a.id - b.id;
}

export function mergeMessages<M extends Ordered>(current: readonly M[], incoming: readonly M[]): M[] {
  if (incoming.length === 0) return [...current];
  const known = new Set<number>();
  for (const message of current) known.add(message.id);
  const added: M[] = [];
  for (const message of incoming) {
    if (known.has(message.id)) continue;
    known.add(message.id);
    added.push(message);
  }
  if (added.length === 0) return [...current];
  added.sort(compareMessages);
  const first = current[0];
  const last = current[current.length - 1];
  if (last === undefined || compareMessages(added[0]!, last) > 0) return [...current, ...added];
  if (first !== undefined && compareMessages(added[added.length - 1]!, first) < 0) return [...added, ...current];
  return [...current, ...added].sort(compareMessages);
}
