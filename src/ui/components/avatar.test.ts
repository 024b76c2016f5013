import { describe, expect, it } from 'vitest';
import { AVATAR_HUES, avatarHue, initials } from './avatar.ts';

describe('avatar', () => {
  it('picks the same hue for the same Session ID, and spreads IDs over every hue', () => {
    const id = `05${'7e'.repeat(32)}`;
    expect(avatarHue(id)).toBe(avatarHue(id));
    const seen = new Set<number>();
    for (let i = 0; i < 200; i++) seen.add(avatarHue(`05${i.toString(16).padStart(64, '0')}`));
    expect(seen.size).toBe(AVATAR_HUES);
    for (const hue of seen) expect(hue).toBeGreaterThanOrEqual(0);
  });

  it('takes initials from up to two words of the name, else from the ID', () => {
    expect(initials('Alice Liddell Smith', '05ab')).toBe('AL');
    expect(initials('  bob  ', '05ab')).toBe('B');
    expect(initials('émile zola', '05ab')).toBe('ÉZ');
    expect(initials('😀 party', '05ab')).toBe('😀P');
    expect(initials(null, '05ab12')).toBe('AB');
    expect(initials('   ', '05cd')).toBe('CD');
  });
});
