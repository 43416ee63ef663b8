/**
 * The shapes `@tgvoip/calls` needs from audio sources and sinks, kept structural so any
 * implementation (e.g. `@tgvoip/calls-audio`) fits without a dependency in either direction.
 * Frames are 48 kHz mono s16, 960 samples (20 ms).
 */
export interface CallAudioSource extends AsyncIterable<Int16Array> {
  /** Stops the source early (called when the call ends). */
  close?(): void
}

export interface CallAudioSink {
  /** Receives one frame; a returned promise applies backpressure. */
  write(frame: Int16Array): void | Promise<void>
  /** Called once when the call ends. */
  close?(): void | Promise<void>
}

export interface CallMediaOptions {
  /** What we send. Nothing (silence) when omitted. */
  source?: CallAudioSource
  /** Where the other side's audio goes. Dropped when omitted. */
  sink?: CallAudioSink
}
