import { describe, expect, it } from 'vitest';
import { formatBytes, sniffAudio, sniffImage, sniffMedia, sniffVideo } from './sniff.ts';

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

describe('sniffAudio', () => {
  const text = (value: string) => new TextEncoder().encode(value);

  it('knows the audio containers by their first bytes', () => {
    expect(sniffAudio(text('OggS\0\x02\0\0\0\0\0\0'))).toBe('audio/ogg');
    expect(sniffAudio(bytes(0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81))).toBe('audio/webm');
    expect(sniffAudio(text('\0\0\0\x1cftypM4A '))).toBe('audio/mp4');
    expect(sniffAudio(text('\0\0\0\x18ftypiso5'))).toBe('audio/mp4');
    expect(sniffAudio(text('RIFF\x24\0\0\0WAVEfmt '))).toBe('audio/wav');
    expect(sniffAudio(text('ID3\x04\0\0\0\0\0\0'))).toBe('audio/mpeg');
    // MPEG-1 Layer III frame header (what an MP3 without an ID3 tag starts with), and MPEG-2 Layer III.
    expect(sniffAudio(bytes(0xff, 0xfb, 0x90, 0x64))).toBe('audio/mpeg');
    expect(sniffAudio(bytes(0xff, 0xf3, 0x90, 0x64))).toBe('audio/mpeg');
    // AAC in ADTS frames, MPEG-4 and MPEG-2, with and without CRC.
    for (const second of [0xf1, 0xf0, 0xf9, 0xf8]) expect(sniffAudio(bytes(0xff, second, 0x50, 0x80))).toBe('audio/aac');
  });

  it('an "audio" that is HTML, an image, text, a reserved MPEG header or too short is not audio', () => {
    for (const value of ['<html><script>alert(1)</script>', 'plain text', 'Ogg', 'RIFF\0\0\0\0WEBPVP8 ', 'ftyp']) {
      expect(sniffAudio(text(value)), value).toBeNull();
    }
    expect(sniffAudio(bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a))).toBeNull();
    expect(sniffAudio(bytes(0xff, 0xd8, 0xff, 0xe0))).toBeNull(); // JPEG
    expect(sniffAudio(bytes(0xff, 0xe9, 0x90, 0x64))).toBeNull(); // MPEG version 01 is reserved
    expect(sniffAudio(bytes(0xff, 0xe0, 0x90, 0x64))).toBeNull(); // layer 00 outside ADTS is reserved
    expect(sniffAudio(new Uint8Array([0xff]))).toBeNull();
    expect(sniffAudio(new Uint8Array(0))).toBeNull();
  });

  it('no image is taken for audio, and no audio for an image', () => {
    const samples = [bytes(0xff, 0xd8, 0xff, 0xe0), text('GIF89a......'), text('RIFF\0\0\0\0WEBPVP8 '), text('OggS\0\x02\0\0\0\0\0\0'), text('RIFF\x24\0\0\0WAVEfmt ')];
    for (const sample of samples) expect(sniffImage(sample) === null || sniffAudio(sample) === null).toBe(true);
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
