import { Readable } from 'node:stream'
import { FRAME_BYTES } from '../core/constants.js'
import { SinkClosedError } from '../core/errors.js'
import { frameBytes } from '../core/stream-write.js'
import type { AudioSink } from '../core/types.js'

export interface PcmStreamSinkOptions {
  /** Frames buffered before `write()` waits for the reader (default 50 = 1 s). */
  bufferFrames?: number
}

/**
 * Exposes received audio as a Node `Readable` of raw s16le mono 48 kHz PCM (pipe it into
 * a speaker, an encoder, a speech recogniser). A slow reader applies backpressure.
 */
export class PcmStreamSink implements AudioSink {
  readonly stream: Readable
  private waitingWriters: (() => void)[] = []
  private closed = false

  constructor(options: PcmStreamSinkOptions = {}) {
    const bufferFrames = options.bufferFrames ?? 50
    this.stream = new Readable({
      highWaterMark: bufferFrames * FRAME_BYTES,
      read: () => this.wakeWriters(),
    })
    // A reader that destroys the stream must not leave a writer waiting forever.
    this.stream.once('close', () => this.wakeWriters())
  }

  write(frame: Int16Array): void | Promise<void> {
    if (this.closed || this.stream.destroyed) throw new SinkClosedError()
    if (this.stream.push(frameBytes(frame))) return
    return new Promise((resolve) => {
      this.waitingWriters.push(resolve)
    })
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    if (!this.stream.destroyed) this.stream.push(null)
    this.wakeWriters()
  }

  private wakeWriters(): void {
    for (const resume of this.waitingWriters.splice(0)) resume()
  }
}
