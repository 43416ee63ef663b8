import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  AudioDecodeError,
  FRAME_SAMPLES,
  PcmStreamSource,
  Resampler,
  WavFileSink,
  WavFormatError,
  WavSource,
  analyzeTone,
  decodeWav,
  encodeWavHeader,
  pipe,
  type WavSampleFormat,
} from '../src/index.js'
import { collect, ffmpeg, sine, tempDir, toFrames } from './helpers.js'

const dir = await tempDir()

/** Every s16 value class: extremes, zero, small, and a tone. */
function testSignal(): Int16Array {
  const samples = sine(997, 10 * FRAME_SAMPLES, 0.9)
  samples.set([-32768, 32767, 0, -1, 1, 255, -256, 12345], 0)
  return samples
}

async function writeWav(path: string, frames: Int16Array[], options: ConstructorParameters<typeof WavFileSink>[1]) {
  const sink = new WavFileSink(path, options)
  for (const frame of frames) await sink.write(frame)
  await sink.close()
}

describe('WAV round trip', () => {
  const lossless: WavSampleFormat[] = ['s16le', 's24le', 's32le', 'f32le', 'f64le']

  it.each(lossless)('%s mono 48 kHz: WavFileSink → WavSource is sample-exact', async (format) => {
    const input = testSignal()
    const path = join(dir, `round-${format}.wav`)
    await writeWav(path, toFrames(input), { format })
    const decoded = decodeWav(await readFile(path))
    expect(decoded.header).toMatchObject({ format, channels: 1, sampleRate: 48_000, dataBytes: input.length * bytesOf(format) })
    expect(toS16(decoded.channels[0]!)).toEqual([...input])
    expect(await collect(new WavSource(path))).toEqual(input)
  })

  it.each(['u8', ...lossless] as WavSampleFormat[])('%s: the file WavFileSink writes is read by ffmpeg too', async (format) => {
    const input = testSignal().map((value) => (format === 'u8' ? Math.max(-32768, Math.min(32512, Math.round(value / 256) * 256)) : value))
    const path = join(dir, `for-ffmpeg-${format}.wav`)
    const raw = join(dir, `from-ffmpeg-${format}.raw`)
    await writeWav(path, toFrames(input), { format, channels: 2 })
    await ffmpeg('-i', path, '-af', 'pan=mono|c0=c0', '-f', 's16le', raw)
    expect(await collect(new PcmStreamSource(raw))).toEqual(input)
  })

  it('u8: exact for values representable in 8 bits, rounded otherwise', async () => {
    const input = testSignal().map((value) => Math.max(-32768, Math.min(32512, Math.round(value / 256) * 256)))
    const path = join(dir, 'round-u8.wav')
    await writeWav(path, toFrames(input), { format: 'u8' })
    expect(await collect(new WavSource(path))).toEqual(input)
  })

  it.each(lossless)('%s stereo: each channel carries the audio, read back down-mixed exactly', async (format) => {
    const input = testSignal()
    const path = join(dir, `stereo-${format}.wav`)
    await writeWav(path, toFrames(input), { format, channels: 2 })
    const decoded = decodeWav(await readFile(path))
    expect(decoded.channels).toHaveLength(2)
    expect(decoded.channels[0]).toEqual(decoded.channels[1])
    expect(toS16(decoded.channels[1]!)).toEqual([...input])
    expect(await collect(new WavSource(path))).toEqual(input)
  })

  it('44.1 kHz: the file holds exactly the resampled audio and reads back as the same tone', async () => {
    const input = sine(1234, 50 * FRAME_SAMPLES, 0.5)
    const path = join(dir, 'round-44k.wav')
    await writeWav(path, toFrames(input), { sampleRate: 44_100, channels: 2, format: 's24le' })
    const decoded = decodeWav(await readFile(path))
    expect(decoded.header.sampleRate).toBe(44_100)
    expect(decoded.channels[0]!.length).toBe(44_100)
    const reference = new Resampler(48_000, 44_100)
    const expected = [...reference.push(Float32Array.from(input, (value) => value / 32768)), ...reference.flush()]
    const actual = toS16(decoded.channels[0]!)
    expect(actual).toEqual(toS16(Float32Array.from(expected)))
    expect(analyzeTone(decoded.channels[0]!, { sampleRate: 44_100 }).frequency).toBeCloseTo(1234, 2)

    const back = await collect(new WavSource(path))
    expect(back.length).toBe(50 * FRAME_SAMPLES)
    const analysis = analyzeTone(back.subarray(500, -500))
    expect(analysis.frequency).toBeCloseTo(1234, 2)
    expect(analysis.rms).toBeCloseTo(0.5 / Math.SQRT2, 3)
    let maxError = 0
    for (let i = 500; i < back.length - 500; i++) maxError = Math.max(maxError, Math.abs(back[i]! - input[i]!))
    expect(maxError).toBeLessThan(10) // two band-limited conversions: a few LSB
  })
})

/** Float samples back to s16 numbers (with -0 normalised, which toEqual tells apart). */
function toS16(samples: Float32Array): number[] {
  return Array.from(samples, (value) => Math.round(value * 32768) || 0)
}

function bytesOf(format: WavSampleFormat): number {
  return { u8: 1, s16le: 2, s24le: 3, s32le: 4, f32le: 4, f64le: 8 }[format]
}

describe('WavSource on files written by ffmpeg', () => {
  const cases = [
    { codec: 'pcm_u8', rate: 48_000, channels: 1 },
    { codec: 'pcm_s16le', rate: 48_000, channels: 1 },
    { codec: 'pcm_s24le', rate: 48_000, channels: 1 },
    { codec: 'pcm_s32le', rate: 48_000, channels: 1 },
    { codec: 'pcm_f32le', rate: 48_000, channels: 1 },
    { codec: 'pcm_f64le', rate: 48_000, channels: 1 },
    { codec: 'pcm_s16le', rate: 44_100, channels: 2 },
    { codec: 'pcm_s24le', rate: 96_000, channels: 6 }, // ffmpeg writes WAVE_FORMAT_EXTENSIBLE here
    { codec: 'pcm_f32le', rate: 8_000, channels: 1 },
  ]

  it.each(cases)('$codec $rate Hz × $channels: decodes to the same 48 kHz mono tone', async ({ codec, rate, channels }) => {
    const path = join(dir, `ff-${codec}-${rate}-${channels}.wav`)
    // pan copies the tone into every channel (ffmpeg's own up-mix would attenuate or drop it).
    const pan = `pan=${channels}c|${Array.from({ length: channels }, (_, c) => `c${c}=c0`).join('|')}`
    await ffmpeg('-f', 'lavfi', '-i', `sine=frequency=600:duration=0.5:sample_rate=${rate}`, '-af', pan, '-c:a', codec, path)
    const source = new WavSource(path)
    const samples = await collect(source)
    expect(source.header).toMatchObject({ sampleRate: rate, channels })
    expect(samples.length).toBe(25 * FRAME_SAMPLES)
    const analysis = analyzeTone(samples.subarray(1000, 23_000))
    expect(Math.abs(analysis.frequency! - 600)).toBeLessThan(0.05)
    // ffmpeg's sine source has amplitude 1/8.
    expect(analysis.peaks[0]!.amplitude).toBeCloseTo(0.125, 2)
  })

  it('matches ffmpeg sample for sample when no resampling is involved', async () => {
    const wav = join(dir, 'ff-exact.wav')
    const raw = join(dir, 'ff-exact.raw')
    await ffmpeg('-f', 'lavfi', '-i', 'sine=frequency=440:duration=0.2:sample_rate=48000', '-af', 'pan=stereo|c0=c0|c1=c0', '-c:a', 'pcm_s16le', wav)
    await ffmpeg('-i', wav, '-af', 'pan=mono|c0=c0', '-f', 's16le', raw)
    const expected = await collect(new PcmStreamSource(raw))
    expect(await collect(new WavSource(wav))).toEqual(expected)
  })
})

describe('WAV parsing errors', () => {
  it('rejects non-WAV data with WavFormatError', async () => {
    const path = join(dir, 'not.wav')
    await writeFile(path, 'this is certainly not a RIFF file, just text')
    await expect(collect(new WavSource(path))).rejects.toBeInstanceOf(WavFormatError)
  })

  it('rejects compressed WAV encodings, pointing at FileSource', async () => {
    const path = join(dir, 'adpcm.wav')
    await ffmpeg('-f', 'lavfi', '-i', 'sine=duration=0.1', '-c:a', 'adpcm_ms', path)
    const error = await collect(new WavSource(path)).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(WavFormatError)
    expect((error as Error).message).toMatch(/FileSource/)
  })

  it('rejects a file cut inside its header', async () => {
    const header = encodeWavHeader('s16le', 1, 48_000, 0)
    await expect(collect(new WavSource(header.subarray(0, 30)))).rejects.toBeInstanceOf(WavFormatError)
  })

  it('reports a missing file as AudioDecodeError', async () => {
    await expect(collect(new WavSource(join(dir, 'missing.wav')))).rejects.toBeInstanceOf(AudioDecodeError)
  })

  it('reads a header with unfilled sizes (crashed naive writer) up to the end of the file', async () => {
    const samples = sine(500, 3 * FRAME_SAMPLES)
    const bytes = new Uint8Array(44 + samples.byteLength)
    bytes.set(encodeWavHeader('s16le', 1, 48_000, 0))
    bytes.set(new Uint8Array(samples.buffer), 44)
    expect(await collect(new WavSource(bytes))).toEqual(samples)
  })

  it('ignores metadata chunks before and after the samples', async () => {
    const samples = sine(500, FRAME_SAMPLES)
    const list = new Uint8Array([...'LIST'].map((c) => c.charCodeAt(0)).concat([3, 0, 0, 0, 1, 2, 3, 0]))
    const header = encodeWavHeader('s16le', 1, 48_000, samples.byteLength)
    const bytes = new Uint8Array([...header.subarray(0, 36), ...list, ...header.subarray(36), ...new Uint8Array(samples.buffer), ...list])
    expect(await collect(new WavSource(bytes))).toEqual(samples)
  })
})

describe('WavFileSink durability', () => {
  it('leaves a valid WAV when closed mid-stream', async () => {
    const path = join(dir, 'closed-mid-stream.wav')
    const sink = new WavFileSink(path)
    const tone = sine(700, 7 * FRAME_SAMPLES + 0)
    // Stop a live pipe halfway through an endless source.
    const controller = new AbortController()
    let written = 0
    const counting = { write: (frame: Int16Array) => (++written === 7 && controller.abort(), sink.write(frame)), close: () => sink.close() }
    await expect(pipe(new PcmStreamSource(new Uint8Array(tone.buffer)), counting)).resolves.toEqual({ frames: 7 })
    const decoded = decodeWav(await readFile(path))
    expect(decoded.header.dataBytes).toBe(tone.byteLength)
    expect(toS16(decoded.channels[0]!)).toEqual([...tone])
  })

  it('keeps the on-disk header consistent with the data after every flush', async () => {
    const path = join(dir, 'flushes.wav')
    const sink = new WavFileSink(path, { flushIntervalMs: 40 })
    // The file is opened asynchronously; a flush with nothing buffered waits for its header.
    await sink.flush()
    expect(decodeWav(await readFile(path)).header.dataBytes ?? 0).toBe(0)
    const frames = toFrames(sine(300, 9 * FRAME_SAMPLES))
    let previous = 0
    for (const [index, frame] of frames.entries()) {
      await sink.write(frame)
      const onDisk = await readFile(path)
      const decoded = decodeWav(onDisk)
      // Exactly the flushed frames are declared, and they are the ones written.
      expect(decoded.header.dataBytes ?? 0).toBe(sink.bytesWritten)
      expect(onDisk.length).toBe(44 + sink.bytesWritten)
      expect(sink.bytesWritten).toBeGreaterThanOrEqual(previous)
      previous = sink.bytesWritten
      if (index % 2 === 1) expect(sink.bytesWritten).toBe((index + 1) * FRAME_SAMPLES * 2)
    }
    await sink.close()
    expect(decodeWav(await readFile(path)).header.dataBytes).toBe(9 * FRAME_SAMPLES * 2)
  })
})
