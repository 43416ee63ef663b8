import { extname } from 'node:path'
import { z } from 'zod'
import { SAMPLE_RATE } from '../core/constants.js'
import { AudioEncodeError, SinkClosedError } from '../core/errors.js'
import { parseOptions } from '../core/options.js'
import { endStream, frameBytes, writeWithBackpressure } from '../core/stream-write.js'
import type { AudioSink } from '../core/types.js'
import { FfmpegProcess } from '../ffmpeg/ffmpeg-process.js'
import { findFfmpeg } from '../ffmpeg/find-ffmpeg.js'

export interface FileSinkOptions {
  /** ffmpeg muxer name (`-f`), when the file extension does not say it. */
  format?: string
  /** Audio codec (`-c:a`), e.g. 'libmp3lame', 'libopus'; ffmpeg's default for the format otherwise. */
  codec?: string
  /** Target bitrate (`-b:a`), e.g. '64k'. */
  bitrate?: string
  /** Extra ffmpeg output options placed before the file name. */
  outputOptions?: string[]
  /** The ffmpeg binary to use instead of searching PATH. */
  ffmpegPath?: string
}

const schema = z.object({
  format: z.string().min(1).optional(),
  codec: z.string().min(1).optional(),
  bitrate: z.string().regex(/^\d+[kKmM]?$/).optional(),
  outputOptions: z.array(z.string()).default([]),
  ffmpegPath: z.string().min(1).optional(),
})

/**
 * Records to any format ffmpeg can write, chosen by the file extension (.mp3, .ogg,
 * .opus, .m4a, .flac…). The file is complete once `close()` resolves; encoder failures
 * surface as `AudioEncodeError`, a missing ffmpeg as `FfmpegNotFoundError`.
 */
export class FileSink implements AudioSink {
  private readonly started: Promise<FfmpegProcess>
  private closing: Promise<void> | undefined

  constructor(
    readonly path: string,
    options: FileSinkOptions = {},
  ) {
    const parsed = parseOptions(schema, options, 'FileSink')
    if (!parsed.format && extname(path) === '') {
      throw new AudioEncodeError(`Cannot tell the output format of ${path}: give it an extension or pass \`format\``)
    }
    this.started = this.start(parsed)
    // Failures are reported by write()/close(); this only prevents an unhandled rejection.
    this.started.catch(() => {})
  }

  async write(frame: Int16Array): Promise<void> {
    if (this.closing) throw new SinkClosedError()
    const process = await this.started
    try {
      await writeWithBackpressure(process.stdin, frameBytes(frame))
    } catch {
      // The encoder died; its exit status and stderr explain why.
      await process.exited
      throw this.encoderError(process)
    }
  }

  close(): Promise<void> {
    this.closing ??= this.finish()
    return this.closing
  }

  private async start(options: z.output<typeof schema>): Promise<FfmpegProcess> {
    const binary = await findFfmpeg(options.ffmpegPath)
    const args = ['-f', 's16le', '-ar', String(SAMPLE_RATE), '-ac', '1', '-i', 'pipe:0']
    if (options.codec) args.push('-c:a', options.codec)
    if (options.bitrate) args.push('-b:a', options.bitrate)
    if (options.format) args.push('-f', options.format)
    args.push(...options.outputOptions, '-y', this.path)
    return new FfmpegProcess(binary, args, { stdin: true })
  }

  private async finish(): Promise<void> {
    const process = await this.started
    await endStream(process.stdin).catch(() => {})
    const exit = await process.exited
    if (process.startError) throw process.startError
    if (exit.code !== 0) throw this.encoderError(process)
  }

  private encoderError(process: FfmpegProcess): Error {
    return process.startError ?? new AudioEncodeError(`ffmpeg could not write ${this.path}`, process.errorOutput || 'ffmpeg exited early')
  }
}

