/**
 * Mouth-to-ear latency probe. The source is a real-time "microphone": a quiet 440 Hz
 * tone with a loud 1 kHz burst at the start of every second; each 20 ms frame is written
 * when it would have been captured, so a frame's first sample was "spoken" 20 ms before
 * its write. The sink notes when each received frame would start playing (frames handed
 * over together play one after another) and finds the burst onsets in the decoded audio.
 */
const SAMPLE_RATE = 48_000
const FRAME = 960
const FRAME_MS = 20
const BURST_EVERY_FRAMES = 50
const BURST_FRAMES = 10
const ONSET_THRESHOLD = 8000

export class ProbeSource {
  private phaseLow = 0
  private phaseHigh = 0
  private frameIndex = 0
  /** Mouth time (ms, performance.now clock) of every burst onset written so far. */
  readonly onsets: number[] = []

  nextFrame(writeTimeMs: number): Int16Array {
    const out = new Int16Array(FRAME)
    const inBurst = this.frameIndex % BURST_EVERY_FRAMES < BURST_FRAMES
    if (this.frameIndex % BURST_EVERY_FRAMES === 0) this.onsets.push(writeTimeMs - FRAME_MS)
    for (let i = 0; i < FRAME; i++) {
      let sample = Math.sin(this.phaseLow) * 0.05
      if (inBurst) sample += Math.sin(this.phaseHigh) * 0.6
      out[i] = Math.round(sample * 32767)
      this.phaseLow += (2 * Math.PI * 440) / SAMPLE_RATE
      this.phaseHigh += (2 * Math.PI * 1000) / SAMPLE_RATE
    }
    this.phaseLow %= 2 * Math.PI
    this.phaseHigh %= 2 * Math.PI
    this.frameIndex++
    return out
  }
}

export class ProbeSink {
  private lastArrival = -1e9
  private batchPosition = 0
  private loud = false
  private quietFrames = 0
  /** Ear times (ms) of detected onsets. */
  readonly onsets: number[] = []

  onFrame(frame: Int16Array, arrivalMs: number): void {
    this.batchPosition = arrivalMs - this.lastArrival < 1 ? this.batchPosition + 1 : 0
    this.lastArrival = arrivalMs
    const playStart = arrivalMs + this.batchPosition * FRAME_MS
    let first = -1
    for (let i = 0; i < frame.length; i++) {
      if (Math.abs(frame[i]!) > ONSET_THRESHOLD) {
        first = i
        break
      }
    }
    if (first < 0) {
      if (++this.quietFrames >= 5) this.loud = false
      return
    }
    this.quietFrames = 0
    if (this.loud) return
    this.loud = true
    this.onsets.push(playStart + (first / SAMPLE_RATE) * 1000)
  }
}

/** Pairs each ear onset with the latest mouth onset before it. */
export function latencies(mouth: readonly number[], ear: readonly number[]): number[] {
  const out: number[] = []
  for (const e of ear) {
    let best: number | undefined
    for (const m of mouth) if (m <= e && (best === undefined || m > best)) best = m
    if (best !== undefined && e - best < 900) out.push(e - best)
  }
  return out
}
