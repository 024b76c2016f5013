/**
 * What the bytes of an attachment are, whatever its sender claims (docs/attachments.md): only these
 * image formats are shown inline, and only when their magic bytes say so. An "image/png" that is
 * HTML stays a file card.
 */
export type SniffedImage = 'image/png' | 'image/jpeg' | 'image/gif' | 'image/webp';

/** How many leading bytes `sniffImage` needs. */
export const SNIFF_BYTES = 12;

export function sniffImage(head: Uint8Array): SniffedImage | null {
  if (bytesAt(head, 0, PNG_MAGIC)) return 'image/png';
  if (bytesAt(head, 0, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (textAt(head, 0, 'GIF87a') || textAt(head, 0, 'GIF89a')) return 'image/gif';
  if (textAt(head, 0, 'RIFF') && textAt(head, 8, 'WEBP')) return 'image/webp';
  return null;
}

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** EBML's magic, the start of every Matroska file: WebM video and WebM audio alike. */
const EBML_MAGIC = [0x1a, 0x45, 0xdf, 0xa3];

/** Whether `head` holds `bytes` from offset `at` (false where it is too short). */
function bytesAt(head: Uint8Array, at: number, bytes: readonly number[]): boolean {
  return bytes.every((byte, i) => head[at + i] === byte);
}

/** Whether `head` holds the ASCII `text` from offset `at` (false where it is too short). */
function textAt(head: Uint8Array, at: number, text: string): boolean {
  return bytesAt(head, at, [...text].map((c) => c.charCodeAt(0)));
}

export type SniffedVideo = 'video/mp4' | 'video/webm';

/**
 * ISO base media brands of video files (MP4, M4V, 3GP, QuickTime, DASH). Image brands that also
 * start with `ftyp` (HEIC, AVIF) and audio ones (M4A, which Session's iOS voice messages use) are
 * left out: they are not shown as video. An "isom" file with sound only passes here and is caught
 * when its first frame is drawn (no video width), so it stays a file card.
 */
const VIDEO_BRANDS: ReadonlySet<string> = new Set(['isom', 'iso2', 'iso4', 'iso5', 'iso6', 'mp41', 'mp42', 'avc1', 'M4V ', 'M4VH', 'M4VP', 'dash', 'mmp4', '3gp4', '3gp5', '3gp6', '3g2a', 'qt  ']);

/** MP4 by its `ftyp` box and a video brand; WebM (Matroska) by its EBML magic 1A 45 DF A3. */
export function sniffVideo(head: Uint8Array): SniffedVideo | null {
  if (head.length >= 12 && textAt(head, 4, 'ftyp') && VIDEO_BRANDS.has(String.fromCharCode(...head.subarray(8, 12)))) return 'video/mp4';
  if (bytesAt(head, 0, EBML_MAGIC)) return 'video/webm';
  return null;
}

export type SniffedMedia = { readonly kind: 'image'; readonly type: SniffedImage } | { readonly kind: 'video'; readonly type: SniffedVideo };

/** What may be shown inline: an image or a video by its bytes, or nothing. */
export function sniffMedia(head: Uint8Array): SniffedMedia | null {
  const image = sniffImage(head);
  if (image !== null) return { kind: 'image', type: image };
  const video = sniffVideo(head);
  return video === null ? null : { kind: 'video', type: video };
}

/**
 * The audio containers a voice message may be played from, known by their first bytes (the claimed
 * type is never trusted): Ogg, WebM/Matroska, MP4 (ISO BMFF `ftyp`), MP3 (an ID3 tag or an MPEG
 * audio frame header), AAC in ADTS frames, and WAV. Anything else is not handed to the player.
 */
export type SniffedAudio = 'audio/ogg' | 'audio/webm' | 'audio/mp4' | 'audio/mpeg' | 'audio/aac' | 'audio/wav';

export function sniffAudio(head: Uint8Array): SniffedAudio | null {
  if (textAt(head, 0, 'OggS')) return 'audio/ogg';
  if (bytesAt(head, 0, EBML_MAGIC)) return 'audio/webm';
  if (textAt(head, 4, 'ftyp')) return 'audio/mp4';
  if (textAt(head, 0, 'RIFF') && textAt(head, 8, 'WAVE')) return 'audio/wav';
  if (textAt(head, 0, 'ID3')) return 'audio/mpeg';
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
