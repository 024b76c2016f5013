import { describe, expect, it } from 'vitest';
import { formatBytes, sniffImage, sniffMedia, sniffVideo } from './sniff.ts';

const bytes = (...values: number[]) => new Uint8Array([...values, ...new Array(12).fill(0)]);

describe('sniffImage', () => {
  it('knows PNG, JPEG, GIF and WebP by their magic bytes', () => {
    expect(sniffImage(bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a))).toBe('image/png');
    expect(sniffImage(bytes(0xff, 0xd8, 0xff, 0xe0))).toBe('image/jpeg');
    expect(sniffImage(new TextEncoder().encode('GIF89a......'))).toBe('image/gif');
    expect(sniffImage(new TextEncoder().encode('RIFF\0\0\0\0WEBPVP8 '))).toBe('image/webp');
  });

  it('an "image" that is HTML, SVG, text, or too short is not an image', () => {
    for (const text of ['<html><script>alert(1)</script>', '<svg xmlns="http://www.w3.org/2000/svg">', 'plain text', 'GIF', 'RIFF\0\0\0\0WAVE']) {
      expect(sniffImage(new TextEncoder().encode(text)), text).toBeNull();
    }
    expect(sniffImage(new Uint8Array(0))).toBeNull();
  });
});

/** An ISO base media file's first box: size, "ftyp", the major brand. */
const ftyp = (brand: string) => new Uint8Array([0, 0, 0, 0x20, ...new TextEncoder().encode(`ftyp${brand}`), 0, 0, 0, 0]);

describe('sniffVideo', () => {
  it('knows MP4 by its ftyp box and a video brand, WebM by its EBML magic', () => {
    for (const brand of ['isom', 'mp42', 'M4V ', 'qt  ', '3gp4', 'dash']) expect(sniffVideo(ftyp(brand)), brand).toBe('video/mp4');
    expect(sniffVideo(bytes(0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81))).toBe('video/webm');
  });

  it('HEIC and AVIF images, M4A audio, a truncated box, HTML or nothing are not video', () => {
    for (const brand of ['heic', 'mif1', 'avif', 'M4A ']) expect(sniffVideo(ftyp(brand)), brand).toBeNull();
    expect(sniffVideo(ftyp('isom').subarray(0, 10))).toBeNull();
    expect(sniffVideo(new TextEncoder().encode('<html><video src=x></video></html>'))).toBeNull();
    expect(sniffVideo(bytes(0x1a, 0x45, 0xdf))).toBeNull();
    expect(sniffVideo(new Uint8Array(0))).toBeNull();
  });
});

describe('sniffMedia', () => {
  it('says image or video by the bytes, nothing otherwise', () => {
    expect(sniffMedia(bytes(0xff, 0xd8, 0xff, 0xe0))).toEqual({ kind: 'image', type: 'image/jpeg' });
    expect(sniffMedia(ftyp('mp41'))).toEqual({ kind: 'video', type: 'video/mp4' });
    expect(sniffMedia(new TextEncoder().encode('plain text that is long'))).toBeNull();
  });
});

describe('formatBytes', () => {
  it('reads like a file manager', () => {
    expect(formatBytes(950)).toBe('950 B');
    expect(formatBytes(1234)).toBe('1.2 KB');
    expect(formatBytes(150_000)).toBe('150 KB');
    expect(formatBytes(5_000_000)).toBe('5.0 MB');
  });
});
