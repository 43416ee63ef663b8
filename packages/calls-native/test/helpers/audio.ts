/**
 * Audio checks shared by the engine and conformance tests. Frequency measurement is
 * @tgvoip/calls-audio's analyzeTone (accurate to ~0.01 Hz, far inside the tests' ±2 Hz);
 * what is here only adapts it to 48 kHz s16 test captures.
 */
import { analyzeTone } from '@tgvoip/calls-audio'

const SAMPLE_RATE = 48_000

/**
 * The strongest frequency in `pcm` (Hz) between `minHz` and `maxHz` (default: Nyquist).
 * NaN when `pcm` is silent, so every bound a test puts on it fails.
 */
export function dominantFrequency(pcm: Int16Array, minHz = 50, maxHz?: number): number {
  return analyzeTone(pcm, { sampleRate: SAMPLE_RATE, minHz, maxHz }).frequency ?? Number.NaN
}

/** RMS level in s16 units (0–32768), the scale the tests' thresholds are written in. */
export function rms(pcm: Int16Array): number {
  let sum = 0
  for (let i = 0; i < pcm.length; i++) sum += pcm[i]! * pcm[i]!
  return pcm.length === 0 ? 0 : Math.sqrt(sum / pcm.length)
}

/** Share of frames with audible content, counted from the first audible frame on. */
export function audibleShare(frames: readonly Int16Array[], threshold = 300): number {
  const loud = (frame: Int16Array): boolean => rms(frame) > threshold
  const first = frames.findIndex(loud)
  if (first < 0) return 0
  const after = frames.slice(first)
  return after.filter(loud).length / after.length
}

export function concat(frames: readonly Int16Array[]): Int16Array {
  const total = frames.reduce((n, f) => n + f.length, 0)
  const out = new Int16Array(total)
  let offset = 0
  for (const frame of frames) {
    out.set(frame, offset)
    offset += frame.length
  }
  return out
}

/** Samples [startS, stopS) of a 48 kHz stream (stopS null = to the end). */
export function slice(pcm: Int16Array, startS: number, stopS: number | null): Int16Array {
  const start = Math.max(0, Math.round(startS * SAMPLE_RATE))
  const stop = stopS === null ? pcm.length : Math.min(pcm.length, Math.round(stopS * SAMPLE_RATE))
  return pcm.subarray(start, Math.max(start, stop))
}

/**
 * A phase-continuous sine handed out synchronously, as many samples at a time as the
 * engine's send callback or writeAudio() asks for (calls-audio's ToneSource is an async
 * frame stream, which those synchronous call sites cannot pull from).
 */
export class SineGenerator {
  private phase = 0

  constructor(
    private readonly frequency: number,
    private readonly amplitude = 0.3,
  ) {}

  /** The next `samples` samples of the tone as s16. */
  next(samples: number): Int16Array {
    const out = new Int16Array(samples)
    const step = (2 * Math.PI * this.frequency) / SAMPLE_RATE
    for (let i = 0; i < samples; i++) {
      out[i] = Math.round(Math.sin(this.phase) * this.amplitude * 32767)
      this.phase += step
    }
    this.phase %= 2 * Math.PI
    return out
  }
}
