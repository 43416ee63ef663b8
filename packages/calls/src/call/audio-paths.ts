import { extname } from 'node:path'

import { FileSink, FileSource, RawFileSink, WavFileSink } from '@tgvoip/calls-audio'

import type { CallAudioSink, CallAudioSource } from './audio-types.js'

/**
 * A string source is a file path or URL that ffmpeg decodes (`FileSource`), so
 * `call('@user', 'music.mp3')` just works.
 */
export function sourceFromPath(path: string): CallAudioSource {
  return new FileSource(path)
}

/**
 * A string sink is a file to record into, chosen by extension: `.wav` is written in
 * TypeScript (crash-safe `WavFileSink`), `.raw`/`.pcm` is headerless s16le, anything
 * else (`.mp3`, `.ogg`, ...) is encoded by ffmpeg (`FileSink`).
 */
export function sinkFromPath(path: string): CallAudioSink {
  switch (extname(path).toLowerCase()) {
    case '.wav':
      return new WavFileSink(path)
    case '.raw':
    case '.pcm':
      return new RawFileSink(path)
    default:
      return new FileSink(path)
  }
}
