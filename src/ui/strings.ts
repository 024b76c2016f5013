/**
 * Every user-visible sentence in one place, so that translation can come later.
 * Short, plain, second person (DESIGN.md "Words"). Components never hard-code text.
 */
import type { ErrorCode } from '../shared/errors.ts';

export const strings = {
  appName: 'Parley',
  tagline: 'Private messages, no phone number, nothing to install.',

  engine: {
    label: 'Secure engine',
    starting: 'Starting secure engine…',
    ready: (sodiumVersion: string) => `Secure engine ready (libsodium ${sodiumVersion})`,
    workerFailed: 'The secure engine could not start. Reload the page to try again.',
  },

  update: {
    available: 'A new version is ready',
    reload: 'Reload',
  },
} as const;

/** One plain sentence per error code, with what to do. Codes the UI never shows fall back to `unknown`. */
const errorSentences: Partial<Record<ErrorCode, string>> = {
  sodium_not_ready: 'Encryption could not start in this browser. Reload the page, or try an up-to-date browser.',
};

const unknownError = 'Something went wrong. Reload the page to try again.';

export function errorSentence(code: ErrorCode | undefined): string {
  return (code !== undefined ? errorSentences[code] : undefined) ?? unknownError;
}
