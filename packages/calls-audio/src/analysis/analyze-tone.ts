import { SAMPLE_RATE } from '../core/constants.js'
import { fft, nextPowerOfTwo } from './fft.js'

export interface TonePeak {
  /** Refined frequency in Hz (typically within 0.01 Hz for a clean tone of ≥ 100 ms). */
  frequency: number
  /** Estimated sine amplitude, 0–1 of full scale. */
  amplitude: number
}

export interface ToneAnalysis {
  /** RMS level, 0–1 of full scale. */
  rms: number
  /** RMS level in dBFS (-Infinity for digital silence). */
  dbfs: number
  /** Largest absolute sample, 0–1 of full scale. */
  peak: number
  /** The strongest frequency in Hz, or null when the signal is (near) silent. */
  frequency: number | null
  /** The strongest spectral peaks, loudest first (up to `peaks` of them). */
  peaks: TonePeak[]
  /** Duration analysed, in milliseconds. */
  durationMs: number
}

export interface AnalyzeToneOptions {
  sampleRate?: number
  /** Ignore spectral peaks below this frequency (default 20 Hz). */
  minHz?: number
  /** Ignore spectral peaks above this frequency (default: Nyquist). */
  maxHz?: number
  /** How many peaks to report (default 1; 2 for DTMF). */
  peaks?: number
}

/** Below this RMS (about -100 dBFS) there is no tone worth measuring. */
const SILENCE_RMS = 1e-5
/** Peaks weaker than this fraction of the strongest are noise or window side lobes. */
const MIN_RELATIVE_PEAK = 1e-3
const GOLDEN_SECTION_STEPS = 48

/**
 * Measures level and dominant frequencies. Finds peaks on a Hann-windowed FFT, then
 * refines each by maximising the exact windowed DTFT magnitude (Goertzel at arbitrary
 * frequency) with a golden-section search inside the peak's main lobe — accurate far
 * below the FFT bin width.
 */
export function analyzeTone(samples: Int16Array | Float32Array, options: AnalyzeToneOptions = {}): ToneAnalysis {
  const sampleRate = options.sampleRate ?? SAMPLE_RATE
  const minHz = options.minHz ?? 20
  const maxHz = options.maxHz ?? sampleRate / 2
  const wanted = options.peaks ?? 1
  const scale = samples instanceof Int16Array ? 1 / 32768 : 1
  const n = samples.length
  const durationMs = (n * 1000) / sampleRate

  let sum = 0
  let sumSquares = 0
  let peak = 0
  for (let i = 0; i < n; i++) {
    const value = samples[i]! * scale
    sum += value
    sumSquares += value * value
    peak = Math.max(peak, Math.abs(value))
  }
  const rms = n > 0 ? Math.sqrt(sumSquares / n) : 0
  const result: ToneAnalysis = { rms, dbfs: 20 * Math.log10(rms), peak, frequency: null, peaks: [], durationMs }
  if (n < 16 || rms < SILENCE_RMS) return result

  // Remove DC so it cannot leak into low frequencies, then apply a Hann window.
  const mean = sum / n
  const windowed = new Float64Array(n)
  let windowSum = 0
  for (let i = 0; i < n; i++) {
    const w = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (n - 1))
    windowed[i] = (samples[i]! * scale - mean) * w
    windowSum += w
  }

  const size = nextPowerOfTwo(n)
  const re = new Float64Array(size)
  const im = new Float64Array(size)
  re.set(windowed)
  fft(re, im)
  const binHz = sampleRate / size
  const magnitude = (bin: number) => Math.hypot(re[bin]!, im[bin]!)

  const candidates: number[] = []
  const firstBin = Math.max(1, Math.ceil(minHz / binHz))
  const lastBin = Math.min(size / 2 - 1, Math.floor(maxHz / binHz))
  for (let bin = firstBin; bin <= lastBin; bin++) {
    const value = magnitude(bin)
    if (value > magnitude(bin - 1) && value >= magnitude(bin + 1)) candidates.push(bin)
  }
  candidates.sort((a, b) => magnitude(b) - magnitude(a))
  const strongest = candidates.length > 0 ? magnitude(candidates[0]!) : 0
  // The Hann main lobe spans ±2 bins of the unpadded length; peaks closer are the same tone.
  const lobeHz = (2 * sampleRate) / n
  for (const bin of candidates) {
    if (result.peaks.length >= wanted || magnitude(bin) < strongest * MIN_RELATIVE_PEAK) break
    const coarse = bin * binHz
    if (result.peaks.some((found) => Math.abs(found.frequency - coarse) < lobeHz)) continue
    const frequency = refinePeak(windowed, sampleRate, coarse - lobeHz / 2, coarse + lobeHz / 2)
    const amplitude = (2 * dtftMagnitude(windowed, frequency, sampleRate)) / windowSum
    result.peaks.push({ frequency, amplitude })
  }
  result.frequency = result.peaks[0]?.frequency ?? null
  return result
}

/** Golden-section search for the maximum of the windowed DTFT magnitude in [low, high]. */
function refinePeak(windowed: Float64Array, sampleRate: number, low: number, high: number): number {
  const ratio = (Math.sqrt(5) - 1) / 2
  let a = Math.max(low, 0)
  let b = high
  let c = b - ratio * (b - a)
  let d = a + ratio * (b - a)
  let fc = dtftMagnitude(windowed, c, sampleRate)
  let fd = dtftMagnitude(windowed, d, sampleRate)
  for (let step = 0; step < GOLDEN_SECTION_STEPS; step++) {
    if (fc > fd) {
      b = d
      d = c
      fd = fc
      c = b - ratio * (b - a)
      fc = dtftMagnitude(windowed, c, sampleRate)
    } else {
      a = c
      c = d
      fc = fd
      d = a + ratio * (b - a)
      fd = dtftMagnitude(windowed, d, sampleRate)
    }
  }
  return (a + b) / 2
}

/** |X(f)| of the windowed signal via the Goertzel recurrence at an arbitrary frequency. */
function dtftMagnitude(windowed: Float64Array, frequency: number, sampleRate: number): number {
  const coefficient = 2 * Math.cos((2 * Math.PI * frequency) / sampleRate)
  let s1 = 0
  let s2 = 0
  for (let i = 0; i < windowed.length; i++) {
    const s0 = windowed[i]! + coefficient * s1 - s2
    s2 = s1
    s1 = s0
  }
  return Math.sqrt(Math.max(0, s1 * s1 + s2 * s2 - coefficient * s1 * s2))
}
