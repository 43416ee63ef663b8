import { EventEmitter } from 'node:events'
import { z } from 'zod'
import { SAMPLE_RATE } from '../core/constants.js'
import { SinkClosedError } from '../core/errors.js'
import { parseOptions } from '../core/options.js'
import type { AudioSink } from '../core/types.js'
import { analyzeTone, type ToneAnalysis } from '../analysis/analyze-tone.js'

export interface ToneAnalyzerOptions {
  /** Audio per measurement (default 500 ms; longer is more precise). */
  windowMs?: number
  /** Frequency range searched for peaks (default 20 Hz – 24 kHz). */
  minHz?: number
  maxHz?: number
  /** Peaks reported per measurement (default 1). */
  peaks?: number
}

const schema = z.object({
  windowMs: z.number().min(20).max(60_000).default(500),
  minHz: z.number().min(0).default(20),
  maxHz: z.number().positive().max(SAMPLE_RATE / 2).default(SAMPLE_RATE / 2),
  peaks: z.number().int().min(1).max(16).default(1),
})

export interface ToneAnalyzerEvents {
  /** One measurement per `windowMs` of audio (and one for the remainder on close). */
  analysis: [result: ToneAnalysis]
}

/**
 * A sink that measures what it receives: RMS level and dominant frequencies per window.
 * Use it to check a call carries audio, or to verify a tone end to end.
 */
export class ToneAnalyzer extends EventEmitter<ToneAnalyzerEvents> implements AudioSink {
  /** Every measurement so far, oldest first. */
  readonly results: ToneAnalysis[] = []
  private readonly options: z.output<typeof schema>
  private readonly window: Int16Array
  private filled = 0
  private closed = false

  constructor(options: ToneAnalyzerOptions = {}) {
    super()
    this.options = parseOptions(schema, options, 'ToneAnalyzer')
    this.window = new Int16Array(Math.round((this.options.windowMs * SAMPLE_RATE) / 1000))
  }

  /** The most recent measurement, if a window has completed. */
  get latest(): ToneAnalysis | undefined {
    return this.results.at(-1)
  }

  write(frame: Int16Array): void {
    if (this.closed) throw new SinkClosedError()
    let offset = 0
    while (offset < frame.length) {
      const take = Math.min(this.window.length - this.filled, frame.length - offset)
      this.window.set(frame.subarray(offset, offset + take), this.filled)
      this.filled += take
      offset += take
      if (this.filled === this.window.length) this.measure()
    }
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    if (this.filled > 0) this.measure()
  }

  private measure(): void {
    const { minHz, maxHz, peaks } = this.options
    const result = analyzeTone(this.window.subarray(0, this.filled), { minHz, maxHz, peaks })
    this.filled = 0
    this.results.push(result)
    this.emit('analysis', result)
  }
}
