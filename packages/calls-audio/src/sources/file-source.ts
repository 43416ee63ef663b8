import { z } from 'zod'
import { BaseSource } from '../core/base-source.js'
import { SAMPLE_RATE } from '../core/constants.js'
import { AudioDecodeError } from '../core/errors.js'
import { durationMsSchema, parseOptions, volumeSchema } from '../core/options.js'
import { FfmpegProcess } from '../ffmpeg/ffmpeg-process.js'
import { findFfmpeg } from '../ffmpeg/find-ffmpeg.js'
import { FrameChunker } from '../pcm/frame-chunker.js'
import { applyGain } from '../pcm/gain.js'
import { PcmConverter } from '../pcm/pcm-converter.js'

export interface FileSourceOptions {
  /** Start over from the beginning of the file when it ends (default false). */
  loop?: boolean
  /** Start playing this many milliseconds into the file (first pass only). */
  seekMs?: number
  /** Linear gain, 1 = unchanged (default). Can be changed while playing via `volume`. */
  volume?: number
  /** The ffmpeg binary to use instead of searching PATH. */
  ffmpegPath?: string
  /** Extra ffmpeg options placed before `-i` (e.g. `['-f', 'mp3']` or network options). */
  inputOptions?: string[]
  /**
   * For URL inputs: fail with `AudioDecodeError` when the server sends nothing for this
   * long (default 15 000 ms), instead of waiting forever.
   */
  networkTimeoutMs?: number
}

const schema = z.object({
  loop: z.boolean().default(false),
  seekMs: durationMsSchema.default(0),
  volume: volumeSchema.default(1),
  ffmpegPath: z.string().min(1).optional(),
  inputOptions: z.array(z.string()).default([]),
  networkTimeoutMs: z.number().int().positive().default(15_000),
})

/** `scheme://…` other than file: is read over the network by ffmpeg. */
const NETWORK_URL = /^(?!file:)[a-z][a-z0-9+.-]*:\/\//i
/** `scheme://…` including file:, which only ffmpeg opens (not a plain path on disk). */
const ANY_URL = /^[a-z][a-z0-9+.-]*:\/\//i

/** True for inputs that are URLs for ffmpeg rather than paths on disk. */
export function isFfmpegUrl(input: string): boolean {
  return ANY_URL.test(input)
}

/**
 * Any file or URL ffmpeg can read (mp3, ogg, opus, m4a, flac, video files, http(s)
 * streams…), decoded by an ffmpeg child process into the contract. Needs ffmpeg
 * installed; without it iteration throws `FfmpegNotFoundError`, and input ffmpeg cannot
 * decode throws `AudioDecodeError`.
 */
export class FileSource extends BaseSource {
  /** Linear gain applied to every frame; may be changed at any time. */
  volume: number
  private readonly options: z.output<typeof schema>
  private process: FfmpegProcess | undefined

  constructor(
    /** A path or a URL (anything ffmpeg accepts as `-i`). */
    readonly input: string,
    options: FileSourceOptions = {},
  ) {
    super()
    this.options = parseOptions(schema, options, 'FileSource')
    this.volume = this.options.volume
  }

  protected async *generate(): AsyncGenerator<Int16Array, void, undefined> {
    const binary = await findFfmpeg(this.options.ffmpegPath)
    const chunker = new FrameChunker()
    let seekMs = this.options.seekMs
    for (;;) {
      const decodedBytes = yield* this.decodeOnce(binary, seekMs, chunker)
      seekMs = 0
      // An input that decodes to nothing would otherwise loop forever without output.
      if (!this.options.loop || this.closed || decodedBytes === 0) break
    }
    const last = chunker.flush()
    if (last && !this.closed) yield applyGain(last, this.volume)
  }

  protected override async release(): Promise<void> {
    await this.process?.kill()
  }

  /** One pass over the input; returns how many PCM bytes ffmpeg produced. */
  private async *decodeOnce(binary: string, seekMs: number, chunker: FrameChunker): AsyncGenerator<Int16Array, number, undefined> {
    // close() may have run while ffmpeg was being looked up; spawning now would leak it.
    if (this.closed) return 0
    const args = ['-nostdin', ...this.options.inputOptions]
    // ffmpeg's I/O timeout is in microseconds.
    if (NETWORK_URL.test(this.input)) args.push('-rw_timeout', String(this.options.networkTimeoutMs * 1000))
    if (seekMs > 0) args.push('-ss', (seekMs / 1000).toFixed(3))
    args.push('-i', this.input, '-vn', '-ac', '1', '-ar', String(SAMPLE_RATE), '-f', 's16le', 'pipe:1')
    const process = new FfmpegProcess(binary, args, { stdin: false })
    this.process = process
    // ffmpeg already outputs the contract format; the converter only realigns odd chunks.
    const converter = new PcmConverter({ sampleRate: SAMPLE_RATE, channels: 1, format: 's16le' })
    let decodedBytes = 0
    try {
      try {
        for await (const chunk of process.stdout as AsyncIterable<Buffer>) {
          decodedBytes += chunk.length
          for (const frame of chunker.push(converter.push(chunk))) {
            yield applyGain(frame, this.volume)
            if (this.closed) return decodedBytes
          }
        }
      } catch (error) {
        // close() destroys stdout under a pending read; that is an ending, not a failure.
        if (this.closed) return decodedBytes
        throw error
      }
      const exit = await process.exited
      if (this.closed) return decodedBytes
      const startError = process.startError
      if (startError) throw startError
      const failed = exit.code !== 0 || (decodedBytes === 0 && process.errorOutput !== '')
      if (failed) throw new AudioDecodeError(`ffmpeg could not decode ${this.input}`, process.errorOutput || `exit code ${exit.code}`)
      return decodedBytes
    } finally {
      await process.kill()
    }
  }
}
