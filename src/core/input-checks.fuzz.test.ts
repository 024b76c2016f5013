/**
 * Fuzzing what a person types or pastes: the recovery phrase (wasm/mnemonic decodeMnemonic,
 * findUnknownWord) and the Session ID (wasm/session-id parseSessionId, isSessionId), and the input
 * checks the UI asks (checkRecoveryPhrase, checkSessionId) on top of them. Any Unicode, word soup
 * from the real list, and the vectors' phrases and IDs changed a little. A decoder returns a valid
 * value or throws one of its documented codes; a check never throws and agrees with its decoder.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { returnsOrThrowsOnly, textMutationOf } from '../../test/fuzz-inputs.ts';
import { fuzzParameters, fuzzTimeoutMs } from '../../test/fuzz.ts';
import { loadVectors } from '../../test/vectors.ts';
import { toHex } from '../../wasm/bytes.ts';
import { decodeMnemonic, encodeMnemonic, findUnknownWord } from '../../wasm/mnemonic.ts';
import { ENGLISH_WORDS } from '../../wasm/mnemonic-words.ts';
import { isSessionId, parseSessionId } from '../../wasm/session-id.ts';
import { ready } from '../../wasm/sodium.ts';
import type { ErrorCode } from '../shared/errors.ts';
import { checkRecoveryPhrase, checkSessionId } from './input-checks.ts';

const MNEMONIC: ReadonlySet<ErrorCode> = new Set(['mnemonic_word_count', 'mnemonic_unknown_word', 'mnemonic_checksum', 'mnemonic_overflow']);
const SESSION_ID: ReadonlySet<ErrorCode> = new Set(['session_id_length', 'session_id_not_hex', 'session_id_prefix', 'session_id_blinded']);
const NOTHING: ReadonlySet<ErrorCode> = new Set();

const vectorPhrases = [...loadVectors('mnemonic').cases, ...loadVectors('identity').cases]
  .map((c) => c['phrase'])
  .filter((p): p is string => typeof p === 'string');
const vectorSessionIds = loadVectors('identity')
  .cases.map((c) => c['session_id'])
  .filter((id): id is string => typeof id === 'string');

beforeAll(ready);

// ---------- recovery phrases ----------

const separator = fc.constantFrom(' ', '  ', '\t', '\n', ' \r\n', '\u00a0', '\u3000', '');
/** A list word as a person might type it: whole, its first letters, in capitals, or mistyped. */
const typedWord = fc.oneof(
  { arbitrary: fc.constantFrom(...ENGLISH_WORDS), weight: 6 },
  { arbitrary: fc.tuple(fc.constantFrom(...ENGLISH_WORDS), fc.integer({ min: 1, max: 6 })).map(([w, n]) => w.slice(0, n)), weight: 2 },
  { arbitrary: fc.constantFrom(...ENGLISH_WORDS).map((w) => w.toUpperCase()), weight: 1 },
  { arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 }), weight: 1 },
);
const wordSoup = fc
  .array(fc.tuple(typedWord, separator), { maxLength: 27 })
  .map((words) => words.map(([w, s]) => w + s).join(''));
/** A valid phrase of random entropy with one word-level change: swapped, replaced, dropped or doubled. */
const nearlyValid = fc
  .tuple(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.nat(12), fc.nat(12), fc.constantFrom(...ENGLISH_WORDS), fc.integer({ min: 0, max: 4 }))
  .map(([entropy, i, j, word, edit]) => {
    const words = encodeMnemonic(entropy).split(' ');
    if (edit === 0) [words[i], words[j]] = [words[j]!, words[i]!];
    else if (edit === 1) words[i] = word;
    else if (edit === 2) words.splice(i, 1);
    else if (edit === 3) words.splice(i, 0, words[i]!);
    return words.join(' ');
  });
const phrase = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 120 }),
  wordSoup,
  nearlyValid,
  fc.constantFrom(...vectorPhrases).chain(textMutationOf),
);

describe('recovery phrase', () => {
  it(
    'decodeMnemonic: 16 or 32 bytes that encode back, or a mnemonic code; findUnknownWord never throws; checkRecoveryPhrase agrees',
    () => {
      let accepted = 0;
      fc.assert(
        fc.property(phrase, (text) => {
          const decoded = returnsOrThrowsOnly(MNEMONIC, () => decodeMnemonic(text));
          const unknown = returnsOrThrowsOnly(NOTHING, () => findUnknownWord(text));
          const check = checkRecoveryPhrase(text);
          expect(check.ok).toBe(decoded.ok);
          if (decoded.ok) {
            accepted++;
            expect([16, 32]).toContain(decoded.value.length);
            expect(decodeMnemonic(encodeMnemonic(decoded.value))).toEqual(decoded.value);
            expect(unknown.ok && unknown.value).toBe(null);
          } else if (!check.ok) {
            expect(MNEMONIC.has(check.code)).toBe(true);
          }
        }),
        fuzzParameters(300),
      );
      // Some cases are valid phrases (a swap of equal words, a doubled word dropped…): the property sees both sides.
      expect(accepted).toBeGreaterThan(0);
    },
    fuzzTimeoutMs(10_000),
  );
});

// ---------- Session IDs ----------

const sessionIdText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.stringMatching(/^\s?(05|15|25|03|5)?[0-9a-fA-FgG]{60,66}\s?$/),
  fc.uint8Array({ minLength: 32, maxLength: 32 }).map((key) => `05${toHex(key)}`),
  fc.constantFrom(...vectorSessionIds).chain(textMutationOf),
);

describe('Session ID', () => {
  it(
    'parseSessionId: a lower-case 05 ID and its key, or a session_id code; isSessionId and checkSessionId agree',
    () => {
      fc.assert(
        fc.property(sessionIdText, (text) => {
          const parsed = returnsOrThrowsOnly(SESSION_ID, () => parseSessionId(text));
          const check = checkSessionId(text);
          expect(isSessionId(text)).toBe(parsed.ok);
          expect(check.ok).toBe(parsed.ok);
          if (parsed.ok) {
            expect(parsed.value.sessionId).toMatch(/^05[0-9a-f]{64}$/);
            expect(toHex(parsed.value.x25519PublicKey)).toBe(parsed.value.sessionId.slice(2));
          } else if (!check.ok) {
            expect(check.code).toBe(parsed.code);
          }
        }),
        fuzzParameters(500),
      );
    },
    fuzzTimeoutMs(10_000),
  );
});
