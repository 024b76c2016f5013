/**
 * Times and days in the person's own locale (the browser's Intl), for message meta, day
 * separators and the conversation list.
 */
import { dayName, startOfDay } from './days.ts';

const time = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const weekday = new Intl.DateTimeFormat(undefined, { weekday: 'short' });
const shortDate = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });
const longDate = new Intl.DateTimeFormat(undefined, { weekday: 'long', day: 'numeric', month: 'long' });
const longDateWithYear = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'long', year: 'numeric' });

// Intl formatting is the costliest part of rendering a message row, and rows are rendered again
// and again while scrolling: the words of a minute are kept (time zones are whole minutes apart).
const minuteWords = new Map<number, string>();
const MINUTES_KEPT = 10_000;

export function formatTime(at: number): string {
  const minute = Math.floor(at / 60_000);
  let words = minuteWords.get(minute);
  if (words === undefined) {
    if (minuteWords.size >= MINUTES_KEPT) minuteWords.clear();
    words = time.format(minute * 60_000);
    minuteWords.set(minute, words);
  }
  return words;
}

/** A day separator's words: "Today", "Yesterday", or the date (with the year when not this one). */
export function formatDay(dayStart: number, now: number, words: { today: string; yesterday: string }): string {
  const name = dayName(dayStart, now);
  if (name.kind === 'today') return words.today;
  if (name.kind === 'yesterday') return words.yesterday;
  const sameYear = new Date(dayStart).getFullYear() === new Date(now).getFullYear();
  return (sameYear ? longDate : longDateWithYear).format(dayStart);
}

/** The list's time column: the time today, the weekday within a week, else the date. */
export function formatListTime(at: number, now: number): string {
  const days = Math.round((startOfDay(now) - startOfDay(at)) / 86_400_000);
  if (days <= 0) return time.format(at);
  if (days < 7) return weekday.format(at);
  return shortDate.format(at);
}
