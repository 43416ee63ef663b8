/**
 * The shapes `@tgvoip/calls` needs from audio sources and sinks, kept structural so any
 * implementation (e.g. `@tgvoip/calls-audio`'s sources, sinks and `AudioPlayer`) fits.
 * Frames are 48 kHz mono s16, 960 samples (20 ms).
 */
export interface CallAudioSource extends AsyncIterable<Int16Array> {
  /** Stops the source early (called when the call ends or another source replaces it). */
  close?(): void | Promise<void>
}

export interface CallAudioSink {
  /** Receives one frame; a returned promise applies backpressure. */
  write(frame: Int16Array): void | Promise<void>
  /** Called once when the call ends or another sink replaces it. */
  close?(): void | Promise<void>
}

/**
 * What users pass to `call()` / `accept()`: a source or sink object, or a file path
 * (`'music.mp3'` plays through ffmpeg; `'out.wav'` records to WAV, other extensions through ffmpeg).
 */
export interface CallMediaInput {
  /** What we send. Silence when omitted. */
  source?: CallAudioSource | string
  /** Where the other side's audio goes. Dropped when omitted. */
  sink?: CallAudioSink | string
}

/** `CallMediaInput` once paths are opened. */
export interface CallMediaOptions {
  source?: CallAudioSource
  sink?: CallAudioSink
}
