import { z } from 'zod'

import { CallOptionsError } from '../errors.js'
import type { CallAudioSink, CallAudioSource, CallMediaOptions } from './audio-types.js'

const source = z.custom<CallAudioSource>(
  (value) => value !== null && typeof value === 'object' && typeof (value as Partial<CallAudioSource>)[Symbol.asyncIterator] === 'function',
  'source must be an async iterable of Int16Array frames',
)
const sink = z.custom<CallAudioSink>(
  (value) => value !== null && typeof value === 'object' && typeof (value as Partial<CallAudioSink>).write === 'function',
  'sink must have a write(frame) method',
)

const mediaSchema = z.object({ source: source.optional(), sink: sink.optional() })

/**
 * Checks `source`/`sink` before a call starts: a wrong value (e.g. a file path string, which
 * is iterable character by character) must fail here, not deep inside the media pump.
 */
export function validateMediaOptions(options: unknown, hasEngine: boolean): CallMediaOptions {
  const parsed = mediaSchema.safeParse(options ?? {})
  if (!parsed.success) {
    throw new CallOptionsError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '))
  }
  if ((parsed.data.source || parsed.data.sink) && !hasEngine) {
    throw new CallOptionsError('source/sink need a media engine: pass `engine` to CallManager/callsPlugin')
  }
  return parsed.data
}
