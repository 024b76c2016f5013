/**
 * Avatars are drawn, never fetched: a colour chosen deterministically from the Session ID and
 * the initials of the name (or of the ID). Every colour in the palette carries white initials at
 * WCAG AA contrast (≥ 4.5:1), which avatar.test.ts checks by computing it.
 */
export const AVATAR_PALETTE = [
  '#8e2a4f', // wine
  '#a3392b', // brick
  '#8a4b08', // rust
  '#5c6b12', // olive
  '#1f6b3a', // forest
  '#0b6e69', // teal
  '#1d5f8a', // ocean
  '#3a4aa8', // indigo
  '#6a3ea1', // violet
  '#87307e', // plum
  '#4f5a61', // slate
  '#7a4a2a', // walnut
] as const;

export const AVATAR_INK = '#ffffff';

/** The palette index for a Session ID: FNV-1a over its characters, so neighbours spread apart. */
export function avatarColourIndex(sessionId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < sessionId.length; i++) {
    hash ^= sessionId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % AVATAR_PALETTE.length;
}

export function avatarColour(sessionId: string): string {
  return AVATAR_PALETTE[avatarColourIndex(sessionId)]!;
}

/**
 * Up to two initials from a display name ("Ada Lovelace" → "AL", "bob" → "B"); without a name,
 * the two hex characters after the "05" prefix, upper-cased.
 */
export function initials(displayName: string | null | undefined, sessionId: string): string {
  const words = (displayName ?? '').trim().split(/\s+/u).filter((word) => word.length > 0);
  if (words.length > 0) {
    const first = firstGrapheme(words[0]!);
    const last = words.length > 1 ? firstGrapheme(words[words.length - 1]!) : '';
    return (first + last).toLocaleUpperCase();
  }
  const body = sessionId.startsWith('05') ? sessionId.slice(2) : sessionId;
  return body.slice(0, 2).toUpperCase();
}

function firstGrapheme(word: string): string {
  // Array.from splits by code point, which keeps astral characters (emoji, CJK extensions) whole.
  return Array.from(word)[0] ?? '';
}

/** WCAG 2 relative luminance of a #rrggbb colour. */
export function relativeLuminance(hex: string): number {
  const channel = (offset: number): number => {
    const value = parseInt(hex.slice(offset, offset + 2), 16) / 255;
    return value <= 0.04045 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

export function contrastRatio(a: string, b: string): number {
  const [light, dark] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}
