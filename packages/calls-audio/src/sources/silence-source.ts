import { z } from 'zod'
import { BaseSource } from '../core/base-source.js'
import { FRAME_SAMPLES, framesForDuration } from '../core/constants.js'
import { durationMsSchema, parseOptions } from '../core/options.js'

export interface SilenceSourceOptions {
  /** Length in milliseconds (rounded up to whole 20 ms frames); endless when omitted. */
  durationMs?: number
}

const schema = z.object({ durationMs: durationMsSchema.optional() })

/** Digital silence, for gaps and for keeping a call's outgoing stream alive. */
export class SilenceSource extends BaseSource {
  private readonly frameCount: number

  constructor(options: SilenceSourceOptions = {}) {
    super()
    const { durationMs } = parseOptions(schema, options, 'SilenceSource')
    this.frameCount = durationMs === undefined ? Number.POSITIVE_INFINITY : framesForDuration(durationMs)
  }

  protected async *generate(): AsyncGenerator<Int16Array, void, undefined> {
    for (let i = 0; i < this.frameCount; i++) yield new Int16Array(FRAME_SAMPLES)
  }
}
