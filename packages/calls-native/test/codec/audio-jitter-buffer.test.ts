/** AudioJitterBuffer: RTP-timestamped Opus in, paced 960-sample frames out, with FEC and PLC under loss. */
import { describe, expect, it } from 'vitest'

import { AudioJitterBuffer, CodecClosedError, InvalidArgumentError, OpusEncoder } from '../../src/codec/index.js'
import { loadProtocolInternal } from '../../src/internal/protocol-internal.js'
import { audibleShare, concat, dominantFrequency, rms, SineGenerator } from '../helpers/audio.js'

/** Deterministic uniform numbers in [0, 1). */
function seeded(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0
    return state / 2 ** 32
  }
}

interface Stream {
  packets: Uint8Array[]
  /** Samples per packet. */
  duration: number
}

/**
 * Plays `stream` through a jitter buffer on a virtual clock: packet i leaves at its
 * media time, arrives 5..25 ms later unless `lost(i)`, and frames are pulled every 20 ms.
 */
function playThrough(stream: Stream, lost: (i: number) => boolean, jitter = new AudioJitterBuffer()): Int16Array[] {
  const random = seeded(7)
  const arrivals = stream.packets
    .map((packet, i) => ({ packet, i, at: (i * stream.duration) / 48 + 5 + 20 * random() }))
    .filter(({ i }) => !lost(i))
    .sort((a, b) => a.at - b.at)
  const out: Int16Array[] = []
  const end = (stream.packets.length * stream.duration) / 48 + 300
  let next = 0
  for (let now = 0; now <= end; now += 20) {
    while (next < arrivals.length && arrivals[next]!.at <= now) {
      const { packet, i } = arrivals[next++]!
      jitter.push(1000 + i * stream.duration, packet, now)
    }
    out.push(...jitter.pull(now))
  }
  return out
}

function toneStream(hz: number, packets: number, packetLossPercent = 10): Stream {
  const encoder = new OpusEncoder({ packetLossPercent })
  const tone = new SineGenerator(hz)
  return { packets: Array.from({ length: packets }, () => encoder.encode(tone.next(960))), duration: 960 }
}

describe('AudioJitterBuffer', () => {
  it('plays a 440 Hz tone out as one 960-sample frame per 20 ms', () => {
    using jitter = new AudioJitterBuffer()
    const frames = playThrough(toneStream(440, 150), () => false, jitter)
    expect(frames.every((f) => f.length === 960)).toBe(true)
    // 3.3 s of pulls (166 frame times): the output clock neither stalls nor races; the
    // switch from silence to playout may skip a frame or two to land on the playout grid.
    expect(frames.length).toBeGreaterThanOrEqual(162)
    expect(frames.length).toBeLessThanOrEqual(168)
    const pcm = concat(frames)
    expect(Math.abs(dominantFrequency(pcm.subarray(48000 * 0.5, 48000 * 2.5)) - 440)).toBeLessThanOrEqual(2)
    const stats = jitter.stats()
    expect(stats.framesPrimary).toBeGreaterThanOrEqual(145)
    expect(stats.framesSilence).toBeGreaterThan(0)
    expect(stats.packetMs).toBe(20)
  })

  it('keeps at least 90 % of frames audible at 15 % loss, recovering with in-band FEC', () => {
    const random = seeded(42)
    const dropped = new Set(Array.from({ length: 250 }, (_, i) => i).filter(() => random() < 0.15))
    using jitter = new AudioJitterBuffer()
    const frames = playThrough(toneStream(660, 250, 15), (i) => dropped.has(i), jitter)
    const speech = frames.slice(0, -15) // the tail after the last packet is silence by design
    expect(audibleShare(speech)).toBeGreaterThanOrEqual(0.9)
    const stats = jitter.stats()
    expect(stats.framesInbandFec).toBeGreaterThan(dropped.size / 3)
    expect(Math.abs(dominantFrequency(concat(speech).subarray(48000)) - 660)).toBeLessThanOrEqual(2)
  })

  it('follows 60 ms packets, as tgcalls sends them', () => {
    const legacy = new (loadProtocolInternal().OpusEncoder)({ bitrate: 24000 })
    const tone = new SineGenerator(440)
    const stream = { packets: Array.from({ length: 50 }, () => legacy.encode(tone.next(2880))), duration: 2880 }
    using jitter = new AudioJitterBuffer()
    const frames = playThrough(stream, () => false, jitter)
    expect(jitter.stats().packetMs).toBe(60)
    expect(Math.abs(dominantFrequency(concat(frames).subarray(48000, 48000 * 2.5)) - 440)).toBeLessThanOrEqual(2)
  })

  it('drops what is not Opus, goes silent at once for a muted peer, and rejects bad arguments', () => {
    using jitter = new AudioJitterBuffer()
    const { packets } = toneStream(440, 50)
    for (let i = 0; i < 30; i++) jitter.push(i * 960, packets[i]!, i * 20)
    jitter.push(30 * 960, new Uint8Array([0xff, 0xff, 0xff]), 600)
    expect(jitter.stats().packetsInvalid).toBe(1)
    expect(rms(concat(jitter.pull(600)))).toBeGreaterThan(1000)
    jitter.setPeerMuted(true)
    for (let i = 31; i < 50; i++) jitter.push(i * 960, packets[i]!, i * 20)
    const muted = jitter.pull(1000)
    expect(muted.length).toBeGreaterThan(0)
    expect(muted.every((f) => rms(f) === 0)).toBe(true)
    expect(() => jitter.push(-1, packets[0]!)).toThrow(InvalidArgumentError)
    expect(() => jitter.push(2 ** 32, packets[0]!)).toThrow(InvalidArgumentError)
    expect(() => jitter.push(0, new Uint8Array(0))).toThrow(InvalidArgumentError)
    expect(() => new AudioJitterBuffer({ initialDelayMs: 500, maxDelayMs: 100 })).toThrow(InvalidArgumentError)
    jitter.close()
    expect(() => jitter.pull()).toThrow(CodecClosedError)
  })
})
