/**
 * Dominant-frequency estimation for decoded PCM: a radix-2 FFT over a Hann-windowed block
 * finds the peak bin, then a Goertzel scan at 0.05 Hz steps over the whole signal refines
 * it well below the ±2 Hz tolerance.
 */
const SAMPLE_RATE = 48_000

function fftMagnitudes(samples: Float64Array): Float64Array {
  const n = samples.length
  const re = Float64Array.from(samples)
  const im = new Float64Array(n)
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1
    for (; j & bit; bit >>= 1) j ^= bit
    j ^= bit
    if (i < j) {
      ;[re[i], re[j]] = [re[j]!, re[i]!]
    }
  }
  for (let size = 2; size <= n; size <<= 1) {
    const angle = (-2 * Math.PI) / size
    for (let start = 0; start < n; start += size) {
      for (let k = 0; k < size / 2; k++) {
        const wr = Math.cos(angle * k)
        const wi = Math.sin(angle * k)
        const a = start + k
        const b = a + size / 2
        const tr = re[b]! * wr - im[b]! * wi
        const ti = re[b]! * wi + im[b]! * wr
        re[b] = re[a]! - tr
        im[b] = im[a]! - ti
        re[a] = re[a]! + tr
        im[a] = im[a]! + ti
      }
    }
  }
  const magnitudes = new Float64Array(n / 2)
  for (let k = 0; k < n / 2; k++) magnitudes[k] = Math.hypot(re[k]!, im[k]!)
  return magnitudes
}

function goertzelPower(pcm: Int16Array, hz: number): number {
  const coefficient = 2 * Math.cos((2 * Math.PI * hz) / SAMPLE_RATE)
  let s1 = 0
  let s2 = 0
  for (let i = 0; i < pcm.length; i++) {
    const s0 = pcm[i]! + coefficient * s1 - s2
    s2 = s1
    s1 = s0
  }
  return s1 * s1 + s2 * s2 - coefficient * s1 * s2
}

/** The strongest frequency in `pcm` (Hz), searched above `minHz`. */
export function dominantFrequency(pcm: Int16Array, minHz = 50): number {
  const size = Math.min(32_768, 1 << Math.floor(Math.log2(pcm.length)))
  const offset = Math.floor((pcm.length - size) / 2)
  const block = new Float64Array(size)
  for (let i = 0; i < size; i++) {
    block[i] = pcm[offset + i]! * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (size - 1)))
  }
  const magnitudes = fftMagnitudes(block)
  const binHz = SAMPLE_RATE / size
  let peak = Math.ceil(minHz / binHz)
  for (let k = peak; k < magnitudes.length; k++) if (magnitudes[k]! > magnitudes[peak]!) peak = k
  let best = peak * binHz
  let bestPower = -1
  for (let hz = (peak - 1.5) * binHz; hz <= (peak + 1.5) * binHz; hz += 0.05) {
    const power = goertzelPower(pcm, hz)
    if (power > bestPower) {
      bestPower = power
      best = hz
    }
  }
  return best
}

export function rms(pcm: Int16Array): number {
  let sum = 0
  for (let i = 0; i < pcm.length; i++) sum += pcm[i]! * pcm[i]!
  return pcm.length === 0 ? 0 : Math.sqrt(sum / pcm.length)
}

/** Samples [startS, stopS) of a 48 kHz stream (stopS null = to the end). */
export function slice(pcm: Int16Array, startS: number, stopS: number | null): Int16Array {
  const start = Math.max(0, Math.round(startS * SAMPLE_RATE))
  const stop = stopS === null ? pcm.length : Math.min(pcm.length, Math.round(stopS * SAMPLE_RATE))
  return pcm.subarray(start, Math.max(start, stop))
}
