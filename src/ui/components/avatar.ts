/** Pure helpers of Avatar.svelte: a stable colour index from a Session ID, and initials. */

export const AVATAR_HUES = 8;

/** 0..7, the same for a Session ID on every device (FNV-1a over its characters). */
export function avatarHue(sessionId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < sessionId.length; i++) {
    hash ^= sessionId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % AVATAR_HUES;
}

/** Up to two letters: the first of the first two words of the name, else two characters of the ID after its 05 prefix. */
export function initials(name: string | null, sessionId: string): string {
  const words = (name ?? '').trim().split(/\s+/u).filter((word) => word !== '');
  if (words.length > 0) {
    return words
      .slice(0, 2)
      .map((word) => Array.from(word)[0] ?? '')
      .join('')
      .toUpperCase();
  }
  return sessionId.slice(2, 4).toUpperCase();
}
