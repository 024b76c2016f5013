/**
 * What the Restore screen says about a recovery phrase while it is typed, from the core's check.
 * Quiet while the person is plainly still typing (fewer than 13 words, or the last word unfinished);
 * precise as soon as something is wrong that more typing will not fix.
 */
import type { InputCheck } from '../../core/api.ts';
import type { ErrorCode, ErrorDetails } from '../../shared/errors.ts';

export type PhraseFeedback =
  | { readonly kind: 'none' }
  | { readonly kind: 'progress'; readonly count: number }
  | { readonly kind: 'ok' }
  | { readonly kind: 'error'; readonly code: ErrorCode; readonly details: ErrorDetails };

export const PHRASE_WORDS = 13;

export function countWords(text: string): number {
  return text.split(/\s+/u).filter((word) => word !== '').length;
}

/**
 * `final` is true when the person asked to go on: then a short phrase is an error, not progress.
 */
export function phraseFeedback(text: string, check: InputCheck, final: boolean): PhraseFeedback {
  const count = countWords(text);
  if (count === 0) return { kind: 'none' };
  if (check.ok) return { kind: 'ok' };
  const stillTyping = !final && !/\s$/u.test(text);
  if (check.code === 'mnemonic_word_count') {
    if (!final && count < PHRASE_WORDS) return { kind: 'progress', count };
    return { kind: 'error', code: check.code, details: check.details };
  }
  // The word being typed is not yet a word: say nothing of it until the person moves on.
  if (check.code === 'mnemonic_unknown_word' && stillTyping && check.details['position'] === count) {
    return count < PHRASE_WORDS ? { kind: 'progress', count } : { kind: 'none' };
  }
  return { kind: 'error', code: check.code, details: check.details };
}

export interface MarkedWord {
  /** 1-based, as the core counts words. */
  readonly position: number;
  readonly word: string;
  readonly bad: boolean;
}

/**
 * The phrase as words with the unknown one marked, to show right under the field; empty when the
 * feedback is not about one unknown word. Words are split as the core splits them (on any space),
 * and lower-cased as the core reads them.
 */
export function markedWords(text: string, feedback: PhraseFeedback): MarkedWord[] {
  if (feedback.kind !== 'error' || feedback.code !== 'mnemonic_unknown_word') return [];
  const position = feedback.details['position'];
  if (typeof position !== 'number') return [];
  const words = text.split(/\s+/u).filter((word) => word !== '');
  if (position < 1 || position > words.length) return [];
  return words.map((word, index) => ({ position: index + 1, word: word.toLowerCase(), bad: index + 1 === position }));
}
