import { describe, expect, it } from 'vitest';
import { ParleyError } from '../shared/errors.ts';
import { errorSentence, sentenceFor } from './strings.ts';

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
});
