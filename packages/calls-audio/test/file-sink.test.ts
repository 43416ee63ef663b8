import { stat } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { AudioEncodeError, FfmpegNotFoundError, FileSink, FileSource, ToneSource, analyzeTone, pipe } from '../src/index.js'
import { collect, ffmpegChildren, tempDir } from './helpers.js'

const dir = await tempDir()

afterEach(async () => {
  expect(await ffmpegChildren()).toEqual([])
})

describe('FileSink', () => {
  it.each(['mp3', 'ogg', 'opus', 'flac', 'm4a'])('records .%s that decodes back to the same tone', async (extension) => {
    const path = join(dir, `recording.${extension}`)
    await pipe(new ToneSource({ frequencies: 800, durationMs: 600 }), new FileSink(path))
    const samples = await collect(new FileSource(path))
    expect(samples.length / 48_000).toBeGreaterThan(0.55)
    const analysis = analyzeTone(samples.subarray(4800, 24_000))
    expect(Math.abs(analysis.frequency! - 800)).toBeLessThan(1)
    expect(analysis.peaks[0]!.amplitude).toBeCloseTo(0.5, 1)
  })

  it('honours codec and bitrate options', async () => {
    const low = join(dir, 'low.mp3')
    const high = join(dir, 'high.mp3')
    await pipe(new ToneSource({ frequencies: 500, durationMs: 2000 }), new FileSink(low, { bitrate: '32k' }))
    await pipe(new ToneSource({ frequencies: 500, durationMs: 2000 }), new FileSink(high, { bitrate: '192k', codec: 'libmp3lame' }))
    expect((await stat(high)).size).toBeGreaterThan(3 * (await stat(low)).size)
  })

  it('reports an output ffmpeg cannot write as AudioEncodeError', async () => {
    const sink = new FileSink(join(dir, 'recording.not-a-format'))
    const error = await pipe(new ToneSource({ frequencies: 500, durationMs: 200 }), sink).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(AudioEncodeError)
    expect(() => new FileSink(join(dir, 'no-extension'))).toThrow(AudioEncodeError)
  })

  it('reports a missing ffmpeg as FfmpegNotFoundError', async () => {
    const sink = new FileSink(join(dir, 'x.mp3'), { ffmpegPath: join(dir, 'missing-ffmpeg') })
    await expect(sink.write(new Int16Array(960))).rejects.toBeInstanceOf(FfmpegNotFoundError)
    await expect(sink.close()).rejects.toBeInstanceOf(FfmpegNotFoundError)
  })
})
