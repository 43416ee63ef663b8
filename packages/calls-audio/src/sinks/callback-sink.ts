import { SinkClosedError } from '../core/errors.js'
import type { AudioSink } from '../core/types.js'

/** Hands every frame to a function; a returned promise applies backpressure. */
export class CallbackSink implements AudioSink {
  private closed = false

  constructor(
    private readonly onFrame: (frame: Int16Array) => void | Promise<void>,
    private readonly onClose?: () => void | Promise<void>,
  ) {}

  write(frame: Int16Array): void | Promise<void> {
    if (this.closed) throw new SinkClosedError()
    return this.onFrame(frame)
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    await this.onClose?.()
  }
}
