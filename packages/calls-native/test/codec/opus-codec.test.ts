/** The public Opus encoder and decoder (@tgvoip/calls-native/codec): tone fidelity, FEC/PLC, typed errors, freeing. */
import { describe, expect, it } from 'vitest'

import {
  CodecClosedError,
  CorruptPacketError,
  InvalidArgumentError,
  OpusDecoder,
  OpusEncoder,
  OPUS_FRAME_SAMPLES,
} from '../../src/codec/index.js'
import { loadProtocolInternal } from '../../src/internal/protocol-internal.js'
import { concat, dominantFrequency, rms, SineGenerator } from '../helpers/audio.js'

function encodeTone(hz: number, frames: number, encoder = new OpusEncoder()): Uint8Array[] {
  const tone = new SineGenerator(hz)
  return Array.from({ length: frames }, () => encoder.encode(tone.next(OPUS_FRAME_SAMPLES)))
}

describe('OpusEncoder / OpusDecoder', () => {
  it('carries a 440 Hz tone in 20 ms packets (±2 Hz)', () => {
    using decoder = new OpusDecoder()
    const packets = encodeTone(440, 100)
    expect(OpusDecoder.packetSamples(packets[0]!)).toBe(960)
    const pcm = concat(packets.map((p) => decoder.decode(p)))
    expect(pcm.length).toBe(100 * 960)
    const steady = pcm.subarray(960 * 10)
    expect(Math.abs(dominantFrequency(steady) - 440)).toBeLessThanOrEqual(2)
    expect(rms(steady)).toBeGreaterThan(3000)
  })

  it('decodes other Opus durations, as tgcalls sends 60 ms packets', () => {
    const legacy = new (loadProtocolInternal().OpusEncoder)({ bitrate: 24000 })
    const tone = new SineGenerator(660)
    using decoder = new OpusDecoder()
    const pcm = concat(Array.from({ length: 20 }, () => decoder.decode(legacy.encode(tone.next(2880)))))
    expect(pcm.length).toBe(20 * 2880)
    expect(Math.abs(dominantFrequency(pcm.subarray(2880 * 4)) - 660)).toBeLessThanOrEqual(2)
  })

  it('rebuilds a lost packet from the next one (FEC) and conceals without one (PLC)', () => {
    const packets = encodeTone(440, 40, new OpusEncoder({ packetLossPercent: 20 }))
    using decoder = new OpusDecoder()
    for (const packet of packets.slice(0, 30)) decoder.decode(packet)
    const recovered = decoder.decodeFec(packets[31]!)
    expect(recovered.length).toBe(960)
    expect(rms(recovered)).toBeGreaterThan(1000)
    decoder.decode(packets[31]!)
    const concealed = decoder.conceal()
    expect(concealed.length).toBe(960)
    expect(rms(concealed)).toBeGreaterThan(500)
    expect(Math.abs(dominantFrequency(concealed, 300, 600) - 440)).toBeLessThan(25)
    expect(decoder.conceal(2880).length).toBe(2880)
  })

  it('rejects bad input with typed errors and keeps decoding afterwards', () => {
    using encoder = new OpusEncoder()
    using decoder = new OpusDecoder()
    expect(() => encoder.encode(new Int16Array(100))).toThrow(InvalidArgumentError)
    expect(() => encoder.encode(new Uint8Array(1920) as unknown as Int16Array)).toThrow(InvalidArgumentError)
    expect(() => new OpusEncoder({ bitrate: 10 })).toThrow(InvalidArgumentError)
    expect(() => new OpusEncoder({ packetLossPercent: 101 })).toThrow(InvalidArgumentError)
    expect(() => encoder.setBitrate(1.5)).toThrow(InvalidArgumentError)
    expect(() => decoder.decode(new Uint8Array([0xff, 0xff, 0xff]))).toThrow(CorruptPacketError)
    expect(() => decoder.decode(new Uint8Array(0))).toThrow(InvalidArgumentError)
    expect(() => decoder.decode('opus' as unknown as Uint8Array)).toThrow(InvalidArgumentError)
    expect(() => decoder.conceal(100)).toThrow(InvalidArgumentError)
    expect(() => decoder.decodeFec(new Uint8Array([1]), 9000)).toThrow(InvalidArgumentError)
    expect(() => OpusDecoder.packetSamples(new Uint8Array([0xff, 0xff, 0xff]))).toThrow(CorruptPacketError)
    const [packet] = encodeTone(440, 1, encoder)
    expect(decoder.decode(packet!).length).toBe(960)
  })

  it('encodeBatch() yields exactly what encode() does, per encoder and in order, off the JS thread', async () => {
    const tones = [new SineGenerator(440), new SineGenerator(660)]
    const sync = [new OpusEncoder(), new OpusEncoder({ bitrate: 16000 })]
    const pooled = [new OpusEncoder(), new OpusEncoder({ bitrate: 16000 })]
    const packets: Uint8Array[][] = [[], []]
    const expected: Uint8Array[][] = [[], []]
    for (let round = 0; round < 25; round++) {
      // Two frames of each encoder per batch: an encoder listed twice encodes in list order.
      const frames = [0, 1, 0, 1].map((k) => ({ k, pcm: Int16Array.from(tones[k]!.next(OPUS_FRAME_SAMPLES)) }))
      for (const { k, pcm } of frames) expected[k]!.push(sync[k]!.encode(pcm))
      const pending = OpusEncoder.encodeBatch(frames.map(({ k, pcm }) => ({ encoder: pooled[k]!, pcm })))
      for (const { pcm } of frames) pcm.fill(0) // copied: the caller may reuse its frames at once
      const results = await pending
      results.forEach((packet, i) => packets[frames[i]!.k]!.push(packet!))
    }
    const hex = (list: Uint8Array[]): string[] => list.map((p) => Buffer.from(p).toString('hex'))
    expect(hex(packets[0]!)).toEqual(hex(expected[0]!))
    expect(hex(packets[1]!)).toEqual(hex(expected[1]!))
    using decoder = new OpusDecoder()
    const pcm = concat(packets[1]!.map((p) => decoder.decode(p)))
    expect(Math.abs(dominantFrequency(pcm.subarray(960 * 10)) - 660)).toBeLessThanOrEqual(2)
    for (const encoder of [...sync, ...pooled]) encoder.close()
  })

  it('encodeBatch() rejects bad input with typed errors; a closed encoder gives undefined, one closed mid-job completes', async () => {
    const encoder = new OpusEncoder()
    const closed = new OpusEncoder()
    closed.close()
    const frame = new SineGenerator(440).next(OPUS_FRAME_SAMPLES)
    await expect(OpusEncoder.encodeBatch([{ encoder, pcm: new Int16Array(100) }])).rejects.toThrow(InvalidArgumentError)
    await expect(OpusEncoder.encodeBatch([{ encoder: {} as OpusEncoder, pcm: frame }])).rejects.toThrow(InvalidArgumentError)
    const inFlight = OpusEncoder.encodeBatch([
      { encoder: closed, pcm: frame },
      { encoder, pcm: frame },
    ])
    encoder.close()
    const [fromClosed, fromClosing] = await inFlight
    expect(fromClosed).toBeUndefined()
    expect(fromClosing!.length).toBeGreaterThan(0)
    expect(await OpusEncoder.encodeBatch([{ encoder, pcm: frame }])).toEqual([undefined])
  })

  it('close() frees the native state; use after close is a typed error', () => {
    const encoder = new OpusEncoder()
    const decoder = new OpusDecoder()
    encoder.close()
    encoder.close()
    decoder.close()
    expect(encoder.closed).toBe(true)
    expect(() => encoder.encode(new Int16Array(960))).toThrow(CodecClosedError)
    expect(() => decoder.conceal()).toThrow(CodecClosedError)
    // Without close() these would wait for garbage collection (a few MB of libopus state).
    const before = process.memoryUsage().rss
    for (let i = 0; i < 3000; i++) {
      new OpusEncoder().close()
      new OpusDecoder().close()
    }
    expect(process.memoryUsage().rss - before).toBeLessThan(32 * 1024 * 1024)
  })
})
