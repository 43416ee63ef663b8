import { SAMPLE_RATE } from '../core/constants.js'

/**
 * Phase-continuous sine generator shared by tone and DTMF sources. The phase is derived
 * from an integer sample counter, so long tones do not drift in frequency.
 */
export class ToneSynth {
  private sampleIndex = 0
  private readonly peak: number

  constructor(
    private readonly frequencies: readonly number[],
    amplitude: number,
  ) {
    // Each sine gets an equal share so the sum never exceeds the requested amplitude.
    this.peak = (amplitude * 32767) / frequencies.length
  }

  /** Writes `count` samples into `target` starting at `offset`. */
  fill(target: Int16Array, offset: number, count: number): void {
    for (let i = 0; i < count; i++) {
      const t = (this.sampleIndex + i) / SAMPLE_RATE
      let value = 0
      for (const frequency of this.frequencies) value += Math.sin(2 * Math.PI * ((frequency * t) % 1))
      target[offset + i] = Math.round(value * this.peak)
    }
    this.sampleIndex += count
  }
}
