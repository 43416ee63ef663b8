import { z } from 'zod'
import { BaseSource } from '../core/base-source.js'
import { SAMPLE_RATE } from '../core/constants.js'
import { durationMsSchema, parseOptions } from '../core/options.js'
import { FrameChunker } from '../pcm/frame-chunker.js'
import { ToneSynth } from './tone-synth.js'

/** ITU-T Q.23 keypad: [row (low) frequency, column (high) frequency] in Hz. */
export const DTMF_FREQUENCIES: Readonly<Record<string, readonly [number, number]>> = {
  '1': [697, 1209],
  '2': [697, 1336],
  '3': [697, 1477],
  A: [697, 1633],
  '4': [770, 1209],
  '5': [770, 1336],
  '6': [770, 1477],
  B: [770, 1633],
  '7': [852, 1209],
  '8': [852, 1336],
  '9': [852, 1477],
  C: [852, 1633],
  '*': [941, 1209],
  '0': [941, 1336],
  '#': [941, 1477],
  D: [941, 1633],
}

export interface DtmfSourceOptions {
  /** Keys 0-9, *, #, A-D; a comma inserts a pause of `pauseMs`. */
  digits: string
  /** Tone length per key (default 100 ms; the standard minimum is 40 ms). */
  toneMs?: number
  /** Silence after each key (default 100 ms). */
  gapMs?: number
  /** Length of a `,` pause (default 500 ms). */
  pauseMs?: number
  /** Peak amplitude of the two-tone mix, 0–1 (default 0.5). */
  amplitude?: number
}

const schema = z.object({
  digits: z
    .string()
    .min(1)
    .transform((value) => value.toUpperCase())
    .refine((value) => [...value].every((key) => key === ',' || key in DTMF_FREQUENCIES), {
      message: 'digits may contain only 0-9, *, #, A-D and ","',
    }),
  toneMs: durationMsSchema.positive().default(100),
  gapMs: durationMsSchema.default(100),
  pauseMs: durationMsSchema.default(500),
  amplitude: z.number().min(0).max(1).default(0.5),
})

/** Telephone keypad tones, e.g. to drive an IVR on the other side of a call. */
export class DtmfSource extends BaseSource {
  private readonly options: z.output<typeof schema>

  constructor(options: DtmfSourceOptions) {
    super()
    this.options = parseOptions(schema, options, 'DtmfSource')
  }

  protected async *generate(): AsyncGenerator<Int16Array, void, undefined> {
    const { digits, toneMs, gapMs, pauseMs, amplitude } = this.options
    const chunker = new FrameChunker()
    for (const key of digits) {
      const pair = DTMF_FREQUENCIES[key]
      const segments: Int16Array[] = []
      if (pair) {
        const tone = new Int16Array(samplesFor(toneMs))
        new ToneSynth(pair, amplitude).fill(tone, 0, tone.length)
        segments.push(tone, new Int16Array(samplesFor(gapMs)))
      } else {
        segments.push(new Int16Array(samplesFor(pauseMs)))
      }
      for (const segment of segments) yield* chunker.push(segment)
    }
    const last = chunker.flush()
    if (last) yield last
  }
}

function samplesFor(durationMs: number): number {
  return Math.round((durationMs * SAMPLE_RATE) / 1000)
}

