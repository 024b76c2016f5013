/**
 * The answers to "is this input right?" asked as the person types: a recovery phrase, a Session ID.
 * Pure functions of wasm/'s parsers, answered by each tab's own worker (a phrase never travels to
 * another tab), and a fresh phrase for a new account. Nothing here is stored or logged.
 */
import { isParleyError, ParleyError } from '../shared/errors.ts';
import { decodeMnemonic, encodeMnemonic, findUnknownWord } from '../../wasm/mnemonic.ts';
import { parseSessionId } from '../../wasm/session-id.ts';
import { randomBytes, wipe } from '../../wasm/sodium.ts';
import type { InputCheck } from './api.ts';

/** 16 fresh random bytes as a 13-word phrase (needs libsodium loaded). */
export function newRecoveryPhrase(): string {
  const entropy = randomBytes(16);
  try {
    return encodeMnemonic(entropy);
  } finally {
    wipe(entropy);
  }
}

/**
 * The first problem of a phrase, in the order a person fixes them: a word that is not in the list
 * (as soon as it is typed, with its 1-based position and the word as typed), then the word count,
 * then the checksum. Spaces and capitals do not matter (wasm/mnemonic.ts normalises them).
 */
export function checkRecoveryPhrase(recoveryPhrase: string): InputCheck {
  return asCheck(() => {
    if (typeof recoveryPhrase !== 'string') {
      throw new ParleyError('invalid_argument', 'recoveryPhrase must be a string', { param: 'recoveryPhrase', problem: 'type' });
    }
    const unknown = findUnknownWord(recoveryPhrase);
    if (unknown !== null) {
      throw new ParleyError('mnemonic_unknown_word', `word ${unknown.position} is not in the word list`, { ...unknown });
    }
    wipe(decodeMnemonic(recoveryPhrase));
  });
}

/** What is wrong with a typed or pasted Session ID: not hex, length, blinded, prefix, … */
export function checkSessionId(sessionId: string): InputCheck {
  return asCheck(() => void parseSessionId(sessionId));
}

function asCheck(check: () => void): InputCheck {
  try {
    check();
    return { ok: true };
  } catch (error) {
    if (isParleyError(error)) return { ok: false, code: error.code, details: error.details };
    throw error;
  }
}
