/**
 * The pure parts of voice messages (docs/attachments.md "Voice messages"): which recording format
 * to ask MediaRecorder for, the file a recording is sent as, how long one may be, a duration as
 * "m:ss", the waveform's bars, and why a microphone could not be had.
 */

/** Session Desktop stops a recording at 5 minutes (`MAX_VOICE_MESSAGE_DURATION`); so do we. */
export const VOICE_MAX_SECONDS = 300;

/** A format MediaRecorder may record in, and how the file is named and typed in its pointer. */
export interface RecordingFormat {
  /** What MediaRecorder is asked for (codecs included). */
  readonly mimeType: string;
  /** The pointer's contentType: the container only, as Session's clients write it. */
  readonly contentType: string;
  readonly extension: string;
}

/**
 * Most widely playable first (docs/attachments.md "Voice messages"): AAC in MP4 is what Session's
 * Android and iOS apps record and every Session client plays; Opus in MP4 keeps the container
 * Apple's players open; Opus in WebM plays on Desktop and Android but not on iOS; Ogg is Firefox's.
 */
export const RECORDING_FORMATS: readonly RecordingFormat[] = [
  { mimeType: 'audio/mp4;codecs=mp4a.40.2', contentType: 'audio/mp4', extension: 'm4a' },
  { mimeType: 'audio/mp4;codecs=opus', contentType: 'audio/mp4', extension: 'm4a' },
  { mimeType: 'audio/webm;codecs=opus', contentType: 'audio/webm', extension: 'webm' },
  { mimeType: 'audio/ogg;codecs=opus', contentType: 'audio/ogg', extension: 'ogg' },
];

/** The first format this browser records in; null when it records none of them. */
export function pickRecordingFormat(isTypeSupported: (mimeType: string) => boolean): RecordingFormat | null {
  return RECORDING_FORMATS.find((format) => isTypeSupported(format.mimeType)) ?? null;
}

/** "voice-message-2026-12-07-051230.m4a", in local time: a name that sorts and says what it is when saved. */
export function voiceFileName(at: Date, extension: string): string {
  const two = (n: number) => String(n).padStart(2, '0');
  const day = `${at.getFullYear()}-${two(at.getMonth() + 1)}-${two(at.getDate())}`;
  return `voice-message-${day}-${two(at.getHours())}${two(at.getMinutes())}${two(at.getSeconds())}.${extension}`;
}

/** Seconds as "m:ss" (whole seconds, rounded down; minutes grow past 59 rather than adding hours). */
export function formatDuration(seconds: number): string {
  const whole = Number.isFinite(seconds) && seconds > 0 ? Math.floor(seconds) : 0;
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, '0')}`;
}

/**
 * `count` bars for a waveform, each the RMS of its slice of `samples`, scaled so the loudest bar
 * is 1 (all 0 for silence or no samples). Slices differ by at most one sample in length.
 */
export function waveformBars(samples: Float32Array, count: number): number[] {
  const bars = new Array<number>(count).fill(0);
  if (samples.length === 0 || count <= 0) return bars;
  for (let bar = 0; bar < count; bar++) {
    const from = Math.floor((bar * samples.length) / count);
    const to = Math.floor(((bar + 1) * samples.length) / count);
    let sum = 0;
    for (let i = from; i < to; i++) sum += samples[i]! * samples[i]!;
    bars[bar] = to > from ? Math.sqrt(sum / (to - from)) : 0;
  }
  const loudest = Math.max(...bars);
  return loudest > 0 ? bars.map((value) => value / loudest) : bars;
}

/** Why no recording could start: said to the person in words (strings.voice.micFailure). */
export type MicFailure = 'denied' | 'absent' | 'busy' | 'unsupported';

/** A getUserMedia or MediaRecorder failure as one of the reasons above (DOMException names). */
export function micFailureOf(error: unknown): MicFailure {
  const name = error instanceof Error || (typeof error === 'object' && error !== null && 'name' in error) ? String((error as { name: unknown }).name) : '';
  if (name === 'NotAllowedError' || name === 'SecurityError' || name === 'PermissionDeniedError') return 'denied';
  if (name === 'NotFoundError' || name === 'OverconstrainedError' || name === 'DevicesNotFoundError') return 'absent';
  if (name === 'NotSupportedError' || name === 'TypeError') return 'unsupported';
  return 'busy';
}
