/**
 * Which passphrases are too weak to lock an account with, and why. One pure function that both
 * sides import: the UI calls it as the person types (the passphrase never leaves the page for
 * that), and the core refuses the same passphrases at its API (`invalid_argument`, details
 * `{ param: 'passphrase', problem: 'weak', reason }`), so a UI that skips the check gains nothing.
 *
 * This is a floor, not a strength meter: it refuses what a guesser tries first. What stands between
 * a stolen copy of the database and the seed is Argon2id's cost per guess (docs/passphrase.md), and
 * that only helps if the passphrase is not among the first few thousand guesses.
 */

/**
 * At least 8 characters: the floor NIST SP 800-63B sets for memorised secrets a person chooses.
 * Shorter ones fall to an exhaustive search even at Argon2id's cost per guess.
 */
export const MIN_PASSPHRASE_LENGTH = 8;

export type PassphraseWeakness =
  /** Fewer than MIN_PASSPHRASE_LENGTH characters. */
  | 'too_short'
  /** One character repeated ("aaaaaaaa"). */
  | 'one_character'
  /** A run up or down the alphabet or the digits ("12345678", "abcdefgh", "87654321"). */
  | 'sequence'
  /** On the list of the most used passwords below. */
  | 'common'
  /** A word of the account's recovery phrase, several of them in a row, or the whole phrase. */
  | 'recovery_phrase';

export const PASSPHRASE_WEAKNESSES: readonly PassphraseWeakness[] = ['too_short', 'one_character', 'sequence', 'common', 'recovery_phrase'];

/**
 * The first reason `passphrase` is too weak, or null when it is acceptable. `recoveryPhrase`, when
 * known, is the phrase of the account it would lock (the screens that create or restore have it;
 * the core always has it when it checks). Case, spaces and Unicode normal form do not matter.
 */
export function passphraseWeakness(passphrase: string, recoveryPhrase?: string): PassphraseWeakness | null {
  const normalised = passphrase.normalize('NFC');
  const characters = [...normalised];
  if (characters.length < MIN_PASSPHRASE_LENGTH) return 'too_short';
  const folded = [...normalised.toLowerCase()];
  if (folded.every((character) => character === folded[0])) return 'one_character';
  if (isSequence(folded)) return 'sequence';
  if (COMMON_PASSWORDS.has(folded.join(''))) return 'common';
  if (recoveryPhrase !== undefined && isPartOfPhrase(folded.join(''), recoveryPhrase)) return 'recovery_phrase';
  return null;
}

/** Every step between neighbours is the same +1 or −1 code point, within letters or digits. */
function isSequence(characters: readonly string[]): boolean {
  if (!characters.every((character) => /^[a-z0-9]$/u.test(character))) return false;
  const codes = characters.map((character) => character.codePointAt(0) ?? 0);
  const step = (codes[1] ?? 0) - (codes[0] ?? 0);
  if (step !== 1 && step !== -1) return false;
  return codes.every((code, index) => index === 0 || code - (codes[index - 1] ?? 0) === step);
}

/** One word of the phrase or several in a row, spaces ignored ("applebanana" as much as "apple banana"). */
function isPartOfPhrase(folded: string, recoveryPhrase: string): boolean {
  const typed = folded.replace(/\s+/gu, '');
  const words = recoveryPhrase.normalize('NFC').toLowerCase().trim().split(/\s+/u).filter((word) => word !== '');
  for (let from = 0; from < words.length; from++) {
    let run = '';
    for (let to = from; to < words.length; to++) {
      run += words[to];
      if (run === typed) return true;
      if (run.length >= typed.length) break;
    }
  }
  return false;
}

/**
 * Passwords that top the published lists of leaked passwords, written out here by hand, lowercase,
 * 8 characters or more (shorter ones are refused for their length already). A guesser tries these
 * in its first second; they gain nothing from Argon2id.
 */
const COMMON_PASSWORDS: ReadonlySet<string> = new Set([
  'password',
  'password1',
  'password12',
  'password123',
  'password1234',
  'password!',
  'passw0rd',
  'p@ssw0rd',
  'p@ssword',
  'pa$$word',
  'mypassword',
  'newpassword',
  'passphrase',
  'passpass',
  '123456789',
  '1234567890',
  '0123456789',
  '987654321',
  '9876543210',
  '12341234',
  '11223344',
  '12121212',
  '123123123',
  '123321123',
  '12344321',
  '147258369',
  '123654789',
  '159357456',
  '789456123',
  '987654321a',
  '11111111a',
  '1q2w3e4r',
  '1q2w3e4r5t',
  '1qaz2wsx',
  '1qazxsw2',
  'zaq12wsx',
  'qwertyui',
  'qwertyuiop',
  'qwerty123',
  'qwerty12',
  'qwerty1234',
  'asdfghjk',
  'asdfghjkl',
  'asdf1234',
  'zxcvbnm1',
  'zxcvbnm123',
  'qazwsxedc',
  'abcd1234',
  'abc12345',
  'abc123456',
  'a1b2c3d4',
  'aa123456',
  'iloveyou',
  'iloveyou1',
  'iloveyou2',
  'sunshine',
  'princess',
  'football',
  'baseball',
  'basketball',
  'welcome1',
  'welcome123',
  'whatever',
  'trustno1',
  'superman',
  'batman123',
  'starwars',
  'computer',
  'internet',
  'letmein1',
  'letmein123',
  'michelle',
  'jennifer',
  'jordan23',
  'charlie1',
  'football1',
  'baseball1',
  'sunshine1',
  'princess1',
  'liverpool',
  'chelsea1',
  'arsenal1',
  'butterfly',
  'chocolate',
  'cookie123',
  'pokemon1',
  'minecraft',
  'babygirl1',
  'lovely123',
  'monkey123',
  'dragon123',
  'master123',
  'shadow123',
  'freedom1',
  'security',
  'changeme',
  'changeme1',
  'administrator',
  'admin123',
  'admin1234',
  'secret123',
  'default1',
  'login123',
  'test1234',
  'testtest',
  'qwertyqwerty',
]);
