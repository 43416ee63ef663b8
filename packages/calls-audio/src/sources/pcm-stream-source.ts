import type { z } from 'zod'
import { BaseSource } from '../core/base-source.js'
import { AudioDecodeError } from '../core/errors.js'
import { parseOptions } from '../core/options.js'
import { FrameChunker } from '../pcm/frame-chunker.js'
import { PcmConverter, pcmFormatSchema, type PcmFormat } from '../pcm/pcm-converter.js'
import { openByteInput, type ByteInput, type OpenedByteInput } from './byte-input.js'

/** The raw PCM layout of the input; defaults to the contract (s16le, mono, 48 kHz). */
export type PcmStreamSourceOptions = Partial<PcmFormat>

/**
 * Raw PCM from any readable stream (or file path, or bytes) with a declared sample
 * format, rate and channel count, converted to the contract in TypeScript. This is the
 * `Readable` → `AudioSource` adapter.
 */
export class PcmStreamSource extends BaseSource {
  readonly format: z.output<typeof pcmFormatSchema>
  private opened: OpenedByteInput | undefined

  constructor(
    private readonly input: ByteInput,
    options: PcmStreamSourceOptions = {},
  ) {
    super()
    this.format = parseOptions(pcmFormatSchema, options, 'PcmStreamSource')
  }

  protected async *generate(): AsyncGenerator<Int16Array, void, undefined> {
    this.opened = openByteInput(this.input)
    const converter = new PcmConverter(this.format)
    const chunker = new FrameChunker()
    try {
      for await (const chunk of this.opened.chunks) {
        yield* chunker.push(converter.push(chunk))
        if (this.closed) return
      }
    } catch (error) {
      if (this.closed) return
      throw new AudioDecodeError('Could not read the PCM input', (error as Error).message, { cause: error })
    }
    yield* chunker.push(converter.flush())
    const last = chunker.flush()
    if (last) yield last
  }

  protected override async release(): Promise<void> {
    this.opened?.close()
  }
}
