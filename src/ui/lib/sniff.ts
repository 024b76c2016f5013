/**
 * What the bytes of an attachment are, whatever its sender claims (docs/attachments.md): only these
 * image formats are shown inline, and only when their magic bytes say so. An "image/png" that is
 * HTML stays a file card.
 */
export type SniffedImage = 'image/png' | 'image/jpeg' | 'image/gif' | 'image/webp';

/** How many leading bytes `sniffImage` needs. */
export const SNIFF_BYTES = 12;

export function sniffImage(head: Uint8Array): SniffedImage | null {
  const starts = (...bytes: number[]) => bytes.every((b, i) => head[i] === b);
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png';
  if (starts(0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (starts(0x47, 0x49, 0x46, 0x38) && (head[4] === 0x37 || head[4] === 0x39) && head[5] === 0x61) return 'image/gif';
  if (starts(0x52, 0x49, 0x46, 0x46) && head[8] === 0x57 && head[9] === 0x45 && head[10] === 0x42 && head[11] === 0x50) return 'image/webp';
  return null;
}

/**
 * The audio containers a voice message may be played from, known by their first bytes (the claimed
 * type is never trusted): Ogg, WebM/Matroska, MP4 (ISO BMFF `ftyp`), MP3 (an ID3 tag or an MPEG
 * audio frame header), AAC in ADTS frames, and WAV. Anything else is not handed to the player.
 */
export type SniffedAudio = 'audio/ogg' | 'audio/webm' | 'audio/mp4' | 'audio/mpeg' | 'audio/aac' | 'audio/wav';

export function sniffAudio(head: Uint8Array): SniffedAudio | null {
  const starts = (...bytes: number[]) => bytes.every((b, i) => head[i] === b);
  const ascii = (at: number, text: string) => [...text].every((c, i) => head[at + i] === c.charCodeAt(0));
  if (ascii(0, 'OggS')) return 'audio/ogg';
  if (starts(0x1a, 0x45, 0xdf, 0xa3)) return 'audio/webm';
  if (ascii(4, 'ftyp')) return 'audio/mp4';
  if (ascii(0, 'RIFF') && ascii(8, 'WAVE')) return 'audio/wav';
  if (ascii(0, 'ID3')) return 'audio/mpeg';
  const second = head[1];
  if (head[0] === 0xff && second !== undefined) {
    // ADTS: a 12-bit sync word, then the MPEG version bit and a layer of 00.
    if ((second & 0xf6) === 0xf0) return 'audio/aac';
    // An MPEG audio frame: an 11-bit sync word, a version that is not the reserved 01, a layer that is not 00.
    if ((second & 0xe0) === 0xe0 && (second & 0x18) !== 0x08 && (second & 0x06) !== 0) return 'audio/mpeg';
  }
  return null;
}

/** A size as a person reads it: "950 B", "12.3 KB", "4.8 MB" (decimal units, as file managers show). */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${(bytes / 1000).toFixed(bytes < 10_000 ? 1 : 0)} KB`;
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}
