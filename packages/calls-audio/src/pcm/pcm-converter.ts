import { endianness } from 'node:os'
import { z } from 'zod'
import { SAMPLE_RATE } from '../core/constants.js'
import { ByteAligner } from './frame-chunker.js'
import { Resampler } from './resampler.js'
import { BYTES_PER_SAMPLE, floatsToS16, readSample, sampleFormatSchema, type SampleFormat } from './sample-format.js'

/** Describes raw interleaved PCM. */
export interface PcmFormat {
  sampleRate: number
  channels: number
  format: SampleFormat
}

export const pcmFormatSchema = z.object({
  sampleRate: z.number().int().min(1000).max(768_000).default(SAMPLE_RATE),
  channels: z.number().int().min(1).max(64).default(1),
  format: sampleFormatSchema.default('s16le'),
})

const LITTLE_ENDIAN_HOST = endianness() === 'LE'

/**
 * Converts raw PCM bytes of any supported format, rate and channel count into the
 * contract (s16 mono 48 kHz): decode → average channels → resample → s16. Chunks may
 * be split anywhere, even inside a sample.
 */
export class PcmConverter {
  private readonly aligner: ByteAligner
  private readonly resampler: Resampler | undefined
  private readonly passthrough: boolean
  private readonly blockBytes: number

  constructor(readonly input: PcmFormat) {
    this.blockBytes = BYTES_PER_SAMPLE[input.format] * input.channels
    this.aligner = new ByteAligner(this.blockBytes)
    this.resampler = input.sampleRate === SAMPLE_RATE ? undefined : new Resampler(input.sampleRate, SAMPLE_RATE)
    this.passthrough =
      LITTLE_ENDIAN_HOST && input.format === 's16le' && input.channels === 1 && this.resampler === undefined
  }

  push(chunk: Uint8Array): Int16Array {
    const bytes = this.aligner.push(chunk)
    // ByteAligner returns a fresh array starting at offset 0, so it is 2-byte aligned.
    if (this.passthrough) return new Int16Array(bytes.buffer, bytes.byteOffset, bytes.length / 2)
    const mono = this.decodeToMono(bytes)
    return floatsToS16(this.resampler ? this.resampler.push(mono) : mono)
  }

  flush(): Int16Array {
    return this.resampler ? floatsToS16(this.resampler.flush()) : new Int16Array(0)
  }

  private decodeToMono(bytes: Uint8Array): Float32Array {
    const { channels, format } = this.input
    const sampleBytes = BYTES_PER_SAMPLE[format]
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    const blocks = bytes.length / this.blockBytes
    const mono = new Float32Array(blocks)
    for (let block = 0; block < blocks; block++) {
      let sum = 0
      const base = block * this.blockBytes
      for (let channel = 0; channel < channels; channel++) {
        sum += readSample(view, base + channel * sampleBytes, format)
      }
      mono[block] = sum / channels
    }
    return mono
  }
}
