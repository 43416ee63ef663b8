/**
 * A stream of 20 ms frames (960-sample `Int16Array`s, s16 mono 48 kHz) that ends when the
 * audio ends. Frames are produced as fast as the consumer pulls; pacing is the engine's
 * job. A source is single-use: iterate it once.
 */
export interface AudioSource extends AsyncIterable<Int16Array> {
  /** Stops early and frees what the source holds (processes, files). Idempotent. */
  close(): Promise<void>
}

/** A consumer of 20 ms frames. */
export interface AudioSink {
  /** Takes one frame; a returned promise means "wait before writing more". */
  write(frame: Int16Array): void | Promise<void>
  /** Flushes and frees resources. Idempotent. */
  close(): Promise<void>
}
