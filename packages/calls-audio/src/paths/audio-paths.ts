import { accessSync, constants, statSync } from 'node:fs'
import { dirname, extname, resolve } from 'node:path'
import { AudioDecodeError, AudioEncodeError } from '../core/errors.js'
import type { AudioSink, AudioSource } from '../core/types.js'
import { findFfmpegSync } from '../ffmpeg/find-ffmpeg.js'
import { FileSink } from '../sinks/file-sink.js'
import { RawFileSink } from '../sinks/raw-file-sink.js'
import { WavFileSink } from '../sinks/wav-file-sink.js'
import { FileSource, isFfmpegUrl } from '../sources/file-source.js'
import { PcmStreamSource } from '../sources/pcm-stream-source.js'

/**
 * Headerless s16le 48 kHz mono, the format pytgvoip reads and writes. ffmpeg cannot guess
 * it from the bytes, so these never go through ffmpeg.
 */
const RAW_EXTENSIONS = new Set(['.raw', '.pcm', '.s16'])

const isRaw = (path: string): boolean => RAW_EXTENSIONS.has(extname(path).toLowerCase())
const isWav = (path: string): boolean => extname(path).toLowerCase() === '.wav'

/**
 * A source for a file path or URL: `.raw`/`.pcm`/`.s16` is read as s16le 48 kHz mono
 * (`PcmStreamSource`), anything else is decoded by ffmpeg (`FileSource`). Nothing is
 * opened until the source is iterated; `checkSourcePath` tells early whether it can be.
 */
export function sourceFromPath(path: string): AudioSource {
  return isRaw(path) && !isFfmpegUrl(path) ? new PcmStreamSource(path) : new FileSource(path)
}

/**
 * A sink for a file path, by extension: `.wav` is written in TypeScript (crash-safe
 * `WavFileSink`), `.raw`/`.pcm`/`.s16` is headerless s16le, anything else (`.mp3`,
 * `.ogg`, ...) is encoded by ffmpeg (`FileSink`).
 */
export function sinkFromPath(path: string): AudioSink {
  if (isWav(path)) return new WavFileSink(path)
  if (isRaw(path)) return new RawFileSink(path)
  return new FileSink(path)
}

/**
 * Checks, without reading audio, that `sourceFromPath(path)` can be played: a local file
 * exists and is readable, and ffmpeg is installed when the path needs it. URLs are only
 * checked for ffmpeg (the network is tried when playing). Synchronous (a few `stat`s), so
 * a caller can check before it commits to anything. Throws `AudioDecodeError` or
 * `FfmpegNotFoundError`.
 */
export function checkSourcePath(path: string): void {
  const url = isFfmpegUrl(path)
  if (!url) {
    try {
      accessSync(path, constants.R_OK)
      if (!statSync(path).isFile()) throw new Error('not a regular file')
    } catch (error) {
      throw new AudioDecodeError(`Cannot play ${path}`, reason(error), { cause: error })
    }
  }
  if (url || !isRaw(path)) findFfmpegSync()
}

/**
 * Checks, without creating the file, that `sinkFromPath(path)` can record: the folder
 * exists and is writable, the path is not a folder, and ffmpeg is installed when the
 * extension needs it. Synchronous, like `checkSourcePath`. Throws `AudioEncodeError` or
 * `FfmpegNotFoundError`.
 */
export function checkSinkPath(path: string): void {
  const folder = dirname(resolve(path))
  try {
    if (!statSync(folder).isDirectory()) throw new Error(`${folder} is not a folder`)
    accessSync(folder, constants.W_OK)
    const existing = statSync(path, { throwIfNoEntry: false })
    if (existing?.isDirectory()) throw new Error('it is a folder')
    if (existing) accessSync(path, constants.W_OK)
  } catch (error) {
    throw new AudioEncodeError(`Cannot record to ${path}`, reason(error), { cause: error })
  }
  if (!isWav(path) && !isRaw(path)) findFfmpegSync()
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
