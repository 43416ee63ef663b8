import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { PassThrough, Readable, Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import {
  AudioEncodeError,
  CallbackSink,
  FRAME_BYTES,
  FRAME_SAMPLES,
  LevelMeter,
  NullSink,
  PcmStreamSink,
  PcmStreamSource,
  RawFileSink,
  SinkClosedError,
  ToneSource,
  WavFileSink,
  WritableSink,
  analyzeTone,
  pipe,
  readableFromSource,
  writableFromSink,
  type Level,
} from '../src/index.js'
import { ConstantSource, collect, sine, tempDir } from './helpers.js'

const dir = await tempDir()

describe('simple sinks', () => {
  it('RawFileSink writes the exact s16le samples', async () => {
    const path = join(dir, 'raw.pcm')
    const tone = new ToneSource({ frequencies: 440, durationMs: 100 })
    const expected = await collect(new ToneSource({ frequencies: 440, durationMs: 100 }))
    await pipe(tone, new RawFileSink(path))
    const bytes = await readFile(path)
    expect(new Int16Array(bytes.buffer, bytes.byteOffset, bytes.length / 2)).toEqual(expected)
  })

  it('file sinks report an unwritable path as AudioEncodeError', async () => {
    const missingDir = join(dir, 'no', 'such', 'dir')
    const wav = new WavFileSink(join(missingDir, 'a.wav'))
    const raw = new RawFileSink(join(missingDir, 'a.pcm'))
    const frame = new Int16Array(FRAME_SAMPLES)
    await expect(Promise.resolve().then(() => wav.write(frame)).then(() => wav.close())).rejects.toBeInstanceOf(AudioEncodeError)
    await expect(Promise.resolve().then(() => raw.write(frame)).then(() => raw.close())).rejects.toBeInstanceOf(AudioEncodeError)
  })

  it('CallbackSink and NullSink receive every frame and refuse writes after close', async () => {
    const seen: number[] = []
    let closed = false
    const callback = new CallbackSink((frame) => void seen.push(frame[0]!), () => void (closed = true))
    await pipe(new ConstantSource(7, 3), callback)
    expect(seen).toEqual([7, 7, 7])
    expect(closed).toBe(true)
    expect(() => callback.write(new Int16Array(FRAME_SAMPLES))).toThrow(SinkClosedError)
    const nothing = new NullSink()
    await pipe(new ConstantSource(1, 12), nothing)
    expect(nothing.framesWritten).toBe(12)
  })

  it('LevelMeter reports RMS, dBFS and peak per interval', async () => {
    const meter = new LevelMeter({ intervalMs: 100 })
    const levels: Level[] = []
    meter.on('level', (level) => levels.push(level))
    await pipe(new ToneSource({ frequencies: 1000, amplitude: 0.25, durationMs: 300 }), meter)
    expect(levels).toHaveLength(3)
    for (const level of levels) {
      expect(level.rms).toBeCloseTo(0.25 / Math.SQRT2, 3)
      expect(level.dbfs).toBeCloseTo(20 * Math.log10(0.25 / Math.SQRT2), 1)
      expect(level.peak).toBeCloseTo(0.25, 2)
    }
    const silent = new LevelMeter()
    await pipe(new ConstantSource(0, 5), silent)
    expect(silent.level.dbfs).toBe(Number.NEGATIVE_INFINITY)
  })
})

describe('stream adapters', () => {
  it('PcmStreamSink exposes a Readable with backpressure', async () => {
    const sink = new PcmStreamSink({ bufferFrames: 2 })
    let writes = 0
    const writing = (async () => {
      for (let i = 0; i < 10; i++) {
        await sink.write(new Int16Array(FRAME_SAMPLES).fill(i))
        writes++
      }
      await sink.close()
    })()
    await new Promise((resolve) => setTimeout(resolve, 20))
    // Nobody reads yet: the writer must be held back near the buffer size.
    expect(writes).toBeLessThanOrEqual(3)
    const chunks: Buffer[] = []
    for await (const chunk of sink.stream) chunks.push(chunk as Buffer)
    await writing
    const all = Buffer.concat(chunks)
    expect(all.length).toBe(10 * FRAME_BYTES)
    expect(all.readInt16LE(9 * FRAME_BYTES)).toBe(9)
  })

  it('PcmStreamSink releases a waiting writer when the reader destroys the stream', async () => {
    const sink = new PcmStreamSink({ bufferFrames: 1 })
    const blocked = [sink.write(new Int16Array(FRAME_SAMPLES)), sink.write(new Int16Array(FRAME_SAMPLES))]
    expect(blocked.every((write) => write instanceof Promise)).toBe(true)
    sink.stream.destroy()
    await Promise.all(blocked)
    expect(() => sink.write(new Int16Array(FRAME_SAMPLES))).toThrow(SinkClosedError)
  })

  it('PcmStreamSource converts a stereo f32le 44.1 kHz stream split at odd byte offsets', async () => {
    const mono = sine(2000, 44_100 / 2, 0.5, 44_100)
    const bytes = Buffer.alloc(mono.length * 8)
    mono.forEach((value, index) => {
      bytes.writeFloatLE(value / 32768, index * 8)
      bytes.writeFloatLE(value / 32768, index * 8 + 4)
    })
    const chunks = [bytes.subarray(0, 7), bytes.subarray(7, 12_345), bytes.subarray(12_345)]
    const samples = await collect(new PcmStreamSource(Readable.from(chunks), { format: 'f32le', channels: 2, sampleRate: 44_100 }))
    expect(samples.length).toBe(25 * FRAME_SAMPLES)
    const analysis = analyzeTone(samples.subarray(500, 23_500))
    expect(analysis.frequency).toBeCloseTo(2000, 2)
    expect(analysis.peaks[0]!.amplitude).toBeCloseTo(0.5, 2)
  })

  it('readableFromSource → PcmStreamSource is lossless, and destroying the stream closes the source', async () => {
    const expected = await collect(new ToneSource({ frequencies: 440, durationMs: 200 }))
    const roundTrip = await collect(new PcmStreamSource(readableFromSource(new ToneSource({ frequencies: 440, durationMs: 200 }))))
    expect(roundTrip).toEqual(expected)

    const endless = new ConstantSource(3, Number.POSITIVE_INFINITY)
    const stream = readableFromSource(endless)
    for await (const chunk of stream) {
      expect((chunk as Buffer).readInt16LE(0)).toBe(3)
      break
    }
    await new Promise((resolve) => setImmediate(resolve))
    expect(endless.closeCount).toBe(1)
  })

  it('writableFromSink frames arbitrary chunks; WritableSink writes frames to a Writable', async () => {
    const received: Int16Array[] = []
    const writable = writableFromSink(new CallbackSink((frame) => void received.push(frame)))
    const bytes = Buffer.alloc(FRAME_BYTES * 2 + 100)
    for (let i = 0; i < bytes.length / 2; i++) bytes.writeInt16LE(i, i * 2)
    writable.write(bytes.subarray(0, 1001))
    writable.write(bytes.subarray(1001))
    await new Promise((resolve, reject) => writable.end((error?: Error | null) => (error ? reject(error) : resolve(undefined))))
    expect(received).toHaveLength(3)
    expect(received[1]![0]).toBe(FRAME_SAMPLES)
    expect(received[2]![49]).toBe(2 * FRAME_SAMPLES + 49)
    expect(received[2]![50]).toBe(0) // the partial last frame is padded

    const collected: Buffer[] = []
    const target = new PassThrough()
    target.on('data', (chunk: Buffer) => collected.push(chunk))
    await pipe(new ConstantSource(5, 4), new WritableSink(target))
    expect(Buffer.concat(collected).length).toBe(4 * FRAME_BYTES)
    expect(target.writableEnded).toBe(true)
  })

  it('WritableSink waits for a slow Writable (backpressure)', async () => {
    let pendingCallback: (() => void) | undefined
    const slow = new Writable({
      highWaterMark: 2 * FRAME_BYTES,
      write(_chunk, _encoding, callback) {
        pendingCallback = callback
      },
    })
    const sink = new WritableSink(slow)
    await sink.write(new Int16Array(FRAME_SAMPLES))
    let done = false
    const second = Promise.resolve(sink.write(new Int16Array(FRAME_SAMPLES))).then(() => (done = true))
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(done).toBe(false)
    pendingCallback?.()
    await new Promise((resolve) => setTimeout(resolve, 10))
    pendingCallback?.()
    await second
    expect(done).toBe(true)
  })
})
