/** Owns one native codec object: explicit, idempotent close(), and typed use-after-close errors. */
import { CodecClosedError } from './codec-errors.js'

interface Closable {
  close(): void
}

export abstract class NativeHolder<T extends Closable> implements Disposable {
  private native: T | undefined

  protected constructor(
    private readonly className: string,
    native: T,
  ) {
    this.native = native
  }

  get closed(): boolean {
    return this.native === undefined
  }

  /** Frees the native state now rather than at garbage collection; idempotent. */
  close(): void {
    this.native?.close()
    this.native = undefined
  }

  [Symbol.dispose](): void {
    this.close()
  }

  protected open(method: string): T {
    if (!this.native) throw new CodecClosedError(`${this.className}.${method}() after close()`)
    return this.native
  }
}
