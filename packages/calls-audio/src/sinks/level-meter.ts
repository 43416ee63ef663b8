import { EventEmitter } from 'node:events'
import { z } from 'zod'
import { SAMPLE_RATE } from '../core/constants.js'
import { SinkClosedError } from '../core/errors.js'
import { parseOptions } from '../core/options.js'
import type { AudioSink } from '../core/types.js'

export interface Level {
  /** RMS, 0–1 of full scale. */
  rms: number
  /** RMS in dBFS (-Infinity for digital silence). */
  dbfs: number
  /** Largest absolute sample, 0–1 of full scale. */
  peak: number
}

export interface LevelMeterOptions {
  /** Audio per `level` event (default 100 ms). */
  intervalMs?: number
}

export interface LevelMeterEvents {
  level: [level: Level]
}

const schema = z.object({ intervalMs: z.number().min(20).max(60_000).default(100) })

const SILENT: Level = Object.freeze({ rms: 0, dbfs: Number.NEGATIVE_INFINITY, peak: 0 })

/** A sink that reports loudness every interval (a VU meter, or a "mic is dead" check). */
export class LevelMeter extends EventEmitter<LevelMeterEvents> implements AudioSink {
  private readonly intervalSamples: number
  private sumSquares = 0
  private peak = 0
  private samples = 0
  private current: Level = SILENT
  private closed = false

  constructor(options: LevelMeterOptions = {}) {
    super()
    const { intervalMs } = parseOptions(schema, options, 'LevelMeter')
    this.intervalSamples = Math.round((intervalMs * SAMPLE_RATE) / 1000)
  }

  /** The level of the last completed interval. */
  get level(): Level {
    return this.current
  }

  write(frame: Int16Array): void {
    if (this.closed) throw new SinkClosedError()
    for (let i = 0; i < frame.length; i++) {
      const value = frame[i]! / 32768
      this.sumSquares += value * value
      this.peak = Math.max(this.peak, Math.abs(value))
      if (++this.samples === this.intervalSamples) this.report()
    }
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    if (this.samples > 0) this.report()
  }

  private report(): void {
    const rms = Math.sqrt(this.sumSquares / this.samples)
    this.current = { rms, dbfs: 20 * Math.log10(rms), peak: this.peak }
    this.sumSquares = 0
    this.peak = 0
    this.samples = 0
    this.emit('level', this.current)
  }
}
