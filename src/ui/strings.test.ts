import { describe, expect, it } from 'vitest';
import { ParleyError } from '../shared/errors.ts';
import { errorSentence, failureReason, formatWait, sentenceFor } from './strings.ts';

describe('error sentences', () => {
  it('name the word, the count and the character the details carry', () => {
    expect(errorSentence('mnemonic_unknown_word', { position: 3, word: 'caek' })).toBe(
      'Word 3, “caek”, is not a recovery phrase word. Check its spelling.',
    );
    expect(errorSentence('mnemonic_word_count', { count: 7, expected: '13 or 25' })).toBe('A recovery phrase has 13 words; this has 7.');
    expect(errorSentence('session_id_not_hex', { position: 5, character: 'z' })).toMatch(/^Character 5, “z”/);
    expect(errorSentence('session_id_length', { length: 64, expected: 66 })).toMatch(/this has 64/);
  });

  it('still make a sentence when details are missing', () => {
    expect(errorSentence('mnemonic_unknown_word')).toBe('One word is not a recovery phrase word. Check the spelling.');
    expect(errorSentence('mnemonic_word_count', { count: 'seven' })).toBe('A recovery phrase has 13 words.');
  });

  it('fall back to one plain sentence for codes and errors the UI does not name', () => {
    expect(errorSentence('protobuf_malformed')).toBe('Something went wrong. Reload the page to try again.');
    expect(errorSentence(undefined)).toBe('Something went wrong. Reload the page to try again.');
    expect(sentenceFor(new Error('boom'))).toBe('Something went wrong. Reload the page to try again.');
  });

  it('choose by code, never by message', () => {
    expect(sentenceFor(new ParleyError('wrong_passphrase', 'anything at all'))).toBe('That passphrase is not right. Try again.');
  });

  it('count a passphrase wait down in minutes and seconds, and name why a passphrase is too weak', () => {
    expect([299_001, 300_000, 30_000, 1, 0, 61_000].map(formatWait)).toEqual(['5:00', '5:00', '0:30', '0:01', '0:00', '1:01']);
    expect(errorSentence('too_many_attempts', { retryAfterMs: 299_000 })).toBe('Too many wrong attempts. Try again in 4:59.');
    expect(errorSentence('wrong_passphrase', { retryAfterMs: 30_000 })).toBe('That passphrase is not right. Too many wrong attempts. Try again in 0:30.');
    expect(errorSentence('invalid_argument', { param: 'passphrase', problem: 'weak', reason: 'too_short' })).toMatch(/^Use at least 8 characters/);
    expect(errorSentence('invalid_argument', { param: 'passphrase', problem: 'weak', reason: 'recovery_phrase' })).toMatch(/recovery phrase/);
    // Any other invalid argument is a bug of ours: the plain fallback, in either place.
    expect(errorSentence('invalid_argument', { param: 'x', problem: 'type' })).toBe('Something went wrong. Reload the page to try again.');
    expect(failureReason('invalid_argument')).toBe('It could not be sent. Try again.');
  });
});
