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

export function withDaySeparators<M extends Dated>(messages: readonly M[]): Row<M>[] {
  const rows: Row<M>[] = [];
  let currentDay = Number.NaN;
  for (const message of messages) {
    const day = startOfDay(message.sentAt);
    if (day !== currentDay) {
      rows.push({ kind: 'day', key: `d${day}`, dayStart: day });
      currentDay = day;
    }
    rows.push({ kind: 'message', key: `m${message.id}`, message });
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
