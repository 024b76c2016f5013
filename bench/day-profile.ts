/**
 * A day's requests and bytes under a stated profile (issue 10 item 2), from the per-minute rates two
 * benches measure: chatting and an open, quiet conversation (bench/delivery.bench.ts), a tab hidden
 * for 10 minutes (bench/background.bench.ts). Each bench notes its rates here; bench/run.ts records
 * the day once both have run.
 */
import type { Rate } from './delivery-clients.ts';
import { record } from './report.ts';

/** A stated day: minutes chatting, open on screen and quiet, open in a background tab. */
export const DAY_PROFILE = { chattingMinutes: 10, onScreenMinutes: 120, hiddenMinutes: 360 } as const;

export type Who = 'Parley' | '5 s baseline';
export type Phase = 'chatting' | 'on screen' | 'hidden';

const rates = new Map<string, Rate>();

export function noteRate(who: Who, phase: Phase, rate: Rate): void {
  rates.set(`${who}/${phase}`, rate);
}

/** Records the day's figures if every rate is known; says which are missing otherwise. */
export function recordDay(): void {
  const missing: string[] = [];
  const day = (who: Who): Rate => {
    const get = (phase: Phase): Rate => {
      const rate = rates.get(`${who}/${phase}`);
      if (rate === undefined) missing.push(`${who} ${phase}`);
      return rate ?? { requests: Number.NaN, bytes: Number.NaN };
    };
    const [chatting, onScreen, hidden] = [get('chatting'), get('on screen'), get('hidden')];
    const total = (key: keyof Rate) =>
      chatting[key] * DAY_PROFILE.chattingMinutes + onScreen[key] * DAY_PROFILE.onScreenMinutes + hidden[key] * DAY_PROFILE.hiddenMinutes;
    return { requests: total('requests'), bytes: total('bytes') };
  };
  const parley = day('Parley');
  const baseline = day('5 s baseline');
  if (missing.length > 0) {
    if (rates.size > 0) console.log(`\n(no day profile: it needs both the delivery and the background bench; missing ${missing.join(', ')})`);
    return;
  }
  const note = `${DAY_PROFILE.chattingMinutes} min chatting, ${DAY_PROFILE.onScreenMinutes / 60} h open on screen, ${DAY_PROFILE.hiddenMinutes / 60} h in a background tab, from the per-minute rates above`;
  record({ section: 'day', name: 'Parley, requests per day', value: Math.round(parley.requests), unit: 'requests', target: '≤ ½ of the baseline', met: parley.requests <= baseline.requests / 2, note });
  record({ section: 'day', name: '5 s baseline, requests per day', value: Math.round(baseline.requests), unit: 'requests', note });
  record({ section: 'day', name: 'Parley, MB per day', value: Number((parley.bytes / 1e6).toFixed(2)), unit: 'MB', note });
  record({ section: 'day', name: '5 s baseline, MB per day', value: Number((baseline.bytes / 1e6).toFixed(2)), unit: 'MB', note });
}
