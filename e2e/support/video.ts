/**
 * A small real WebM video made in the page: a 64×48 canvas changing colour, recorded with
 * MediaRecorder (VP8) for 30 frames. Chromium makes it in about a second; nothing is committed.
 */
import type { Page } from '@playwright/test';

/** Run in the page as source text: this file is typechecked without the DOM library. */
const RECORD_WEBM = `(async () => {
  const canvas = document.createElement('canvas');
  canvas.width = 64;
  canvas.height = 48;
  const context = canvas.getContext('2d');
  let frame = 0;
  const draw = () => {
    context.fillStyle = 'hsl(' + ((frame * 37) % 360) + ' 80% 50%)';
    context.fillRect(0, 0, 64, 48);
    context.fillStyle = '#fff';
    context.fillRect((frame * 2) % 64, 16, 12, 12);
    frame += 1;
  };
  draw();
  const recorder = new MediaRecorder(canvas.captureStream(30), { mimeType: 'video/webm;codecs=vp8' });
  const chunks = [];
  recorder.ondataavailable = (event) => chunks.push(event.data);
  const stopped = new Promise((resolve) => (recorder.onstop = resolve));
  recorder.start();
  // Stops by itself after 30 drawn frames (~1 s at 30 fps).
  await new Promise((resolve) => {
    const timer = setInterval(() => {
      draw();
      if (frame >= 30) {
        clearInterval(timer);
        resolve();
      }
    }, 33);
  });
  recorder.stop();
  await stopped;
  const bytes = new Uint8Array(await new Blob(chunks).arrayBuffer());
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
})()`;

export async function recordWebm(page: Page): Promise<Buffer> {
  return Buffer.from((await page.evaluate(RECORD_WEBM)) as string, 'base64');
}
