import { describe, expect, it } from 'vitest'
import {
  AudioOptionsError,
  DTMF_FREQUENCIES,
  DtmfSource,
  FRAME_SAMPLES,
  SilenceSource,
  SourceAlreadyIteratedError,
  ToneAnalyzer,
  ToneSource,
  analyzeTone,
  pipe,
} from '../src/index.js'
import { collect } from './helpers.js'

describe('ToneSource', () => {
  it.each([440, 1000, 2600.5, 7919])('produces %s Hz, measured within 0.05 Hz by ToneAnalyzer', async (frequency) => {
    const analyzer = new ToneAnalyzer({ windowMs: 500 })
    const { frames } = await pipe(new ToneSource({ frequencies: frequency, durationMs: 1000 }), analyzer)
    expect(frames).toBe(50)
    expect(analyzer.results).toHaveLength(2)
    for (const result of analyzer.results) {
      expect(Math.abs(result.frequency! - frequency)).toBeLessThan(0.05)
      // A sine of peak 0.5 has RMS 0.5/√2.
      expect(result.rms).toBeCloseTo(0.5 / Math.SQRT2, 3)
      expect(result.peak).toBeCloseTo(0.5, 2)
    }
  })

  it('mixes several frequencies within the requested amplitude', async () => {
    const samples = await collect(new ToneSource({ frequencies: [350, 440], amplitude: 0.8, durationMs: 400 }))
    const result = analyzeTone(samples, { peaks: 2 })
    const found = result.peaks.map((peak) => peak.frequency).sort((a, b) => a - b)
    expect(found[0]).toBeCloseTo(350, 1)
    expect(found[1]).toBeCloseTo(440, 1)
    expect(result.peaks[0]!.amplitude).toBeCloseTo(0.4, 2)
    expect(result.peak).toBeLessThanOrEqual(0.8 + 1e-4)
  })

  it('rounds the duration up to whole frames, padding with silence', async () => {
    const samples = await collect(new ToneSource({ frequencies: 1000, durationMs: 30 }))
    expect(samples.length).toBe(2 * FRAME_SAMPLES)
    expect(samples.subarray(1440).every((value) => value === 0)).toBe(true)
    expect(samples.subarray(1000, 1440).some((value) => value !== 0)).toBe(true)
  })

  it('is endless without a duration and stops on close()', async () => {
    const tone = new ToneSource({ frequencies: 440 })
    let count = 0
    for await (const frame of tone) {
      expect(frame).toHaveLength(FRAME_SAMPLES)
      if (++count === 500) await tone.close()
    }
    expect(count).toBe(500)
    expect(tone.closed).toBe(true)
  })

  it('is single-use and validates options', () => {
    const tone = new ToneSource({ frequencies: 440, durationMs: 20 })
    tone[Symbol.asyncIterator]()
    expect(() => tone[Symbol.asyncIterator]()).toThrow(SourceAlreadyIteratedError)
    expect(() => new ToneSource({ frequencies: 30_000 })).toThrow(AudioOptionsError)
    expect(() => new ToneSource({ frequencies: [] })).toThrow(AudioOptionsError)
    expect(() => new ToneSource({ frequencies: 440, amplitude: 2 })).toThrow(AudioOptionsError)
  })
})

describe('DtmfSource', () => {
  it('plays each key as its standard frequency pair with the requested timing', async () => {
    const digits = '159#*0D'
    const samples = await collect(new DtmfSource({ digits, toneMs: 100, gapMs: 60 }))
    const toneSamples = 4800
    const stride = toneSamples + 2880
    expect(samples.length).toBe(Math.ceil((digits.length * stride) / FRAME_SAMPLES) * FRAME_SAMPLES)
    for (const [index, key] of [...digits].entries()) {
      const start = index * stride
      const tone = analyzeTone(samples.subarray(start, start + toneSamples), { peaks: 2 })
      const measured = tone.peaks.map((peak) => peak.frequency).sort((a, b) => a - b)
      const [low, high] = DTMF_FREQUENCIES[key]!
      expect(Math.abs(measured[0]! - low)).toBeLessThan(1)
      expect(Math.abs(measured[1]! - high)).toBeLessThan(1)
      const gap = samples.subarray(start + toneSamples, start + stride)
      expect(gap.every((value) => value === 0)).toBe(true)
    }
  })

  it('turns a comma into a pause and accepts lowercase letters', async () => {
    const samples = await collect(new DtmfSource({ digits: '1,a', toneMs: 40, gapMs: 0, pauseMs: 200 }))
    expect(samples.length).toBe(Math.ceil((1920 + 9600 + 1920) / FRAME_SAMPLES) * FRAME_SAMPLES)
    expect(samples.subarray(1920, 1920 + 9600).every((value) => value === 0)).toBe(true)
    const last = analyzeTone(samples.subarray(11520, 13440), { peaks: 2 })
    expect(last.peaks.map((peak) => Math.round(peak.frequency)).sort()).toEqual([1633, 697])
  })

  it('rejects keys that are not on a keypad', () => {
    expect(() => new DtmfSource({ digits: '12x' })).toThrow(AudioOptionsError)
  })
})

describe('SilenceSource', () => {
  it('yields zero frames for the duration', async () => {
    const samples = await collect(new SilenceSource({ durationMs: 100 }))
    expect(samples.length).toBe(5 * FRAME_SAMPLES)
    expect(samples.every((value) => value === 0)).toBe(true)
    expect(analyzeTone(samples).frequency).toBeNull()
  })
})
