import { describe, expect, it } from 'vitest';
import { AVATAR_INK, AVATAR_PALETTE, avatarColour, avatarColourIndex, contrastRatio, initials } from './avatar.ts';
import { contactName, shortId } from './short-id.ts';

const ID = '05' + 'ab'.repeat(31) + '7e9f'.slice(0, 2);

describe('avatars', () => {
  it('chooses the same colour for the same Session ID, every time', () => {
    expect(avatarColour(ID)).toBe(avatarColour(ID.slice()));
    expect(AVATAR_PALETTE).toContain(avatarColour(ID));
  });

  it('spreads Session IDs over the palette', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 200; i++) seen.add(avatarColourIndex('05' + i.toString(16).padStart(64, '0')));
    expect(seen.size).toBe(AVATAR_PALETTE.length);
  });

  it('keeps white initials at WCAG AA contrast on every palette colour', () => {
    for (const colour of AVATAR_PALETTE) expect(contrastRatio(colour, AVATAR_INK)).toBeGreaterThanOrEqual(4.5);
  });

  it('computes contrast as WCAG does', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#777777', '#ffffff')).toBeCloseTo(4.48, 2);
  });

  it('takes initials from the name, else from the ID', () => {
    expect(initials('Ada Lovelace', ID)).toBe('AL');
    expect(initials('  bob  ', ID)).toBe('B');
    expect(initials('élodie de la Tour', ID)).toBe('ÉT');
    expect(initials('😀 smile', ID)).toBe('😀S');
    expect(initials(null, ID)).toBe('AB');
    expect(initials('   ', '05f00d')).toBe('F0');
  });
});

describe('short Session IDs', () => {
  it('keeps the first four and last four characters', () => {
    expect(shortId('05ab' + '0'.repeat(58) + '7e9f')).toBe('05ab…7e9f');
    expect(shortId('05abc')).toBe('05abc');
  });

  it('names a contact by display name, else by short ID', () => {
    const id = '05ab' + '0'.repeat(58) + '7e9f';
    expect(contactName('Bob', id)).toBe('Bob');
    expect(contactName('  ', id)).toBe('05ab…7e9f');
    expect(contactName(null, id)).toBe('05ab…7e9f');
  });
});
