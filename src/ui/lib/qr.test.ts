import { describe, expect, it } from 'vitest';
import { sessionIdFromQrText } from './qr.ts';

const ID = '05' + 'a1'.repeat(32);

describe('sessionIdFromQrText', () => {
  it('takes a bare Session ID, trimmed and lower-cased', () => {
    expect(sessionIdFromQrText(`  ${ID.toUpperCase()}\n`)).toBe(ID);
  });

  it('finds a Session ID inside a longer text', () => {
    expect(sessionIdFromQrText(`session:${ID}?name=bob`)).toBe(ID);
  });

  it('does not cut a Session ID out of a longer hex run', () => {
    expect(sessionIdFromQrText(`ff${ID}`)).toBe(`ff${ID}`);
  });

  it('gives back other text unchanged, for the field to explain', () => {
    expect(sessionIdFromQrText(' hello ')).toBe('hello');
  });
});
