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

// The ids of a list this module returned, so that the next merge into it checks a page against
// them without walking the whole list again. A list's set moves on to the list merged from it.
const idsOf = new WeakMap<readonly Ordered[], Set<number>>();

function knownIds(list: readonly Ordered[]): Set<number> {
  let ids = idsOf.get(list);
  if (ids === undefined || ids.size !== list.length) {
    ids = new Set<number>();
    for (const message of list) ids.add(message.id);
  }
  return ids;
}

export function mergeMessages<M extends Ordered>(current: readonly M[], incoming: readonly M[]): M[] {
  if (incoming.length === 0) return [...current];
  const known = knownIds(current);
  const added: M[] = [];
  const addedIds = new Set<number>();
  for (const message of incoming) {
    if (known.has(message.id) || addedIds.has(message.id)) continue;
    addedIds.add(message.id);
    added.push(message);
  }
  if (added.length === 0) {
    const copy = [...current];
    idsOf.set(copy, known);
    return copy;
  }
  added.sort(compareMessages);
  const first = current[0];
  const last = current[current.length - 1];
  let merged: M[];
  if (last === undefined || compareMessages(added[0]!, last) > 0) merged = [...current, ...added];
  else if (first !== undefined && compareMessages(added[added.length - 1]!, first) < 0) merged = [...added, ...current];
  else merged = [...current, ...added].sort(compareMessages);
  // `current` keeps no set of its own from here: the same set, grown, now describes `merged`.
  idsOf.delete(current);
  for (const id of addedIds) known.add(id);
  idsOf.set(merged, known);
  return merged;
}
