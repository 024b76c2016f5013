import { describe, expect, it } from 'vitest';
import { MIN_PASSPHRASE_LENGTH, passphraseWeakness } from './passphrase-strength.ts';

const PHRASE = 'acoustic bypass dolphin amaze gemstone ruined eavesdrop abyss toffee orphans jolted wipeout acoustic';

describe('passphraseWeakness', () => {
  it('names the first reason a passphrase is too weak', () => {
    expect(MIN_PASSPHRASE_LENGTH).toBe(8);
    expect(passphraseWeakness('')).toBe('too_short');
    expect(passphraseWeakness('seven c')).toBe('too_short');
    // Characters, not UTF-16 units: seven emoji are still seven.
    expect(passphraseWeakness('🔑🔑🔑🔑🔑🔑🔐')).toBe('too_short');
    expect(passphraseWeakness('aaaaaaaaaaaa')).toBe('one_character');
    expect(passphraseWeakness('AaAaAaAa')).toBe('one_character');
    expect(passphraseWeakness('12345678')).toBe('sequence');
    expect(passphraseWeakness('9876543210')).toBe('sequence');
    expect(passphraseWeakness('abcdefghij')).toBe('sequence');
    expect(passphraseWeakness('ZYXWVUTS')).toBe('sequence');
    expect(passphraseWeakness('password')).toBe('common');
    expect(passphraseWeakness('QwertyUiop')).toBe('common');
    expect(passphraseWeakness('iloveyou')).toBe('common');
  });

  it('refuses a word of the recovery phrase, words in a row, or the whole phrase, when it is given', () => {
    expect(passphraseWeakness('eavesdrop', PHRASE)).toBe('recovery_phrase');
    expect(passphraseWeakness('Gemstone Ruined', PHRASE)).toBe('recovery_phrase');
    expect(passphraseWeakness('gemstoneruined', PHRASE)).toBe('recovery_phrase');
    expect(passphraseWeakness(` ${PHRASE.toUpperCase()} `, PHRASE)).toBe('recovery_phrase');
    expect(passphraseWeakness('eavesdrop')).toBeNull();
    // Words that are not neighbours in the phrase are not refused for that.
    expect(passphraseWeakness('gemstone abyss', PHRASE)).toBeNull();
  });

  it('accepts what a guesser does not try first', () => {
    for (const fine of ['tall tree', 'correct horse battery staple', '12345679', 'abcdefgi', 'pässwörter', 'ÉÉÉÉÉÉÉé'.slice(0, 7) + 'x']) {
      expect(passphraseWeakness(fine, PHRASE), fine).toBeNull();
    }
  });
});
