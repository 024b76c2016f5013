/**
 * Day separators: the message list is a sequence of rows where a "day" row comes before the first
 * message of each local calendar day. Rows carry stable keys for the virtual list.
 */
export interface Dated {
  readonly id: number;
  readonly sentAt: number;
}

export type Row<M extends Dated> =
  | { readonly kind: 'day'; readonly key: string; readonly dayStart: number }
  | { readonly kind: 'message'; readonly key: string; readonly message: M };

/** Local midnight of the day `time` falls in. */
export function startOfDay(time: number): number {
  const date = new Date(time);
  return new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime();
}

/** The local midnight after the one given (a day may be 23 or 25 hours long). */
function nextDayStart(dayStart: number): number {
  const date = new Date(dayStart);
  return new Date(date.getFullYear(), date.getMonth(), date.getDate() + 1).getTime();
}

// Rows are cached per message object and day rows per day, so that rebuilding the rows after a
// page of older messages allocates only for the new messages: the list reuses every other row.
const messageRows = new WeakMap<object, { readonly kind: 'message'; readonly key: string; readonly message: Dated }>();
const dayRows = new Map<number, { readonly kind: 'day'; readonly key: string; readonly dayStart: number }>();
const DAY_ROWS_KEPT = 4096;

function dayRow(dayStart: number): { readonly kind: 'day'; readonly key: string; readonly dayStart: number } {
  let row = dayRows.get(dayStart);
  if (row === undefined) {
    if (dayRows.size >= DAY_ROWS_KEPT) dayRows.clear();
    row = { kind: 'day', key: `d${dayStart}`, dayStart };
    dayRows.set(dayStart, row);
  }
  return row;
}

export function withDaySeparators<M extends Dated>(messages: readonly M[]): Row<M>[] {
  const rows: Row<M>[] = [];
  // Messages of one day mostly follow each other: a time inside [dayStart, dayEnd) needs no Date.
  let dayStart = Number.NaN;
  let dayEnd = Number.NaN;
  for (const message of messages) {
    const at = message.sentAt;
    if (!(at >= dayStart && at < dayEnd)) {
      dayStart = startOfDay(at);
      dayEnd = nextDayStart(dayStart);
      rows.push(dayRow(dayStart));
    }
    let row = messageRows.get(message);
    if (row === undefined) {
      row = { kind: 'message', key: `m${message.id}`, message };
      messageRows.set(message, row);
    }
    rows.push(row as Row<M>);
  }
  return rows;
}

export type DayName = { readonly kind: 'today' } | { readonly kind: 'yesterday' } | { readonly kind: 'date'; readonly dayStart: number };

/** Whether a day is today, yesterday or an earlier date, relative to `now`. */
export function dayName(dayStart: number, now: number): DayName {
  const today = startOfDay(now);
  if (dayStart === today) return { kind: 'today' };
  const yesterday = startOfDay(new Date(today).setDate(new Date(today).getDate() - 1));
  if (dayStart === yesterday) return { kind: 'yesterday' };
  return { kind: 'date', dayStart };
}
