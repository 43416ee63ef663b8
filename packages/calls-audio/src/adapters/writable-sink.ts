import { Writable } from 'node:stream'
import { SAMPLE_RATE } from '../core/constants.js'
import { SinkClosedError } from '../core/errors.js'
import { endStream, frameBytes, writeWithBackpressure } from '../core/stream-write.js'
import type { AudioSink } from '../core/types.js'
import { FrameChunker } from '../pcm/frame-chunker.js'
import { PcmConverter } from '../pcm/pcm-converter.js'

/** An `AudioSink` that writes raw s16le mono 48 kHz PCM to any Node `Writable`. */
export class WritableSink implements AudioSink {
  private closed = false

  constructor(
    readonly stream: Writable,
    /** End the stream on `close()` (default true). */
    private readonly endOnClose = true,
  ) {}

  write(frame: Int16Array): Promise<void> {
    if (this.closed) throw new SinkClosedError()
    return writeWithBackpressure(this.stream, frameBytes(frame))
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    if (this.endOnClose) await endStream(this.stream)
  }
}

/**
 * A sink as a Node `Writable` accepting raw s16le mono 48 kHz PCM in chunks of any size;
 * it is framed for the sink, and ending the stream closes the sink (a trailing partial
 * frame is padded with silence).
 */
export function writableFromSink(sink: AudioSink): Writable {
  const converter = new PcmConverter({ sampleRate: SAMPLE_RATE, channels: 1, format: 's16le' })
  const chunker = new FrameChunker()
  return new Writable({
    async write(chunk: Buffer, _encoding, callback) {
      try {
        for (const frame of chunker.push(converter.push(chunk))) await sink.write(frame)
        callback()
      } catch (error) {
        callback(error as Error)
      }
    },
    async final(callback) {
      try {
        const last = chunker.flush()
        if (last) await sink.write(last)
        await sink.close()
        callback()
      } catch (error) {
        callback(error as Error)
      }
    },
  })
}
