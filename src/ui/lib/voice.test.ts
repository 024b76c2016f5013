import { describe, expect, it } from 'vitest';
import { RECORDING_FORMATS, VOICE_MAX_SECONDS, formatDuration, micFailureOf, pickRecordingFormat, voiceFileName, waveformBars } from './voice.ts';

describe('formatDuration', () => {
  it('shows whole seconds as m:ss, rounded down', () => {
    expect([0, 0.99, 1, 2.5, 59.9, 60, 61, 299.99, 300, 3600].map(formatDuration)).toEqual(['0:00', '0:00', '0:01', '0:02', '0:59', '1:00', '1:01', '4:59', '5:00', '60:00']);
  });

  it('shows 0:00 for what is not a duration yet (an unknown or endless one, a negative one)', () => {
    expect([Number.NaN, Number.POSITIVE_INFINITY, -3].map(formatDuration)).toEqual(['0:00', '0:00', '0:00']);
  });
});

describe('waveformBars', () => {
  it('gives one bar per slice, the loudest slice 1 and the others relative to it', () => {
    const samples = new Float32Array([0.5, -0.5, 0.5, -0.5, 0.25, -0.25, 0.25, -0.25, 0, 0, 0, 0]);
    expect(waveformBars(samples, 3)).toEqual([1, 0.5, 0]);
  });

  it('uses the RMS of a slice, so one click does not look as loud as speech', () => {
    const click = new Float32Array([1, 0, 0, 0]);
    const tone = new Float32Array([0.6, -0.6, 0.6, -0.6]);
    const [clickBar, toneBar] = waveformBars(new Float32Array([...click, ...tone]), 2);
    expect(clickBar).toBeCloseTo(0.5 / 0.6, 5);
    expect(toneBar).toBe(1);
  });

  it('covers every sample once when the count does not divide the length, and leaves empty slices at 0 when there are more bars than samples', () => {
    const ones = new Float32Array(10).fill(1);
    expect(waveformBars(ones, 3)).toEqual([1, 1, 1]);
    expect(waveformBars(new Float32Array([1, 1]), 4)).toEqual([0, 1, 0, 1]);
  });

  it('is all zeros for silence or no samples, and empty for no bars', () => {
    expect(waveformBars(new Float32Array(100), 4)).toEqual([0, 0, 0, 0]);
    expect(waveformBars(new Float32Array(0), 3)).toEqual([0, 0, 0]);
    expect(waveformBars(new Float32Array([1]), 0)).toEqual([]);
  });
});

describe('pickRecordingFormat', () => {
  it('takes the most widely playable format the browser records: AAC in MP4 first', () => {
    expect(pickRecordingFormat(() => true)).toEqual({ mimeType: 'audio/mp4;codecs=mp4a.40.2', contentType: 'audio/mp4', extension: 'm4a' });
  });

  it('falls back in order: Opus in MP4 (Chromium on Linux), WebM, Ogg (Firefox), and none', () => {
    const only = (...types: string[]) => (type: string) => types.includes(type);
    expect(pickRecordingFormat(only('audio/webm;codecs=opus', 'audio/mp4;codecs=opus'))?.mimeType).toBe('audio/mp4;codecs=opus');
    expect(pickRecordingFormat(only('audio/webm;codecs=opus'))).toEqual({ mimeType: 'audio/webm;codecs=opus', contentType: 'audio/webm', extension: 'webm' });
    expect(pickRecordingFormat(only('audio/ogg;codecs=opus'))?.extension).toBe('ogg');
    expect(pickRecordingFormat(() => false)).toBeNull();
  });

  it('names a container type without codecs in the pointer, the way Session clients write it', () => {
    for (const format of RECORDING_FORMATS) expect(format.contentType).toMatch(/^audio\/[a-z0-9]+$/u);
  });
});

describe('voiceFileName', () => {
  it('says what it is and when, in local time, with the extension of its format', () => {
    expect(voiceFileName(new Date(2026, 11, 7, 5, 4, 3), 'm4a')).toBe('voice-message-2026-12-07-050403.m4a');
  });
});

describe('the length cap', () => {
  it('is Session Desktop’s five minutes', () => {
    expect(VOICE_MAX_SECONDS).toBe(300);
  });
});

describe('micFailureOf', () => {
  const domError = (name: string) => Object.assign(new Error(name), { name });

  it('tells a refused permission from a missing device, a busy one and a browser that cannot', () => {
    expect(micFailureOf(domError('NotAllowedError'))).toBe('denied');
    expect(micFailureOf(domError('SecurityError'))).toBe('denied');
    expect(micFailureOf(domError('NotFoundError'))).toBe('absent');
    expect(micFailureOf(domError('OverconstrainedError'))).toBe('absent');
    expect(micFailureOf(domError('NotReadableError'))).toBe('busy');
    expect(micFailureOf(domError('NotSupportedError'))).toBe('unsupported');
  });

  it('reads DOMException-like objects and treats anything unknown as busy', () => {
    expect(micFailureOf({ name: 'NotAllowedError' })).toBe('denied');
    expect(micFailureOf('weird')).toBe('busy');
    expect(micFailureOf(null)).toBe('busy');
  });
});
