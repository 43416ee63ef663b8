import { checkSinkPath, checkSourcePath, sinkFromPath, sourceFromPath } from '@tgvoip/calls-audio'
import { z } from 'zod'

import { CallOptionsError } from '../errors.js'
import type { CallAudioSink, CallAudioSource, CallMediaInput, CallMediaOptions } from './audio-types.js'
import { networkOptionsShape, type CallNetworkOptions } from './network-options.js'

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

const callOptionsSchema = z.object({ source: source.optional(), sink: sink.optional(), ...networkOptionsShape })

/** What `call()` and `accept()` take for one call: its audio and its network settings. */
export type CallOptionsInput = CallMediaInput & CallNetworkOptions

/** Checks one `source` argument (`call.play()`), that a path can be played, and opens it. */
export function openSource(value: unknown): CallAudioSource {
  const checked = checkCallOptions({ source: value }, true)
  checkMediaPaths(checked)
  return openMedia(checked).source!
}

/** Checks one `sink` argument (`call.record()`), that a path can be recorded to, and opens it. */
export function openSink(value: unknown): CallAudioSink {
  const checked = checkCallOptions({ sink: value }, true)
  checkMediaPaths(checked)
  return openMedia(checked).sink!
}

/**
 * Checks the options of `call()`/`accept()` before a call starts, so a wrong value fails
 * here and not deep inside the media pump. Opens nothing.
 */
export function checkCallOptions(options: unknown, hasEngine: boolean): CallOptionsInput {
  const parsed = callOptionsSchema.safeParse(options ?? {})
  if (!parsed.success) {
    throw new CallOptionsError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '))
  }
  if ((parsed.data.source !== undefined || parsed.data.sink !== undefined) && !hasEngine) {
    throw new CallOptionsError('source/sink need a media engine: this CallManager was created with `engine: null`')
  }
  return parsed.data
}

/**
 * Checks that file paths can be opened (the file exists, the folder is writable, ffmpeg is
 * installed if needed), before the peer is rung or the call answered: a typo must not cost
 * the other person a call that dies as soon as they pick up. Synchronous, so `accept()`
 * claims the call at once. Throws `AudioDecodeError`, `AudioEncodeError` or
 * `FfmpegNotFoundError` from `@tgvoip/calls-audio`.
 */
export function checkMediaPaths(input: CallMediaInput): void {
  if (typeof input.source === 'string') checkSourcePath(input.source)
  if (typeof input.sink === 'string') checkSinkPath(input.sink)
}

/** Opens file paths (checked by `checkCallOptions`) as file sources and sinks. */
export function openMedia(input: CallMediaInput): CallMediaOptions {
  return {
    source: typeof input.source === 'string' ? sourceFromPath(input.source) : input.source,
    sink: typeof input.sink === 'string' ? sinkFromPath(input.sink) : input.sink,
  }
}
