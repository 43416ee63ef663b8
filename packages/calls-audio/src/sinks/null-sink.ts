import type { AudioSink } from '../core/types.js'

/** Discards audio, counting frames; for draining a call you do not want to hear. */
export class NullSink implements AudioSink {
  framesWritten = 0

  write(): void {
    this.framesWritten++
  }

  async close(): Promise<void> {}
}
