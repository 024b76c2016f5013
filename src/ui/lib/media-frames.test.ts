import { describe, expect, it } from 'vitest';
import { claimedSize, fitPreview, previewPixels } from './media-frames.ts';

describe('preview sizes', () => {
  it('320 CSS pixels at the screen density, between 1x and 2x', () => {
    expect(previewPixels(1)).toBe(320);
    expect(previewPixels(1.5)).toBe(480);
    expect(previewPixels(3)).toBe(640);
    expect(previewPixels(0.5)).toBe(320);
  });

  it('scales down to the width, never up, keeps the shape, and cuts very tall pictures at 4 widths', () => {
    expect(fitPreview({ width: 4000, height: 3000 }, 640)).toEqual({ width: 640, height: 480 });
    expect(fitPreview({ width: 3000, height: 2000 }, 320)).toEqual({ width: 320, height: 213 });
    expect(fitPreview({ width: 40, height: 30 }, 640)).toEqual({ width: 40, height: 30 });
    expect(fitPreview({ width: 1000, height: 10_000 }, 320)).toEqual({ width: 128, height: 1280 });
    expect(fitPreview({ width: 100_000, height: 1 }, 320)).toEqual({ width: 320, height: 1 });
  });

  it('believes a pointer size only when both are whole, positive and not absurd', () => {
    expect(claimedSize(40, 30)).toEqual({ width: 40, height: 30 });
    expect(claimedSize(null, 30)).toBeNull();
    expect(claimedSize(0, 30)).toBeNull();
    expect(claimedSize(40.5, 30)).toBeNull();
    expect(claimedSize(40, 1_000_000)).toBeNull();
  });
});
