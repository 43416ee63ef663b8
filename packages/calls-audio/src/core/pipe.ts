import type { AudioSink, AudioSource } from './types.js'

export interface PipeOptions {
  /** Aborting stops the copy, closes the source (and sink) and rejects with the reason. */
  signal?: AbortSignal
  /** Close the sink when the source ends or fails (default true). */
  closeSink?: boolean
}

export interface PipeResult {
  /** Frames copied. */
  frames: number
}

/**
 * Copies every frame from a source to a sink, honouring the sink's backpressure. The
 * source is always closed at the end (freeing ffmpeg processes and files), even on error
 * or abort.
 */
export async function pipe(source: AudioSource, sink: AudioSink, options: PipeOptions = {}): Promise<PipeResult> {
  const { signal, closeSink = true } = options
  let onAbort: (() => void) | undefined
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal?.reason)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
  // Awaited only through Promise.race; this keeps an abort after completion silent.
  aborted.catch(() => {})
  const untilAborted = <T>(promise: Promise<T>): Promise<T> => {
    if (!signal) return promise
    // If the abort wins, a later rejection of the losing promise must not go unhandled.
    promise.catch(() => {})
    return Promise.race([promise, aborted])
  }
  let frames = 0
  try {
    signal?.throwIfAborted()
    const iterator = source[Symbol.asyncIterator]()
    for (;;) {
      const next = await untilAborted(iterator.next())
      if (next.done) break
      const pending = sink.write(next.value)
      if (pending) await untilAborted(pending)
      frames++
    }
  } finally {
    if (onAbort) signal?.removeEventListener('abort', onAbort)
    await source.close()
    if (closeSink) await sink.close()
  }
  return { frames }
}
