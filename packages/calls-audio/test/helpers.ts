import { execFile } from 'node:child_process'
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, expect, onTestFinished } from 'vitest'
import { BaseSource, FRAME_SAMPLES, type AudioSource } from '../src/index.js'

const run = promisify(execFile)

/** Pulls up to `maxFrames` frames and returns them joined, checking every frame's size. */
export async function collect(source: AudioSource, maxFrames = Number.POSITIVE_INFINITY): Promise<Int16Array> {
  const frames: Int16Array[] = []
  for await (const frame of source) {
    if (frame.length !== FRAME_SAMPLES) throw new Error(`frame of ${frame.length} samples`)
    frames.push(frame)
    if (frames.length >= maxFrames) break
  }
  const joined = new Int16Array(frames.length * FRAME_SAMPLES)
  frames.forEach((frame, index) => joined.set(frame, index * FRAME_SAMPLES))
  return joined
}

/** A temporary directory removed after the test that made it, or after the file when made at file level. */
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'calls-audio-'))
  const remove = () => rm(dir, { recursive: true, force: true })
  // afterAll registered from inside a running test never runs: the folder would be left behind.
  if (expect.getState().currentTestName !== undefined) onTestFinished(remove)
  else afterAll(remove)
  return dir
}

/** Runs ffmpeg (from PATH) to make fixtures; quiet unless it fails. */
export async function ffmpeg(...args: string[]): Promise<void> {
  await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', ...args])
}

/** ffmpeg's lavfi sine generator as an input: `frequency` Hz for `seconds`. */
export function sineInput(frequency: number, seconds: number, sampleRate = 48_000): string[] {
  return ['-f', 'lavfi', '-i', `sine=frequency=${frequency}:duration=${seconds}:sample_rate=${sampleRate}`]
}

/**
 * ffmpeg children of this process, running or zombie (killed but not reaped), read from
 * /proc so the check needs no extra tools.
 */
export async function ffmpegChildren(): Promise<number[]> {
  const children: number[] = []
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '')
    // "pid (comm) state ppid …"; comm may contain spaces, so split after the last ')'.
    const commEnd = stat.lastIndexOf(')')
    const comm = stat.slice(stat.indexOf('(') + 1, commEnd)
    const ppid = Number(stat.slice(commEnd + 2).split(' ')[1])
    if (comm === 'ffmpeg' && ppid === process.pid) children.push(Number(entry))
  }
  return children
}

/** A test source yielding `frames` frames all filled with `value`, recording close(). */
export class ConstantSource extends BaseSource {
  framesYielded = 0
  closeCount = 0

  constructor(
    readonly value: number,
    private readonly frames: number,
  ) {
    super()
  }

  protected async *generate(): AsyncGenerator<Int16Array, void, undefined> {
    for (let i = 0; i < this.frames; i++) {
      this.framesYielded++
      yield new Int16Array(FRAME_SAMPLES).fill(this.value)
    }
  }

  protected override async release(): Promise<void> {
    this.closeCount++
  }
}

/** A source whose iteration fails with `error` after `frames` frames. */
export class FailingSource extends BaseSource {
  constructor(
    private readonly error: Error,
    private readonly frames = 0,
  ) {
    super()
  }

  protected async *generate(): AsyncGenerator<Int16Array, void, undefined> {
    for (let i = 0; i < this.frames; i++) yield new Int16Array(FRAME_SAMPLES)
    throw this.error
  }
}

/** Reference sine as s16 at 48 kHz. */
export function sine(frequency: number, samples: number, amplitude = 0.5, sampleRate = 48_000): Int16Array {
  const out = new Int16Array(samples)
  for (let i = 0; i < samples; i++) out[i] = Math.round(amplitude * 32767 * Math.sin((2 * Math.PI * frequency * i) / sampleRate))
  return out
}

/** Splits samples into contract frames (zero-padded). */
export function toFrames(samples: Int16Array): Int16Array[] {
  const frames: Int16Array[] = []
  for (let offset = 0; offset < samples.length; offset += FRAME_SAMPLES) {
    const frame = new Int16Array(FRAME_SAMPLES)
    frame.set(samples.subarray(offset, offset + FRAME_SAMPLES))
    frames.push(frame)
  }
  return frames
}
