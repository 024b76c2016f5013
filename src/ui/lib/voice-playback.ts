/**
 * What a voice message player needs besides the audio element: its waveform and true duration
 * (decoded once per attachment and kept), and the rule that only one voice message plays at a time.
 */
import { waveformBars } from './voice.ts';

export const WAVEFORM_BARS = 48;

/** Decoding resamples to this rate: plenty for a waveform, and a 5-minute message stays 2.4 M samples. */
const WAVEFORM_SAMPLE_RATE = 8000;

export interface VoiceShape {
  /** WAVEFORM_BARS values in 0..1. */
  readonly bars: readonly number[];
  /** Seconds, from the decoded audio (a recorder's WebM often states none). */
  readonly duration: number;
}

/** Shapes by attachment ("messageId:index:size"); a few hundred numbers each, the oldest dropped past the cap. */
const shapes = new Map<string, Promise<VoiceShape | null>>();
const SHAPES_KEPT = 200;

/**
 * The waveform and duration of audio bytes, or null when they do not decode. Decoding runs off the
 * main thread (decodeAudioData); only the bucketing of the resampled samples runs here, a few ms.
 */
export function voiceShape(key: string, bytes: () => Promise<ArrayBuffer>): Promise<VoiceShape | null> {
  const known = shapes.get(key);
  if (known !== undefined) return known;
  const made = (async () => {
    try {
      const context = new OfflineAudioContext(1, 1, WAVEFORM_SAMPLE_RATE);
      const audio = await context.decodeAudioData(await bytes());
      return { bars: waveformBars(audio.getChannelData(0), WAVEFORM_BARS), duration: audio.duration };
    } catch {
      return null;
    }
  })();
  shapes.set(key, made);
  if (shapes.size > SHAPES_KEPT) shapes.delete(shapes.keys().next().value!);
  return made;
}

/** The element playing now, if any: starting another pauses it. */
let playing: HTMLAudioElement | null = null;

export function playExclusively(audio: HTMLAudioElement): Promise<void> {
  if (playing !== null && playing !== audio) playing.pause();
  playing = audio;
  return audio.play();
}

/** Called when a player goes: it is no longer the one playing. */
export function forget(audio: HTMLAudioElement): void {
  if (playing === audio) playing = null;
}
