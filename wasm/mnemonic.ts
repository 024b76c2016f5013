import { checkBytes, checkString } from './check.ts';
import { crc32 } from './crc32.ts';
import { ParleyError } from '../src/shared/errors.ts';
import { ENGLISH_WORDS } from './mnemonic-words.ts';
import { wipe } from './sodium.ts';

/**
 * Session recovery phrases (client-protocol.md §1): every 4 bytes become 3 words of the 1626-word
 * list, and a 13th word repeats one of the 12 data words as a CRC-32 checksum. Words are matched
 * by their first 3 letters only, so typos after the third letter are forgiven, as in every Session client.
 */

/** Words in a Session recovery phrase: 12 data words (16 bytes) and a checksum word. */
export const MNEMONIC_WORD_COUNT = 13;
/** Words in a legacy phrase for a 32-byte seed (accepted when restoring, as Android does). */
export const LEGACY_MNEMONIC_WORD_COUNT = 25;

const WORD_COUNT_EXPECTED = '13 or 25';
const PREFIX_LENGTH = 3;
const N = ENGLISH_WORDS.length;

export interface MnemonicOptions {
  /** Append (when encoding) or expect (when decoding) the checksum word. */
  readonly checksum: boolean;
}

export interface UnknownWord {
  /** 1-based position of the word in the phrase. */
  readonly position: number;
  readonly word: string;
}

let indexByPrefix: Map<string, number> | undefined;

/** The list index a typed word stands for, or undefined. Only the first 3 letters count. */
function wordIndex(token: string): number | undefined {
  if (token.length < PREFIX_LENGTH) return undefined;
  indexByPrefix ??= new Map(ENGLISH_WORDS.map((word, index) => [word.slice(0, PREFIX_LENGTH), index]));
  return indexByPrefix.get(token.slice(0, PREFIX_LENGTH));
}

function normalise(text: string): string {
  return text.normalize('NFC').toLowerCase();
}

/** Trim, split on any run of whitespace (tabs, newlines, no-break spaces), lowercase, NFC. */
function splitPhrase(text: string): string[] {
  const trimmed = normalise(text).trim();
  return trimmed === '' ? [] : trimmed.split(/\s+/);
}

function wordAt(index: number): string {
  const word = ENGLISH_WORDS[index];
  if (word === undefined) throw new Error(`word index ${index} out of range`);
  return word;
}

/** Index (into the data words) of the word the checksum word repeats. */
function checksumIndex(dataIndices: readonly number[]): number {
  const prefixes = new TextEncoder().encode(dataIndices.map((i) => wordAt(i).slice(0, PREFIX_LENGTH)).join(''));
  const crc = crc32(prefixes);
  wipe(prefixes);
  return crc % dataIndices.length;
}

function checkOptions(options: unknown): asserts options is MnemonicOptions {
  if (typeof options !== 'object' || options === null || typeof (options as MnemonicOptions).checksum !== 'boolean') {
    throw new ParleyError('invalid_argument', 'options.checksum must be a boolean', {
      param: 'options.checksum',
      problem: 'type',
    });
  }
}

/** Recovery phrase of 16 bytes of entropy (13 words), or of a legacy 32-byte seed (25 words). */
export function encodeMnemonic(entropy: Uint8Array): string {
  checkBytes(entropy, 'entropy');
  if (entropy.length !== 16 && entropy.length !== 32) {
    throw new ParleyError('invalid_argument', `entropy must be 16 or 32 bytes, got ${entropy.length}`, {
      param: 'entropy',
      problem: 'length',
      actual: entropy.length,
    });
  }
  return encodeMnemonicWords(entropy, { checksum: true });
}

/**
 * The general encoding behind `encodeMnemonic`: any non-empty multiple of 4 bytes, with or without
 * the checksum word. For tests and tools; an account's phrase comes from `encodeMnemonic`.
 */
export function encodeMnemonicWords(bytes: Uint8Array, options: MnemonicOptions): string {
  checkBytes(bytes, 'bytes');
  checkOptions(options);
  if (bytes.length === 0 || bytes.length % 4 !== 0) {
    throw new ParleyError('invalid_argument', `bytes must be a non-empty multiple of 4 bytes, got ${bytes.length}`, {
      param: 'bytes',
      problem: 'length',
      actual: bytes.length,
    });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const indices: number[] = [];
  for (let offset = 0; offset < bytes.length; offset += 4) {
    const x = view.getUint32(offset, true);
    const w1 = x % N;
    const w2 = (Math.floor(x / N) + w1) % N;
    const w3 = (Math.floor(x / (N * N)) + w2) % N;
    indices.push(w1, w2, w3);
  }
  if (options.checksum) indices.push(indices[checksumIndex(indices)]!);
  return indices.map(wordAt).join(' ');
}

/**
 * The 16 bytes of entropy of a 13-word recovery phrase, or the 32-byte seed of a legacy 25-word one.
 * Tolerates surrounding and repeated whitespace and any letter case. Errors, in this order:
 * `mnemonic_word_count` {count, expected}, `mnemonic_unknown_word` {position, word} (the first one,
 * the checksum word included), `mnemonic_overflow` {position of the triple's first word}, `mnemonic_checksum`.
 * Positions are 1-based. `details.word` is what the user typed: show it, never log it.
 */
export function decodeMnemonic(phrase: string): Uint8Array {
  checkString(phrase, 'phrase');
  const words = splitPhrase(phrase);
  if (words.length !== MNEMONIC_WORD_COUNT && words.length !== LEGACY_MNEMONIC_WORD_COUNT) {
    throw new ParleyError('mnemonic_word_count', `a recovery phrase has 13 words (or 25), got ${words.length}`, {
      count: words.length,
      expected: WORD_COUNT_EXPECTED,
    });
  }
  return decodeWords(words, true);
}

/**
 * The general decoding behind `decodeMnemonic`: 3k words, or 3k+1 with the checksum word (k ≥ 1).
 * For tests and tools; a recovery phrase must go through `decodeMnemonic`.
 */
export function decodeMnemonicWords(phrase: string, options: MnemonicOptions): Uint8Array {
  checkString(phrase, 'phrase');
  checkOptions(options);
  const words = splitPhrase(phrase);
  const remainder = options.checksum ? 1 : 0;
  if (words.length < 3 + remainder || words.length % 3 !== remainder) {
    const expected = options.checksum ? '3k+1' : '3k';
    throw new ParleyError('mnemonic_word_count', `expected ${expected} words, got ${words.length}`, {
      count: words.length,
      expected,
    });
  }
  return decodeWords(words, options.checksum);
}

function decodeWords(words: readonly string[], withChecksum: boolean): Uint8Array {
  const indices = words.map((word, i) => {
    const index = wordIndex(word);
    if (index === undefined) {
      throw new ParleyError('mnemonic_unknown_word', `word ${i + 1} is not in the word list`, {
        position: i + 1,
        word,
      });
    }
    return index;
  });
  const dataIndices = withChecksum ? indices.slice(0, -1) : indices;
  const out = new Uint8Array((dataIndices.length / 3) * 4);
  const view = new DataView(out.buffer);
  for (let t = 0; t < dataIndices.length / 3; t++) {
    const [w1, w2, w3] = dataIndices.slice(t * 3, t * 3 + 3) as [number, number, number];
    const x = w1 + N * ((N - w1 + w2) % N) + N * N * ((N - w2 + w3) % N);
    // Three words can express up to 1626³ − 1 > 2³²; desktop would silently keep the low 32 bits.
    if (x > 0xffffffff) {
      wipe(out);
      throw new ParleyError('mnemonic_overflow', `words ${t * 3 + 1}–${t * 3 + 3} do not encode 4 bytes`, {
        position: t * 3 + 1,
      });
    }
    view.setUint32(t * 4, x, true);
  }
  if (withChecksum && indices.at(-1) !== dataIndices[checksumIndex(dataIndices)]) {
    wipe(out);
    throw new ParleyError('mnemonic_checksum', 'the checksum word does not match the other words');
  }
  return out;
}

/**
 * The first word of a phrase being typed that matches no list word, or null. The last word, while
 * the user is still typing it (no whitespace after it yet), counts as unknown only once no list
 * word can start with it. Accepts incomplete phrases of any length.
 */
export function findUnknownWord(text: string): UnknownWord | null {
  checkString(text, 'text');
  const words = splitPhrase(text);
  const stillTyping = !/\s$/.test(text);
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (wordIndex(word) !== undefined) continue;
    const isLast = i === words.length - 1;
    if (isLast && stillTyping && word.length < PREFIX_LENGTH && ENGLISH_WORDS.some((w) => w.startsWith(word))) {
      continue;
    }
    return { position: i + 1, word };
  }
  return null;
}
