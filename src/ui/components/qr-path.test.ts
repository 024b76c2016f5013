import { encodeQR } from '@paulmillr/qr';
import { describe, expect, it } from 'vitest';
import { qrPath } from './qr-path.ts';

describe('qrPath', () => {
  it('draws one rectangle per run of dark modules on a row', () => {
    expect(
      qrPath([
        [true, true, false, true],
        [false, false, false, false],
        [false, true, true, true],
      ]),
    ).toBe('M0 0h2v1h-2zM3 0h1v1h-1zM1 2h3v1h-3z');
  });

  it('draws nothing for a light matrix', () => {
    expect(qrPath([[false, false]])).toBe('');
  });

  it('covers exactly the dark modules of a real Session ID code', () => {
    const modules = encodeQR(`05${'ab'.repeat(32)}`, 'raw', { ecc: 'medium', border: 4 });
    const dark = modules.flat().filter(Boolean).length;
    const area = [...qrPath(modules).matchAll(/h(\d+)v1/g)].reduce((sum, match) => sum + Number(match[1]), 0);
    expect(area).toBe(dark);
    expect(dark).toBeGreaterThan(0);
  });
});
