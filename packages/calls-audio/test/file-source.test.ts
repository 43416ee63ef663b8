import { writeFile } from 'node:fs/promises'
import { createServer, type AddressInfo, type Socket } from 'node:net'
import { join } from 'node:path'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  AudioDecodeError,
  FRAME_SAMPLES,
  FfmpegNotFoundError,
  FileSource,
  ToneAnalyzer,
  analyzeTone,
  pipe,
} from '../src/index.js'
import { collect, ffmpeg, ffmpegChildren, sineInput, tempDir } from './helpers.js'

const dir = await tempDir()
const mp3 = join(dir, 'tone.mp3')
const ogg = join(dir, 'tone.ogg')
/** 0.4 s of 440 Hz then 0.4 s of 880 Hz, to check seeking and looping by frequency. */
const twoPart = join(dir, 'two-part.flac')
/** Long enough that ffmpeg is still writing (blocked on the pipe) after the first frame. */
const long = join(dir, 'long.wav')

beforeAll(async () => {
  await Promise.all([
    ffmpeg(...sineInput(1000, 1, 44_100), '-ac', '2', '-c:a', 'libmp3lame', '-b:a', '128k', mp3),
    ffmpeg(...sineInput(660, 1, 22_050), '-c:a', 'libvorbis', ogg),
    ffmpeg(...sineInput(440, 0.4), ...sineInput(880, 0.4), '-filter_complex', '[0][1]concat=n=2:v=0:a=1', twoPart),
    ffmpeg(...sineInput(300, 10), long),
  ])
})

afterEach(async () => {
  // Every test must leave no ffmpeg behind.
  expect(await ffmpegChildren()).toEqual([])
})

describe('FileSource', () => {
  it.each([
    ['MP3', () => mp3, 1000],
    ['OGG Vorbis', () => ogg, 660],
  ] as const)('decodes %s made by ffmpeg to the expected tone', async (_name, path, frequency) => {
    const analyzer = new ToneAnalyzer({ windowMs: 200 })
    const { frames } = await pipe(new FileSource(path()), analyzer)
    // 1 s of audio (encoders may add a few ms of padding).
    expect(frames).toBeGreaterThanOrEqual(50)
    expect(frames).toBeLessThanOrEqual(53)
    const steady = analyzer.results.slice(1, 4)
    for (const result of steady) {
      expect(Math.abs(result.frequency! - frequency)).toBeLessThan(1)
      expect(result.peaks[0]!.amplitude).toBeCloseTo(0.125, 1)
    }
  })

  it('seeks into the file', async () => {
    const samples = await collect(new FileSource(twoPart, { seekMs: 500 }))
    expect(samples.length).toBe(15 * FRAME_SAMPLES)
    expect(analyzeTone(samples.subarray(0, 9600)).frequency).toBeCloseTo(880, 0)
  })

  it('loops from the start until closed, without gaps at the seam', async () => {
    const source = new FileSource(twoPart, { loop: true })
    const samples = await collect(source, 100) // 2 s = 2.5 passes of 0.8 s
    expect(samples.length).toBe(100 * FRAME_SAMPLES)
    const at = (seconds: number) => analyzeTone(samples.subarray(seconds * 48_000, seconds * 48_000 + 9600)).frequency!
    expect(at(0.05)).toBeCloseTo(440, 0)
    expect(at(0.45)).toBeCloseTo(880, 0)
    expect(at(0.85)).toBeCloseTo(440, 0)
    expect(at(1.25)).toBeCloseTo(880, 0)
    expect(at(1.65)).toBeCloseTo(440, 0)
    expect(source.closed).toBe(true)
  })

  it('applies volume, also changed while playing', async () => {
    const source = new FileSource(ogg, { volume: 0.5 })
    const frames: Int16Array[] = []
    for await (const frame of source) {
      frames.push(frame)
      if (frames.length === 20) source.volume = 2
      if (frames.length === 40) break
    }
    const quiet = analyzeTone(Int16Array.from(frames.slice(5, 20).flatMap((frame) => [...frame])))
    const loud = analyzeTone(Int16Array.from(frames.slice(21, 40).flatMap((frame) => [...frame])))
    expect(quiet.peaks[0]!.amplitude).toBeCloseTo(0.0625, 2)
    expect(loud.peaks[0]!.amplitude).toBeCloseTo(0.25, 1)
  })

  it('kills ffmpeg when closed mid-stream', async () => {
    const source = new FileSource(long)
    const iterator = source[Symbol.asyncIterator]()
    await iterator.next()
    expect(await ffmpegChildren()).toHaveLength(1)
    await source.close()
    expect(await ffmpegChildren()).toEqual([])
    expect((await iterator.next()).done).toBe(true)
  })

  it('ends cleanly when closed while a read is pending', async () => {
    const source = new FileSource(long)
    const iterator = source[Symbol.asyncIterator]()
    const pending = iterator.next()
    await source.close()
    const result = await pending
    if (!result.done) expect(result.value).toHaveLength(FRAME_SAMPLES)
    expect((await iterator.next()).done).toBe(true)
  })

  it('does not start ffmpeg when closed before the first read completes', async () => {
    const source = new FileSource(long)
    const pending = source[Symbol.asyncIterator]().next()
    await source.close() // lands while the ffmpeg binary is still being looked up
    expect((await pending).done).toBe(true)
  })

  it('rejects a corrupt file with AudioDecodeError instead of hanging', async () => {
    const corrupt = join(dir, 'corrupt.mp3')
    await writeFile(corrupt, Buffer.alloc(4096, 0x5a))
    const error = await collect(new FileSource(corrupt)).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(AudioDecodeError)
    expect((error as Error).message).toContain('corrupt.mp3')
  })

  it('gives up on a URL whose server never answers', async () => {
    const sockets = new Set<Socket>()
    const server = createServer((socket) => void sockets.add(socket)) // accepts, then stays silent
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as AddressInfo
    try {
      const source = new FileSource(`http://127.0.0.1:${port}/stream.mp3`, { networkTimeoutMs: 300 })
      await expect(collect(source)).rejects.toBeInstanceOf(AudioDecodeError)
    } finally {
      for (const socket of sockets) socket.destroy()
      server.close()
    }
  })

  it('rejects a file without audio and a missing file with AudioDecodeError', async () => {
    const text = join(dir, 'notes.txt')
    await writeFile(text, 'hello')
    await expect(collect(new FileSource(text))).rejects.toBeInstanceOf(AudioDecodeError)
    await expect(collect(new FileSource(join(dir, 'nope.mp3')))).rejects.toBeInstanceOf(AudioDecodeError)
  })
})

describe('FileSource without ffmpeg', () => {
  it('throws FfmpegNotFoundError naming the package when PATH has no ffmpeg', async () => {
    const savedPath = process.env.PATH
    process.env.PATH = ''
    try {
      const error = await collect(new FileSource(mp3)).catch((caught: unknown) => caught)
      expect(error).toBeInstanceOf(FfmpegNotFoundError)
      expect((error as Error).message).toContain('apt-get install ffmpeg')
    } finally {
      process.env.PATH = savedPath
    }
  })

  it('throws FfmpegNotFoundError for an ffmpegPath that does not exist', async () => {
    const missing = join(dir, 'no-such-ffmpeg')
    const error = await collect(new FileSource(mp3, { ffmpegPath: missing })).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(FfmpegNotFoundError)
    expect((error as FfmpegNotFoundError).path).toBe(missing)
  })
})
