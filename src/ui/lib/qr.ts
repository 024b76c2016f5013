/**
 * Reading a Session ID out of a QR code: from a camera frame or an image the person picks. The
 * decoder (jsQR, ~40 KB gzip) is loaded on first use so that it never weighs on the main bundle.
 */
type Decoder = (data: Uint8ClampedArray, width: number, height: number, options?: { inversionAttempts?: 'dontInvert' | 'onlyInvert' | 'attemptBoth' | 'invertFirst' }) => { data: string } | null;

let decoder: Promise<Decoder> | null = null;

export function loadDecoder(): Promise<Decoder> {
  decoder ??= import('jsqr').then((module) => module.default as unknown as Decoder);
  return decoder;
}

/** Decodes the QR code in what is drawn on `canvas`, or returns null. */
export async function decodeCanvas(canvas: HTMLCanvasElement): Promise<string | null> {
  const decode = await loadDecoder();
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (context === null) return null;
  const image = context.getImageData(0, 0, canvas.width, canvas.height);
  return decode(image.data, image.width, image.height, { inversionAttempts: 'attemptBoth' })?.data ?? null;
}

/** Draws `source` on a canvas no larger than `maxSide` pixels a side, then decodes it. */
export async function decodeImage(source: CanvasImageSource & { width: number; height: number }, maxSide = 1024): Promise<string | null> {
  const scale = Math.min(1, maxSide / Math.max(source.width, source.height));
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(source.width * scale));
  canvas.height = Math.max(1, Math.round(source.height * scale));
  canvas.getContext('2d')?.drawImage(source, 0, 0, canvas.width, canvas.height);
  return decodeCanvas(canvas);
}

/**
 * The Session ID a QR code's text names: the text itself, or the first 66-character "05…" hex run
 * inside a longer text (a link or a label). Returns the trimmed text otherwise, for the field's own
 * check to explain.
 */
export function sessionIdFromQrText(text: string): string {
  const trimmed = text.trim();
  const match = /(?<![0-9a-f])05[0-9a-f]{64}(?![0-9a-f])/iu.exec(trimmed);
  return match !== null ? match[0].toLowerCase() : trimmed;
}
