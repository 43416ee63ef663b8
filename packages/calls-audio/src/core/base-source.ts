import { SourceAlreadyIteratedError } from './errors.js'
import type { AudioSource } from './types.js'

/**
 * Shared lifecycle of every source: single iteration, `close()` that is idempotent and
 * also ends a running iteration, and cleanup when the consumer stops early (`break`).
 * Subclasses implement `generate()` and, if they hold resources, `release()`.
 */
export abstract class BaseSource implements AudioSource {
  private iterated = false
  private closing: Promise<void> | undefined

  /** True once `close()` was called or the audio ended. */
  get closed(): boolean {
    return this.closing !== undefined
  }

  [Symbol.asyncIterator](): AsyncIterator<Int16Array> {
    if (this.iterated) throw new SourceAlreadyIteratedError()
    this.iterated = true
    return this.run()
  }

  close(): Promise<void> {
    this.closing ??= this.release()
    return this.closing
  }

  /** Produces the frames; it may stop early when `closed` turns true. */
  protected abstract generate(): AsyncGenerator<Int16Array, void, undefined>

  /** Frees resources; called exactly once. */
  protected async release(): Promise<void> {}

  private async *run(): AsyncGenerator<Int16Array, void, undefined> {
    try {
      if (this.closed) return
      for await (const frame of this.generate()) {
        yield frame
        if (this.closed) return
      }
    } finally {
      await this.close()
    }
  }
}
