/**
 * The benchmarks' mouth-to-ear probe: bursts are found after an Opus round trip, paired
 * with the burst that was spoken even when the latency exceeds the 200 ms between bursts,
 * and a frame that does not carry a burst's pitch yields no sample rather than a wrong one.
 */
import { describe, expect, it } from 'vitest'

import { OpusDecoder, OpusEncoder } from '../../src/codec/index.js'
import { identifyTone, latencies, ProbeSink, ProbeSource } from '../../bench/latency-probe.js'

const FRAME_MS = 20

/**
 * Frames `frames` of the probe through a 16 kbps Opus encoder and decoder, handing frame k
 * to the sink `delayMs(k)` after it was written; `drop(k)` replaces frame k with silence.
 */
function runProbe(frames: number, delayMs: (frame: number) => number, drop: (frame: number) => boolean = () => false) {
  const source = new ProbeSource()
  const sink = new ProbeSink()
  using encoder = new OpusEncoder({ bitrate: 16_000, packetLossPercent: 0 })
  using decoder = new OpusDecoder()
  for (let k = 0; k < frames; k++) {
    const writtenAt = 1000 + (k + 1) * FRAME_MS
    const decoded = decoder.decode(encoder.encode(source.nextFrame(writtenAt)))
    sink.onFrame(drop(k) ? new Int16Array(decoded.length) : decoded, writtenAt + delayMs(k))
  }
  return { source, sink }
}

describe('latency probe', () => {
  it('measures a latency longer than the gap between bursts, once per burst', () => {
    const { source, sink } = runProbe(250, () => 260)
    const measured = latencies(source.onsets, sink.onsets, 0)
    // Five bursts a second for five seconds.
    expect(source.onsets).toHaveLength(25)
    expect(measured).toHaveLength(25)
    // The frame's own 20 ms plus the codec's look-ahead (a few ms) on top of the delay.
    for (const ms of measured) {
      expect(ms).toBeGreaterThanOrEqual(280)
      expect(ms).toBeLessThan(292)
    }
  })

  it('follows a latency that jumps by more than the gap between bursts', () => {
    const { source, sink } = runProbe(250, (k) => (k < 125 ? 60 : 400))
    const measured = latencies(source.onsets, sink.onsets, 0)
    // Bursts start at frames 0, 10, ..., 240: 13 before the jump, 12 after it.
    expect(measured.filter((ms) => ms >= 80 && ms < 92)).toHaveLength(13)
    expect(measured.filter((ms) => ms >= 420 && ms < 432)).toHaveLength(12)
    expect(measured).toHaveLength(25)
  })

  it('skips an onset whose pitch is lost, and counts only ear onsets from the window on', () => {
    // Frame 21 is the second frame of the third burst: the one its pitch is read from.
    const { source, sink } = runProbe(100, () => 100, (k) => k === 21)
    expect(sink.onsets).toHaveLength(9)
    expect(sink.onsets.map((onset) => onset.tone)).toEqual([0, 1, 3, 4, 0, 1, 2, 3, 4])
    expect(latencies(source.onsets, sink.onsets, 0)).toHaveLength(9)
    const windowStart = sink.onsets[5]!.atMs
    expect(latencies(source.onsets, sink.onsets, windowStart)).toHaveLength(4)
  })

  it('recognises no pitch in the quiet background or in silence', () => {
    const source = new ProbeSource()
    const frames = Array.from({ length: 10 }, (_, k) => source.nextFrame(k * FRAME_MS))
    expect(frames.slice(0, 3).map(identifyTone)).toEqual([0, 0, 0])
    expect(frames.slice(3).map(identifyTone)).toEqual(Array(7).fill(-1))
    expect(identifyTone(new Int16Array(960))).toBe(-1)
  })
})
