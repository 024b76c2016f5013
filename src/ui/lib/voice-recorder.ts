/**
 * One voice recording: the microphone (getUserMedia) into a MediaRecorder in the best format this
 * browser has (voice.ts `pickRecordingFormat`). `stop()` answers the recording as a File ready to
 * send; `cancel()` throws it away. Either way the microphone track is stopped, so the browser's
 * "recording" indicator goes off at once.
 */
import { micFailureOf, pickRecordingFormat, voiceFileName, type MicFailure, type RecordingFormat } from './voice.ts';

/** A recording that could not start, with the reason to show. */
export class MicError extends Error {
  constructor(readonly reason: MicFailure) {
    super(`microphone: ${reason}`);
    this.name = 'MicError';
  }
}

export class VoiceRecorder {
  readonly #stream: MediaStream;
  readonly #recorder: MediaRecorder;
  readonly #format: RecordingFormat;
  readonly #chunks: Blob[] = [];
  readonly #stopped: Promise<void>;
  /** performance.now() when the recorder started, for the timer. */
  readonly startedAt: number;

  private constructor(stream: MediaStream, recorder: MediaRecorder, format: RecordingFormat) {
    this.#stream = stream;
    this.#recorder = recorder;
    this.#format = format;
    recorder.addEventListener('dataavailable', (event) => {
      if (event.data.size > 0) this.#chunks.push(event.data);
    });
    this.#stopped = new Promise((resolve) => recorder.addEventListener('stop', () => resolve(), { once: true }));
    // A chunk every second: a long recording is not held as one growing buffer inside the recorder.
    recorder.start(1000);
    this.startedAt = performance.now();
  }

  /** Asks for the microphone and starts recording; throws MicError when it cannot. */
  static async start(): Promise<VoiceRecorder> {
    if (typeof MediaRecorder === 'undefined' || typeof navigator.mediaDevices?.getUserMedia !== 'function') throw new MicError('unsupported');
    const format = pickRecordingFormat((type) => MediaRecorder.isTypeSupported(type));
    if (format === null) throw new MicError('unsupported');
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: true, noiseSuppression: true }, video: false });
    } catch (error) {
      throw new MicError(micFailureOf(error));
    }
    try {
      // Voice at 32 kbit/s, what Session's Android app records at: 5 minutes stay near 1.2 MB.
      return new VoiceRecorder(stream, new MediaRecorder(stream, { mimeType: format.mimeType, audioBitsPerSecond: 32_000 }), format);
    } catch (error) {
      for (const track of stream.getTracks()) track.stop();
      throw new MicError(micFailureOf(error));
    }
  }

  /** Seconds recorded so far. */
  elapsedSeconds(now = performance.now()): number {
    return (now - this.startedAt) / 1000;
  }

  /** Ends the recording and answers it as a file named and typed for its pointer. */
  async stop(): Promise<File> {
    this.#end();
    await this.#stopped;
    return new File(this.#chunks, voiceFileName(new Date(), this.#format.extension), { type: this.#format.contentType });
  }

  /** Ends the recording and forgets it. */
  cancel(): void {
    this.#end();
    this.#chunks.length = 0;
  }

  #end(): void {
    if (this.#recorder.state !== 'inactive') this.#recorder.stop();
    for (const track of this.#stream.getTracks()) track.stop();
  }
}
