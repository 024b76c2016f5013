/**
 * Small pictures of images and videos, made on this device from bytes already here (no network):
 * an image's thumbnail and a video's poster frame, each a few hundred pixels wide, so that a
 * 4000×3000 photo is not kept decoded at full size in every row (docs/attachments.md, "Viewer,
 * video and thumbnails").
 *
 * Made in the UI thread, not the core's worker: `createImageBitmap` on a Blob decodes and scales
 * off the main thread in Chromium, and a video frame can only be drawn from a <video> element,
 * which workers do not have; the core's worker stays free for crypto and the network.
 */

/** The widest a preview is shown, in CSS pixels (the card's `20rem`). */
export const PREVIEW_CSS_WIDTH = 320;
/** A tall picture is cut to this many widths (the row shows its top, `object-fit: cover`). */
const TALLEST = 4;
/** A video that has not shown its first frame by then is a file card. */
const VIDEO_TIMEOUT_MS = 10_000;
/** Pointer sizes above this are not believed (a peer's claim) for layout. */
const LARGEST_CLAIM = 20_000;

export interface Size {
  readonly width: number;
  readonly height: number;
}

export interface Frame extends Size {
  /** The small picture, encoded (WebP where the browser encodes it, else PNG). */
  readonly blob: Blob;
}

/** The preview's width in device pixels: 320 CSS px at the screen's density (1 to 2). */
export function previewPixels(devicePixelRatio: number): number {
  return Math.round(PREVIEW_CSS_WIDTH * Math.min(Math.max(devicePixelRatio, 1), 2));
}

/** `size` scaled down (never up) to at most `maxWidth` wide and TALLEST × that tall, whole pixels, at least 1. */
export function fitPreview(size: Size, maxWidth: number): Size {
  const scale = Math.min(1, maxWidth / size.width, (maxWidth * TALLEST) / size.height);
  return { width: Math.max(1, Math.round(size.width * scale)), height: Math.max(1, Math.round(size.height * scale)) };
}

/** A usable size from a pointer (the sender's claim), or null. */
export function claimedSize(width: number | null, height: number | null): Size | null {
  const fine = (value: number | null): value is number => value !== null && Number.isInteger(value) && value > 0 && value <= LARGEST_CLAIM;
  return fine(width) && fine(height) ? { width, height } : null;
}

/**
 * An image's thumbnail, one decode straight to the small size. The image's own size (after its
 * EXIF orientation, as createImageBitmap draws it) is read first from a detached <img>, which
 * parses the header without decoding the pixels: a pointer's size (the sender's claim, maybe
 * before rotation) is used for layout only and never squashes the picture. Throws when the bytes
 * do not decode.
 */
export async function imageThumbnail(image: Blob, maxWidth: number): Promise<Frame> {
  const target = fitPreview(await imageSize(image), maxWidth);
  const bitmap = await createImageBitmap(image, { resizeWidth: target.width, resizeHeight: target.height, resizeQuality: 'medium' });
  try {
    return { ...target, blob: await encode(bitmap, target) };
  } finally {
    bitmap.close();
  }
}

/** The natural size of an image from its header (a detached <img> is not decoded until painted). */
async function imageSize(image: Blob): Promise<Size> {
  const url = URL.createObjectURL(image);
  try {
    const element = new Image();
    const loaded = new Promise<void>((resolve, reject) => {
      element.onload = () => resolve();
      element.onerror = () => reject(new Error('the image does not load'));
    });
    element.src = url;
    await loaded;
    if (element.naturalWidth === 0 || element.naturalHeight === 0) throw new Error('the image has no size');
    return { width: element.naturalWidth, height: element.naturalHeight };
  } finally {
    URL.revokeObjectURL(url);
  }
}

/**
 * A video's poster: its frame at 0.1 s (the very first is often black) or, when the file does not
 * say its duration (a MediaRecorder WebM), its first frame. Null when there is no picture (sound
 * only, or nothing decodes in time). The object URL and the element are let go before returning.
 */
export async function videoPoster(video: Blob, maxWidth: number): Promise<(Frame & { readonly video: Size }) | null> {
  return withVideo(video, 'loadeddata', async (element) => {
    if (element.videoWidth === 0 || element.videoHeight === 0) return null;
    if (Number.isFinite(element.duration) && element.duration > 0.2) {
      element.currentTime = 0.1;
      // A file that cannot seek keeps its first frame.
      await mediaEvent(element, 'seeked').catch(() => undefined);
    }
    const videoSize = { width: element.videoWidth, height: element.videoHeight };
    const target = fitPreview(videoSize, maxWidth);
    return { ...target, video: videoSize, blob: await encode(element, target) };
  });
}

/** A video's width and height for its pointer, measured on this device; null when it has no picture. */
export async function videoSize(video: Blob): Promise<Size | null> {
  return withVideo(video, 'loadedmetadata', async (element) =>
    element.videoWidth > 0 && element.videoHeight > 0 ? { width: element.videoWidth, height: element.videoHeight } : null,
  ).catch(() => null);
}

/** A detached, muted <video> on an object URL of `video`, until `ready`; everything let go after `use`. */
async function withVideo<T>(video: Blob, ready: 'loadedmetadata' | 'loadeddata', use: (element: HTMLVideoElement) => Promise<T>): Promise<T> {
  const url = URL.createObjectURL(video);
  const element = document.createElement('video');
  element.muted = true;
  element.playsInline = true;
  element.preload = 'auto';
  try {
    const loaded = mediaEvent(element, ready);
    element.src = url;
    await loaded;
    return await use(element);
  } finally {
    element.removeAttribute('src');
    element.load(); // drops the decoder and its buffers now rather than at garbage collection
    URL.revokeObjectURL(url);
  }
}

/** Resolves on `event`, rejects on the element's error or after VIDEO_TIMEOUT_MS. */
function mediaEvent(element: HTMLVideoElement, event: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (error?: Error): void => {
      clearTimeout(timer);
      element.removeEventListener(event, onEvent);
      element.removeEventListener('error', onError);
      if (error === undefined) resolve();
      else reject(error);
    };
    const onEvent = (): void => done();
    const onError = (): void => done(new Error(`video ${event} failed`));
    const timer = setTimeout(() => done(new Error(`video ${event} timed out`)), VIDEO_TIMEOUT_MS);
    element.addEventListener(event, onEvent);
    element.addEventListener('error', onError);
  });
}

async function encode(source: CanvasImageSource, size: Size): Promise<Blob> {
  const canvas = new OffscreenCanvas(size.width, size.height);
  const context = canvas.getContext('2d');
  if (context === null) throw new Error('no 2d context');
  context.drawImage(source, 0, 0, size.width, size.height);
  return canvas.convertToBlob({ type: 'image/webp', quality: 0.85 });
}
