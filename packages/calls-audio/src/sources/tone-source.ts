import { z } from 'zod'
import { BaseSource } from '../core/base-source.js'
import { FRAME_SAMPLES, SAMPLE_RATE } from '../core/constants.js'
import { durationMsSchema, parseOptions } from '../core/options.js'
import { ToneSynth } from './tone-synth.js'

export interface ToneSourceOptions {
  /** One frequency or several mixed together, in Hz (below 24 kHz). */
  frequencies: number | number[]
  /** Peak amplitude of the mix, 0–1 of full scale (default 0.5). */
  amplitude?: number
  /** Length in milliseconds (rounded up to whole frames, padded with silence); endless when omitted. */
  durationMs?: number
}

const schema = z.object({
  frequencies: z
    .union([z.number(), z.array(z.number()).min(1)])
    .transform((value) => (Array.isArray(value) ? value : [value]))
    .pipe(z.array(z.number().positive().lt(SAMPLE_RATE / 2))),
  amplitude: z.number().min(0).max(1).default(0.5),
  durationMs: durationMsSchema.optional(),
})

/** Sine tones: a test signal, a dial tone, a beep. */
export class ToneSource extends BaseSource {
  private readonly synth: ToneSynth
  private readonly totalSamples: number

  constructor(options: ToneSourceOptions) {
    super()
    const { frequencies, amplitude, durationMs } = parseOptions(schema, options, 'ToneSource')
    this.synth = new ToneSynth(frequencies, amplitude)
    this.totalSamples = durationMs === undefined ? Number.POSITIVE_INFINITY : Math.round((durationMs * SAMPLE_RATE) / 1000)
  }

  protected async *generate(): AsyncGenerator<Int16Array, void, undefined> {
    const frames = Math.ceil(this.totalSamples / FRAME_SAMPLES)
    let remaining = this.totalSamples
    for (let i = 0; i < frames; i++) {
      const frame = new Int16Array(FRAME_SAMPLES)
      const count = Math.min(FRAME_SAMPLES, remaining)
      this.synth.fill(frame, 0, count)
      remaining -= count
      yield frame
    }
  }
}
