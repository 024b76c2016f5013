import { describe, expect, it } from 'vitest';
import type { InputCheck } from '../../core/api.ts';
import { countWords, markedWords, phraseFeedback } from './phrase-feedback.ts';

const ok: InputCheck = { ok: true };
const count = (n: number): InputCheck => ({ ok: false, code: 'mnemonic_word_count', details: { count: n, expected: '13 or 25' } });
const unknown = (position: number, word: string): InputCheck => ({
  ok: false,
  code: 'mnemonic_unknown_word',
  details: { position, word },
});
const checksum: InputCheck = { ok: false, code: 'mnemonic_checksum', details: {} };
const words = (n: number) => Array.from({ length: n }, () => 'ruby').join(' ');

describe('phraseFeedback', () => {
  it('says nothing about an empty field', () => {
    expect(phraseFeedback('   ', count(0), false)).toEqual({ kind: 'none' });
  });

  it('counts words while fewer than 13 are typed, and calls it an error once the person goes on', () => {
    expect(phraseFeedback(words(7), count(7), false)).toEqual({ kind: 'progress', count: 7 });
    expect(phraseFeedback(words(7), count(7), true)).toMatchObject({ kind: 'error', code: 'mnemonic_word_count' });
  });

  it('calls too many words an error at once', () => {
    expect(phraseFeedback(words(14), count(14), false)).toMatchObject({ kind: 'error', code: 'mnemonic_word_count' });
  });

  it('waits for the word being typed, but names an unknown word the person has moved past', () => {
    expect(phraseFeedback('ruby unq', unknown(2, 'unq'), false)).toEqual({ kind: 'progress', count: 2 });
    expect(phraseFeedback('ruby unq ', unknown(2, 'unq'), false)).toMatchObject({ kind: 'error', details: { position: 2 } });
    expect(phraseFeedback('rubx unquoted', unknown(1, 'rubx'), false)).toMatchObject({ kind: 'error', details: { word: 'rubx' } });
    expect(phraseFeedback(`${words(12)} pupp`, unknown(13, 'pupp'), false)).toEqual({ kind: 'none' });
    expect(phraseFeedback(`${words(12)} pupp`, unknown(13, 'pupp'), true)).toMatchObject({ kind: 'error' });
  });

  it('reports a checksum mismatch and a good phrase', () => {
    expect(phraseFeedback(words(13), checksum, false)).toMatchObject({ kind: 'error', code: 'mnemonic_checksum' });
    expect(phraseFeedback(words(13), ok, false)).toEqual({ kind: 'ok' });
  });

  it('counts words across any whitespace', () => {
    expect(countWords('  Ruby \n unquoted\tELUDED ')).toBe(3);
  });

  it('marks the unknown word among the phrase words, and nothing for other feedback', () => {
    const feedback = phraseFeedback('ruby  UNQ oak ', unknown(2, 'unq'), false);
    expect(markedWords('ruby  UNQ oak ', feedback)).toEqual([
      { position: 1, word: 'ruby', bad: false },
      { position: 2, word: 'unq', bad: true },
      { position: 3, word: 'oak', bad: false },
    ]);
    expect(markedWords('ruby oak', { kind: 'progress', count: 2 })).toEqual([]);
    expect(markedWords('ruby', { kind: 'error', code: 'mnemonic_unknown_word', details: { position: 5, word: 'x' } })).toEqual([]);
  });
});
