import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { casesOf, loadVectors } from '../test/vectors.ts';
import { fromHex, toHex } from './bytes.ts';
import { crc32 } from './crc32.ts';
import {
  MNEMONIC_WORD_COUNT,
  decodeMnemonic,
  decodeMnemonicWords,
  encodeMnemonic,
  encodeMnemonicWords,
  findUnknownWord,
} from './mnemonic.ts';
import { ENGLISH_WORDS } from './mnemonic-words.ts';
import { errorOf } from '../test/expect-code.ts';

interface WordList {
  word_count: number;
  unique_prefix_length: number;
  first_words: string[];
  last_word: string;
  fingerprint_sha256_hex: string;
}
interface EncodeDecode {
  entropy_hex: string;
  phrase: string;
  word_count: number;
  checksum_word: string;
  mode: string;
}
interface EncodeNoChecksum {
  entropy_hex: string;
  phrase: string;
  word_count: number;
}
interface Decode {
  phrase: string;
  expected_entropy_hex: string;
  normalised_phrase?: string;
}
interface MustFail {
  phrase: string;
  mode: string;
  error_class: 'checksum' | 'unknown_word' | 'word_count' | 'overflow';
}

const vectors = loadVectors('mnemonic');
const wordList = vectors['wordlist'] as WordList;
const M1 = 'amaze buffet cake entrance symptoms tiger lamb maze nestle python dusted faxed faxed';
const M1_ENTROPY = '000102030405060708090a0b0c0d0e0f';

/** Runs `fn` and returns the ParleyError it throws, failing the test when it does not throw. */
function decodeInMode(phrase: string, mode: string): Uint8Array {
  if (mode === 'session_13_words') return decodeMnemonic(phrase);
  return decodeMnemonicWords(phrase, { checksum: mode !== 'no_checksum' });
}

describe('word list', () => {
  it('matches the fingerprint of the Session English list', () => {
    const digest = createHash('sha256').update(ENGLISH_WORDS.join('\n'), 'utf8').digest('hex');
    expect(digest).toBe(wordList.fingerprint_sha256_hex);
    expect(ENGLISH_WORDS.length).toBe(wordList.word_count);
    expect(ENGLISH_WORDS.slice(0, 4)).toEqual(wordList.first_words);
    expect(ENGLISH_WORDS.at(-1)).toBe(wordList.last_word);
  });

  it('has unique 3-letter prefixes', () => {
    const prefixes = new Set(ENGLISH_WORDS.map((w) => w.slice(0, wordList.unique_prefix_length)));
    expect(prefixes.size).toBe(ENGLISH_WORDS.length);
  });

  it('is frozen', () => {
    expect(Object.isFrozen(ENGLISH_WORDS)).toBe(true);
  });
});

describe('crc32', () => {
  it('gives the IEEE check value', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });

  it('rejects a non-Uint8Array', () => {
    expect(errorOf(() => crc32('abc' as unknown as Uint8Array)).code).toBe('invalid_argument');
  });
});

describe('mnemonic vectors', () => {
  it.each(casesOf<EncodeDecode>(vectors, 'encode_decode'))('$id encodes and decodes', (c) => {
    const entropy = fromHex(c.entropy_hex);
    const encoded =
      c.mode === 'session_13_words' || entropy.length === 32
        ? encodeMnemonic(entropy)
        : encodeMnemonicWords(entropy, { checksum: true });
    expect(encoded).toBe(c.phrase);
    expect(encoded.split(' ')).toHaveLength(c.word_count);
    expect(encoded.split(' ').at(-1)).toBe(c.checksum_word);
    expect(toHex(decodeInMode(c.phrase, c.mode))).toBe(c.entropy_hex);
    if (c.word_count === 13 || c.word_count === 25) expect(toHex(decodeMnemonic(c.phrase))).toBe(c.entropy_hex);
  });

  it.each(casesOf<EncodeNoChecksum>(vectors, 'encode_no_checksum'))('$id encodes without a checksum word', (c) => {
    const encoded = encodeMnemonicWords(fromHex(c.entropy_hex), { checksum: false });
    expect(encoded).toBe(c.phrase);
    expect(encoded.split(' ')).toHaveLength(c.word_count);
    expect(toHex(decodeMnemonicWords(c.phrase, { checksum: false }))).toBe(c.entropy_hex);
  });

  it.each(casesOf<Decode>(vectors, 'decode'))('$id decodes', (c) => {
    expect(toHex(decodeMnemonic(c.phrase))).toBe(c.expected_entropy_hex);
  });

  it.each(casesOf<Decode>(vectors, 'decode_after_normalisation'))('$id decodes after normalisation', (c) => {
    expect(toHex(decodeMnemonic(c.phrase))).toBe(c.expected_entropy_hex);
    expect(toHex(decodeMnemonic(c.normalised_phrase!))).toBe(c.expected_entropy_hex);
  });

  it.each(casesOf<MustFail>(vectors, 'decode_must_fail'))('$id is rejected ($error_class)', (c) => {
    expect(errorOf(() => decodeInMode(c.phrase, c.mode)).code).toBe(`mnemonic_${c.error_class}`);
  });

  it('reports the vector overflow triple at the position of its first word', () => {
    const phrase = 'abbey abbey zoom abbey abbey abbey abbey abbey abbey abbey abbey abbey abbey';
    expect(errorOf(() => decodeMnemonic(phrase))).toMatchObject({ code: 'mnemonic_overflow', details: { position: 1 } });
  });
});

describe('mnemonic round trips', () => {
  it('encodes 16 bytes to 13 words and 32 bytes to 25 words, and back', () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.uint8Array({ minLength: 32, maxLength: 32 })), (entropy) => {
        const phrase = encodeMnemonic(entropy);
        expect(phrase.split(' ')).toHaveLength(entropy.length === 16 ? MNEMONIC_WORD_COUNT : 25);
        expect(decodeMnemonic(phrase)).toEqual(entropy);
        expect(findUnknownWord(phrase)).toBeNull();
      }),
      { numRuns: 200 },
    );
  });

  it('round-trips every 4-byte group, including the largest one', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 4, maxLength: 40 }).filter((b) => b.length % 4 === 0), (bytes) => {
        expect(decodeMnemonicWords(encodeMnemonicWords(bytes, { checksum: false }), { checksum: false })).toEqual(bytes);
        expect(decodeMnemonicWords(encodeMnemonicWords(bytes, { checksum: true }), { checksum: true })).toEqual(bytes);
      }),
      { numRuns: 200 },
    );
    expect(encodeMnemonicWords(fromHex('ffffffff'), { checksum: false })).toBe('foamy solved soggy');
    expect(toHex(decodeMnemonicWords('foamy solved soggy', { checksum: false }))).toBe('ffffffff');
  });

  it('decodes whatever the case, the whitespace and the letters after the third', () => {
    const spaces = fc.constantFrom(' ', '  ', '\t', '\n', '\r\n', '\u00a0', '\u3000');
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.array(fc.tuple(spaces, fc.boolean(), fc.boolean(), fc.stringMatching(/^[a-z]{0,4}$/)), {
          minLength: 14,
          maxLength: 14,
        }),
        spaces,
        (entropy, mutations, trailing) => {
          const words = encodeMnemonic(entropy).split(' ');
          const mutated = words.map((word, i) => {
            const [space, upper, typo, tail] = mutations[i]!;
            const cased = upper ? word.toUpperCase() : word;
            return space + (typo ? cased.slice(0, 3) + tail : cased);
          });
          expect(decodeMnemonic(mutated.join('') + trailing)).toEqual(entropy);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('accepts a decomposed (NFD) uppercase phrase after NFC normalisation', () => {
    expect(toHex(decodeMnemonic(M1.toUpperCase().normalize('NFD')))).toBe(M1_ENTROPY);
  });
});

describe('mnemonic errors', () => {
  const words = M1.split(' ');

  it('rejects inputs that are not what they should be, naming the parameter', () => {
    for (const bad of [42, null, undefined, new Uint8Array(16), ['amaze'], {}]) {
      expect(errorOf(() => decodeMnemonic(bad as unknown as string))).toMatchObject({
        code: 'invalid_argument',
        details: { param: 'phrase', problem: 'type' },
      });
      expect(errorOf(() => findUnknownWord(bad as unknown as string))).toMatchObject({ code: 'invalid_argument' });
    }
    for (const bad of ['00', null, [0, 1, 2, 3], new Uint16Array(8)]) {
      expect(errorOf(() => encodeMnemonic(bad as unknown as Uint8Array))).toMatchObject({
        code: 'invalid_argument',
        details: { param: 'entropy', problem: 'type' },
      });
    }
    for (const length of [0, 4, 12, 15, 17, 24, 31, 33, 64]) {
      expect(errorOf(() => encodeMnemonic(new Uint8Array(length)))).toMatchObject({
        code: 'invalid_argument',
        details: { param: 'entropy', problem: 'length' },
      });
    }
    for (const length of [0, 1, 3, 5, 18]) {
      expect(errorOf(() => encodeMnemonicWords(new Uint8Array(length), { checksum: false }))).toMatchObject({
        code: 'invalid_argument',
        details: { param: 'bytes', problem: 'length' },
      });
    }
    for (const options of [undefined, null, {}, { checksum: 'yes' }]) {
      expect(errorOf(() => encodeMnemonicWords(new Uint8Array(4), options as never))).toMatchObject({
        code: 'invalid_argument',
        details: { param: 'options.checksum' },
      });
      expect(errorOf(() => decodeMnemonicWords('abbey abbey abbey', options as never))).toMatchObject({
        code: 'invalid_argument',
      });
    }
  });

  it('rejects every word count but 13 and 25', () => {
    for (let count = 0; count <= 30; count++) {
      if (count === 13 || count === 25) continue;
      const phrase = Array.from({ length: count }, () => 'abbey').join(' ');
      expect(errorOf(() => decodeMnemonic(phrase))).toMatchObject({
        code: 'mnemonic_word_count',
        details: { count, expected: '13 or 25' },
      });
    }
    expect(errorOf(() => decodeMnemonic('   \n\t '))).toMatchObject({ code: 'mnemonic_word_count', details: { count: 0 } });
    expect(errorOf(() => decodeMnemonicWords('abbey abbey abbey abbey', { checksum: false }))).toMatchObject({
      code: 'mnemonic_word_count',
      details: { count: 4, expected: '3k' },
    });
    expect(errorOf(() => decodeMnemonicWords('abbey', { checksum: true }))).toMatchObject({
      code: 'mnemonic_word_count',
      details: { count: 1, expected: '3k+1' },
    });
  });

  it('names the unknown word at every position, the checksum word included', () => {
    for (let position = 1; position <= 13; position++) {
      const phrase = words.map((w, i) => (i === position - 1 ? 'xyzzy' : w)).join(' ');
      expect(errorOf(() => decodeMnemonic(phrase))).toMatchObject({
        code: 'mnemonic_unknown_word',
        details: { position, word: 'xyzzy' },
      });
      expect(findUnknownWord(phrase)).toEqual({ position, word: 'xyzzy' });
    }
  });

  it('names only the first of several unknown words, lowercased, and treats short words as unknown', () => {
    const phrase = words.map((w, i) => (i === 4 ? 'Xyzzy' : i === 8 ? 'qqq' : w)).join(' ');
    expect(errorOf(() => decodeMnemonic(phrase))).toMatchObject({ details: { position: 5, word: 'xyzzy' } });
    const short = words.map((w, i) => (i === 2 ? 'ca' : w)).join(' ');
    expect(errorOf(() => decodeMnemonic(short))).toMatchObject({
      code: 'mnemonic_unknown_word',
      details: { position: 3, word: 'ca' },
    });
  });

  it('catches swapped neighbouring words with the checksum', () => {
    // CRC-32 mod 12 lets about one swap in twelve through; none of M1's neighbouring pairs is one of them.
    for (let i = 0; i < 11; i++) {
      const swapped = [...words];
      [swapped[i], swapped[i + 1]] = [swapped[i + 1]!, swapped[i]!];
      expect(errorOf(() => decodeMnemonic(swapped.join(' '))).code).toBe('mnemonic_checksum');
    }
  });

  it('catches a data word replaced by its neighbour in the list with the checksum', () => {
    for (let i = 0; i < 12; i++) {
      const changed = [...words];
      changed[i] = ENGLISH_WORDS[(ENGLISH_WORDS.indexOf(words[i]!) + 1) % ENGLISH_WORDS.length]!;
      expect(errorOf(() => decodeMnemonic(changed.join(' '))).code).toBe('mnemonic_checksum');
    }
  });

  it('rejects an overflowing triple at any triple, reporting its first word', () => {
    for (let triple = 0; triple < 4; triple++) {
      const changed = [...words];
      changed.splice(triple * 3, 3, 'abbey', 'abbey', 'zoom');
      expect(errorOf(() => decodeMnemonic(changed.join(' ')))).toMatchObject({
        code: 'mnemonic_overflow',
        details: { position: triple * 3 + 1 },
      });
    }
    expect(errorOf(() => decodeMnemonicWords('abbey abbey zoom', { checksum: false }))).toMatchObject({
      code: 'mnemonic_overflow',
      details: { position: 1 },
    });
  });
});

describe('findUnknownWord', () => {
  it('accepts empty and partial phrases', () => {
    expect(findUnknownWord('')).toBeNull();
    expect(findUnknownWord('   ')).toBeNull();
    expect(findUnknownWord('amaze buf')).toBeNull();
    expect(findUnknownWord('amaze b')).toBeNull();
    expect(findUnknownWord('Amaze Bu')).toBeNull();
    expect(findUnknownWord(M1)).toBeNull();
  });

  it('flags a word being typed only once no list word can start with it', () => {
    expect(findUnknownWord('amaze bx')).toEqual({ position: 2, word: 'bx' });
    expect(findUnknownWord('amaze xyz')).toEqual({ position: 2, word: 'xyz' });
  });

  it('flags a finished short word (followed by whitespace) as unknown', () => {
    expect(findUnknownWord('amaze bu ')).toEqual({ position: 2, word: 'bu' });
    expect(findUnknownWord('bu amaze')).toEqual({ position: 1, word: 'bu' });
  });

  it('ignores the word count', () => {
    expect(findUnknownWord(`${M1} ${M1} xyzzy`)).toEqual({ position: 27, word: 'xyzzy' });
  });
});
