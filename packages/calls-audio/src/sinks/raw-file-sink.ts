import { createWriteStream, type WriteStream } from 'node:fs'
import { AudioEncodeError, SinkClosedError } from '../core/errors.js'
import { endStream, frameBytes, writeWithBackpressure } from '../core/stream-write.js'
import type { AudioSink } from '../core/types.js'

/** Writes headerless s16le mono 48 kHz PCM (what pytgvoip recorded) to a file. */
export class RawFileSink implements AudioSink {
  private readonly stream: WriteStream
  private closing: Promise<void> | undefined

  constructor(readonly path: string) {
    this.stream = createWriteStream(path)
    // Errors surface from write()/close(); the listener keeps them from crashing the process.
    this.stream.on('error', () => {})
  }

  async write(frame: Int16Array): Promise<void> {
    if (this.closing) throw new SinkClosedError()
    try {
      await writeWithBackpressure(this.stream, frameBytes(frame))
    } catch (error) {
      throw new AudioEncodeError(`Cannot write ${this.path}`, (error as Error).message, { cause: error })
    }
  }

  close(): Promise<void> {
    this.closing ??= endStream(this.stream).catch((error: Error) => {
      throw new AudioEncodeError(`Cannot write ${this.path}`, error.message, { cause: error })
    })
    return this.closing
  }
}
