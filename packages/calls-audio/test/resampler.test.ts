import { describe, expect, it } from 'vitest'
import { PcmConverter, Resampler, analyzeTone } from '../src/index.js'

function floatSine(frequency: number, rate: number, samples: number, amplitude = 0.5): Float32Array {
  const out = new Float32Array(samples)
  for (let i = 0; i < samples; i++) out[i] = amplitude * Math.sin((2 * Math.PI * frequency * i) / rate)
  return out
}

describe('Resampler', () => {
  it('converts 44.1 kHz to 48 kHz with the exact length and near-ideal samples', () => {
    const input = floatSine(1000, 44_100, 44_100)
    const resampler = new Resampler(44_100, 48_000)
    const head = resampler.push(input)
    const tail = resampler.flush()
    const output = new Float32Array(head.length + tail.length)
    output.set(head)
    output.set(tail, head.length)
    expect(output.length).toBe(48_000)
    const ideal = floatSine(1000, 48_000, 48_000)
    let maxError = 0
    // Away from the edges (where the input was cut) the result must match a true 48 kHz sine.
    for (let i = 200; i < 47_800; i++) maxError = Math.max(maxError, Math.abs(output[i]! - ideal[i]!))
    // Linear interpolation is off by ~1e-3 here; the windowed sinc stays far below.
    expect(maxError).toBeLessThan(1e-4)
  })

  it('gives the same output however the input is chunked', () => {
    const input = floatSine(440, 22_050, 10_000)
    const whole = new Resampler(22_050, 48_000)
    const expected = [...whole.push(input), ...whole.flush()]
    const chunked = new Resampler(22_050, 48_000)
    const actual: number[] = []
    for (let offset = 0, size = 1; offset < input.length; offset += size, size = (size * 7) % 997 || 1) {
      actual.push(...chunked.push(input.subarray(offset, offset + size)))
    }
    actual.push(...chunked.flush())
    expect(actual.length).toBe(expected.length)
    expect(actual).toEqual(expected)
  })

  it('removes content above the new Nyquist frequency when downsampling (no aliasing)', () => {
    // 30 kHz cannot exist at 48 kHz; linear decimation would fold it to 18 kHz.
    const alias = new Resampler(96_000, 48_000)
    const folded = [...alias.push(floatSine(30_000, 96_000, 96_000)), ...alias.flush()]
    const foldedRms = Math.sqrt(folded.slice(500, -500).reduce((sum, value) => sum + value * value, 0) / (folded.length - 1000))
    expect(foldedRms).toBeLessThan(1e-3)

    const pass = new Resampler(96_000, 48_000)
    const kept = Float32Array.from([...pass.push(floatSine(5_000, 96_000, 96_000)), ...pass.flush()])
    const analysis = analyzeTone(kept)
    expect(analysis.frequency).toBeCloseTo(5_000, 2)
    expect(analysis.rms).toBeCloseTo(0.5 / Math.SQRT2, 2)
  })
})

describe('PcmConverter', () => {
  it('down-mixes interleaved stereo by averaging the channels', () => {
    const converter = new PcmConverter({ sampleRate: 48_000, channels: 2, format: 's16le' })
    const bytes = new Uint8Array(8)
    const view = new DataView(bytes.buffer)
    view.setInt16(0, 1000, true)
    view.setInt16(2, 3000, true)
    view.setInt16(4, -2000, true)
    view.setInt16(6, 0, true)
    // Split inside a sample: the converter must keep the partial bytes.
    const first = converter.push(bytes.subarray(0, 5))
    const second = converter.push(bytes.subarray(5))
    expect([...first, ...second]).toEqual([2000, -1000])
  })
})
