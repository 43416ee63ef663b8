/** Test audio: a phase-continuous sine source and a dominant-frequency estimator. */

export const SAMPLE_RATE = 48_000

export class ToneSource {
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

/** Goertzel power of `frequency` in `pcm`. */
export function goertzelPower(pcm: Int16Array, frequency: number): number {
  const coefficient = 2 * Math.cos((2 * Math.PI * frequency) / SAMPLE_RATE)
  let s1 = 0
  let s2 = 0
  for (let i = 0; i < pcm.length; i++) {
    const s0 = pcm[i]! + coefficient * s1 - s2
    s2 = s1
    s1 = s0
  }
  return s1 * s1 + s2 * s2 - coefficient * s1 * s2
}

/** The strongest frequency between `min` and `max` Hz: a coarse scan, then a fine one. */
export function dominantFrequency(pcm: Int16Array, min = 100, max = 4000): number {
  let best = min
  let bestPower = -1
  for (let f = min; f <= max; f += 5) {
    const power = goertzelPower(pcm, f)
    if (power > bestPower) {
      bestPower = power
      best = f
    }
  }
  const coarse = best
  for (let f = coarse - 5; f <= coarse + 5; f += 0.1) {
    const power = goertzelPower(pcm, f)
    if (power > bestPower) {
      bestPower = power
      best = f
    }
  }
  return best
}

export function rms(pcm: Int16Array): number {
  let sum = 0
  for (let i = 0; i < pcm.length; i++) sum += pcm[i]! * pcm[i]!
  return Math.sqrt(sum / Math.max(1, pcm.length))
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
