import { AudioOptionsError, SinkClosedError } from '../core/errors.js'
import type { AudioSink } from '../core/types.js'

/**
 * Writes every frame to several sinks (record to WAV and measure the level at once). The
 * slowest sink sets the pace; a failing sink fails the write, and `close()` closes them all.
 */
export class TeeSink implements AudioSink {
  private readonly sinks: readonly AudioSink[]
  private closed = false

  constructor(...sinks: AudioSink[]) {
    if (sinks.length === 0 || sinks.some((s) => typeof s?.write !== 'function')) {
      throw new AudioOptionsError('TeeSink needs one or more sinks')
    }
    this.sinks = sinks
  }

  async write(frame: Int16Array): Promise<void> {
    if (this.closed) throw new SinkClosedError()
    await Promise.all(this.sinks.map((sink) => sink.write(frame)))
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    const results = await Promise.allSettled(this.sinks.map((sink) => sink.close()))
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
    if (failed) throw failed.reason
  }
}
