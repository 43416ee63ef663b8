import { chmod, mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  AudioDecodeError,
  AudioEncodeError,
  AudioPlayer,
  FfmpegNotFoundError,
  FileSource,
  PcmStreamSource,
  checkSinkPath,
  checkSourcePath,
  sourceFromPath,
} from '../src/index.js'
import { collect, tempDir } from './helpers.js'

/** A .raw file whose frames are constant-valued: `values[i]` for frame i. */
async function rawFrames(path: string, values: number[]): Promise<string> {
  const samples = new Int16Array(values.length * 960)
  values.forEach((value, i) => samples.fill(value, i * 960, (i + 1) * 960))
  await writeFile(path, new Uint8Array(samples.buffer))
  return path
}

describe('paths', () => {
  it('.raw/.pcm/.s16 are read as s16le 48 kHz mono, anything else goes to ffmpeg', async () => {
    const dir = await tempDir()
    const raw = await rawFrames(join(dir, 'a.raw'), [5, 6])
    expect(sourceFromPath(raw)).toBeInstanceOf(PcmStreamSource)
    expect(sourceFromPath('x.S16')).toBeInstanceOf(PcmStreamSource)
    expect(sourceFromPath('song.flac')).toBeInstanceOf(FileSource)
    expect(sourceFromPath('https://example.com/stream.raw')).toBeInstanceOf(FileSource)
    const samples = await collect(sourceFromPath(raw))
    expect([samples[0], samples[960]]).toEqual([5, 6])
  })

  it('checkSourcePath: a readable file passes; missing files and folders are AudioDecodeError; no ffmpeg is FfmpegNotFoundError', async () => {
    const dir = await tempDir()
    const raw = await rawFrames(join(dir, 'ok.raw'), [1])
    expect(() => checkSourcePath(raw)).not.toThrow()
    expect(() => checkSourcePath(join(dir, 'missing.raw'))).toThrow(AudioDecodeError)
    expect(() => checkSourcePath(join(dir, 'missing.mp3'))).toThrow(/Cannot play .*missing\.mp3/)
    expect(() => checkSourcePath(dir)).toThrow(/not a regular file/)
    const path = process.env.PATH
    process.env.PATH = ''
    try {
      await writeFile(join(dir, 'ok.mp3'), 'x')
      expect(() => checkSourcePath(join(dir, 'ok.mp3'))).toThrow(FfmpegNotFoundError)
      expect(() => checkSourcePath(raw)).not.toThrow()
    } finally {
      process.env.PATH = path
    }
  })

  it('checkSinkPath: a writable folder passes; a missing or read-only folder, or a folder as the file, is AudioEncodeError', async () => {
    const dir = await tempDir()
    expect(() => checkSinkPath(join(dir, 'out.wav'))).not.toThrow()
    expect(() => checkSinkPath(join(dir, 'out.mp3'))).not.toThrow()
    expect(() => checkSinkPath(join(dir, 'nope', 'out.wav'))).toThrow(AudioEncodeError)
    expect(() => checkSinkPath(dir)).toThrow(/it is a folder/)
    const locked = join(dir, 'locked')
    await mkdir(locked)
    await chmod(locked, 0o500)
    // root ignores permissions: only check where they apply.
    if (process.getuid?.() !== 0) expect(() => checkSinkPath(join(locked, 'out.raw'))).toThrow(AudioEncodeError)
  })
})

describe('AudioPlayer with paths', () => {
  it('plays paths, reports a bad one with trackError and goes on with the next', async () => {
    const dir = await tempDir()
    const first = await rawFrames(join(dir, 'first.raw'), [1, 1])
    const last = await rawFrames(join(dir, 'last.raw'), [3])
    const player = new AudioPlayer()
    const errors: Error[] = []
    player.on('trackError', (error) => errors.push(error))
    player.enqueue(first, join(dir, 'missing.raw'), last)
    const iterator = player[Symbol.asyncIterator]()
    const values: number[] = []
    for (let i = 0; i < 4; i++) values.push((await iterator.next()).value![0]!)
    expect(values).toEqual([1, 1, 3, 0])
    expect(errors).toHaveLength(1)
    expect(errors[0]).toBeInstanceOf(AudioDecodeError)
    await player.close()
  })

  it('hold music takes a list: each item in turn, looped; a failing one is dropped from the rotation', async () => {
    const dir = await tempDir()
    const a = await rawFrames(join(dir, 'a.raw'), [7])
    const b = await rawFrames(join(dir, 'b.raw'), [8, 8])
    const errors: Error[] = []
    const player = new AudioPlayer({ holdMusic: [a, join(dir, 'gone.raw'), b] })
    player.on('trackError', (error) => errors.push(error))
    const iterator = player[Symbol.asyncIterator]()
    const values: number[] = []
    for (let i = 0; i < 7; i++) values.push((await iterator.next()).value![0]!)
    expect(values).toEqual([7, 8, 8, 7, 8, 8, 7])
    expect(errors).toHaveLength(1)
    await player.close()
  })
})
