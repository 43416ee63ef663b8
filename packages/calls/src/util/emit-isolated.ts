import type { EventEmitter } from 'node:events'

import type { Logger } from '@mtcute/core/utils.js'

/**
 * Emits `event` calling each listener in isolation. EventEmitter stops at the first listener
 * that throws, which would starve later listeners (including our own, e.g. the one settling
 * `accept()`); async listeners' rejections would become unhandled. Both are logged instead.
 */
export function emitIsolated(emitter: Pick<EventEmitter, 'rawListeners'>, log: Logger, event: string, args: unknown[]): void {
  for (const listener of emitter.rawListeners(event) as Array<(...a: unknown[]) => unknown>) {
    try {
      const result = listener.apply(emitter, args)
      if (result instanceof Promise) result.catch((err: unknown) => log.error('a %s listener rejected: %s', event, err))
    } catch (err) {
      log.error('a %s listener threw: %s', event, err)
    }
  }
}
