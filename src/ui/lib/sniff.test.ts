import { describe, expect, it } from 'vitest';
import { formatBytes, sniffImage } from './sniff.ts';

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

describe('formatBytes', () => {
  it('reads like a file manager', () => {
    expect(formatBytes(950)).toBe('950 B');
    expect(formatBytes(1234)).toBe('1.2 KB');
    expect(formatBytes(150_000)).toBe('150 KB');
    expect(formatBytes(5_000_000)).toBe('5.0 MB');
  });
});
