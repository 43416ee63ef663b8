import { open, type FileHandle } from 'node:fs/promises'
import { endianness } from 'node:os'
import { z } from 'zod'
import { SAMPLE_RATE } from '../core/constants.js'
import { AudioEncodeError, SinkClosedError } from '../core/errors.js'
import { parseOptions } from '../core/options.js'
import { frameBytes } from '../core/stream-write.js'
import type { AudioSink } from '../core/types.js'
import { Resampler } from '../pcm/resampler.js'
import { BYTES_PER_SAMPLE, floatsToS16, writeS16Sample } from '../pcm/sample-format.js'
import { WAV_HEADER_BYTES, encodeWavHeader, type WavSampleFormat } from '../wav/wav-header.js'

export interface WavFileSinkOptions {
  /** Sample encoding in the file (default 's16le', lossless for call audio). */
  format?: WavSampleFormat
  /** Channels in the file; the mono call audio is copied to each (default 1). */
  channels?: number
  /** Sample rate of the file; other than 48 000 is resampled (default 48 000). */
  sampleRate?: number
  /**
   * Audio buffered before it is written together with updated header sizes (default
   * 200 ms). This bounds what a crash can lose: the file on disk is always a valid WAV
   * holding everything up to the last flush.
   */
  flushIntervalMs?: number
}

const schema = z.object({
  format: z.enum(['u8', 's16le', 's24le', 's32le', 'f32le', 'f64le']).default('s16le'),
  channels: z.number().int().min(1).max(32).default(1),
  sampleRate: z.number().int().min(1000).max(768_000).default(SAMPLE_RATE),
  flushIntervalMs: z.number().min(0).max(60_000).default(200),
})

/** RIFF sizes are 32-bit. */
const MAX_WAV_BYTES = 0xffffffff

/**
 * Records to a WAV file. The header is rewritten with the current sizes after every
 * flush, so the file stays valid if the process dies mid-recording, and `close()`
 * finalises it.
 */
export class WavFileSink implements AudioSink {
  private readonly options: z.output<typeof schema>
  private readonly resampler: Resampler | undefined
  private readonly blockBytes: number
  /** The default file layout (s16le mono on a little-endian host) is the frame's own bytes. */
  private readonly copiesFrameBytes: boolean
  private readonly flushThresholdBytes: number
  private readonly opened: Promise<FileHandle>
  private pending: Uint8Array[] = []
  private pendingBytes = 0
  private writtenBytes = 0
  private queue: Promise<void> = Promise.resolve()
  private failure: AudioEncodeError | undefined
  private closing: Promise<void> | undefined

  constructor(
    readonly path: string,
    options: WavFileSinkOptions = {},
  ) {
    this.options = parseOptions(schema, options, 'WavFileSink')
    const { format, channels, sampleRate, flushIntervalMs } = this.options
    this.resampler = sampleRate === SAMPLE_RATE ? undefined : new Resampler(SAMPLE_RATE, sampleRate)
    this.blockBytes = BYTES_PER_SAMPLE[format] * channels
    this.copiesFrameBytes = format === 's16le' && channels === 1 && endianness() === 'LE'
    this.flushThresholdBytes = Math.floor((sampleRate * flushIntervalMs) / 1000) * this.blockBytes
    this.opened = open(path, 'w')
    this.queue = this.run(async () => {
      await this.writeHeader(await this.opened)
    })
  }

  /** Sample-data bytes already on disk (and declared in the header). */
  get bytesWritten(): number {
    return this.writtenBytes
  }

  write(frame: Int16Array): void | Promise<void> {
    if (this.closing) throw new SinkClosedError()
    if (this.failure) throw this.failure
    this.append(this.resampler ? floatsToS16(this.resampler.push(toFloat(frame))) : frame)
    if (this.pendingBytes >= this.flushThresholdBytes) return this.flush()
  }

  /** Writes buffered audio and updates the header now. */
  flush(): Promise<void> {
    const chunks = this.pending
    const bytes = this.pendingBytes
    this.pending = []
    this.pendingBytes = 0
    if (bytes === 0) return this.queue.then(() => this.throwIfFailed())
    this.queue = this.run(async () => {
      if (WAV_HEADER_BYTES + this.writtenBytes + bytes > MAX_WAV_BYTES) {
        throw new Error('the recording reached the 4 GB WAV size limit')
      }
      const handle = await this.opened
      // Data first, header second: a crash in between leaves a header that understates
      // the data, which readers handle, never one that overstates it.
      await handle.write(joinChunks(chunks, bytes), 0, bytes, WAV_HEADER_BYTES + this.writtenBytes)
      this.writtenBytes += bytes
      await this.writeHeader(handle)
    })
    return this.queue.then(() => this.throwIfFailed())
  }

  close(): Promise<void> {
    this.closing ??= this.finish()
    return this.closing
  }

  private async finish(): Promise<void> {
    if (this.resampler && !this.failure) this.append(floatsToS16(this.resampler.flush()))
    await this.flush().catch(() => {})
    try {
      await (await this.opened).close()
    } catch (error) {
      this.failure ??= new AudioEncodeError(`Cannot write ${this.path}`, (error as Error).message, { cause: error })
    }
    this.throwIfFailed()
  }

  private append(samples: Int16Array): void {
    const bytes = this.copiesFrameBytes ? frameBytes(samples) : this.encode(samples)
    this.pending.push(bytes)
    this.pendingBytes += bytes.length
  }

  private encode(samples: Int16Array): Uint8Array {
    const { format, channels } = this.options
    const sampleBytes = BYTES_PER_SAMPLE[format]
    const bytes = new Uint8Array(samples.length * this.blockBytes)
    const view = new DataView(bytes.buffer)
    for (let i = 0; i < samples.length; i++) {
      for (let channel = 0; channel < channels; channel++) {
        writeS16Sample(view, i * this.blockBytes + channel * sampleBytes, format, samples[i]!)
      }
    }
    return bytes
  }

  private async writeHeader(handle: FileHandle): Promise<void> {
    const { format, channels, sampleRate } = this.options
    const header = encodeWavHeader(format, channels, sampleRate, this.writtenBytes)
    await handle.write(header, 0, header.length, 0)
  }

  /** Chains a disk operation; the first failure is kept and reported by later calls. */
  private run(operation: () => Promise<void>): Promise<void> {
    return this.queue.then(() => (this.failure ? undefined : operation())).catch((error: Error) => this.fail(error))
  }

  private fail(error: Error): void {
    this.failure ??= new AudioEncodeError(`Cannot write ${this.path}`, error.message, { cause: error })
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure
  }
}

function toFloat(frame: Int16Array): Float32Array {
  const out = new Float32Array(frame.length)
  for (let i = 0; i < frame.length; i++) out[i] = frame[i]! / 32768
  return out
}

function joinChunks(chunks: Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!
  const joined = new Uint8Array(total)
  let offset = 0
  for (const chunk of chunks) {
    joined.set(chunk, offset)
    offset += chunk.length
  }
  return joined
}
