import { z } from 'zod'

import { CallOptionsError } from '../errors.js'
import { sinkFromPath, sourceFromPath } from './audio-paths.js'
import type { CallAudioSink, CallAudioSource, CallMediaInput, CallMediaOptions } from './audio-types.js'

const isPath = (value: unknown): value is string => typeof value === 'string' && value.length > 0

const source = z.custom<CallAudioSource | string>(
  (value) =>
    isPath(value) ||
    (value !== null && typeof value === 'object' && typeof (value as Partial<CallAudioSource>)[Symbol.asyncIterator] === 'function'),
  'source must be a file path or an async iterable of Int16Array frames',
)
const sink = z.custom<CallAudioSink | string>(
  (value) => isPath(value) || (value !== null && typeof value === 'object' && typeof (value as Partial<CallAudioSink>).write === 'function'),
  'sink must be a file path or have a write(frame) method',
)

const mediaSchema = z.object({ source: source.optional(), sink: sink.optional() })

/** Checks one `source` argument (`call.play()`) and turns a path into a `FileSource`. */
export function resolveSource(value: unknown): CallAudioSource {
  return openMedia(checkMediaInput({ source: value }, true)).source!
}

/** Checks one `sink` argument (`call.record()`) and turns a path into a file sink. */
export function resolveSink(value: unknown): CallAudioSink {
  return openMedia(checkMediaInput({ sink: value }, true)).sink!
}

/**
 * Checks `source`/`sink` before a call starts, so a wrong value fails here and not deep
 * inside the media pump. Opens nothing.
 */
export function checkMediaInput(options: unknown, hasEngine: boolean): CallMediaInput {
  const parsed = mediaSchema.safeParse(options ?? {})
  if (!parsed.success) {
    throw new CallOptionsError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '))
  }
  if ((parsed.data.source !== undefined || parsed.data.sink !== undefined) && !hasEngine) {
    throw new CallOptionsError('source/sink need a media engine: this CallManager was created with `engine: null`')
  }
  return parsed.data
}

/** Opens file paths (checked by `checkMediaInput`) as file sources and sinks. */
export function openMedia(input: CallMediaInput): CallMediaOptions {
  return {
    source: typeof input.source === 'string' ? sourceFromPath(input.source) : input.source,
    sink: typeof input.sink === 'string' ? sinkFromPath(input.sink) : input.sink,
  }
}
