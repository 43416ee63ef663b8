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

/**
 * One second of the probe signal: 440 Hz and 1 kHz both complete whole cycles in a
 * second, so the signal repeats every 50 frames. Computed once per process, so feeding
 * many calls costs the bench a copy per frame rather than two sines per sample (which
 * would be counted as the library's CPU).
 */
let probeCycle: Int16Array | undefined

function computeProbeCycle(): Int16Array {
  const cycle = new Int16Array(BURST_EVERY_FRAMES * FRAME)
  let phaseLow = 0
  let phaseHigh = 0
  for (let frame = 0; frame < BURST_EVERY_FRAMES; frame++) {
    const inBurst = frame < BURST_FRAMES
    for (let i = 0; i < FRAME; i++) {
      let sample = Math.sin(phaseLow) * 0.05
      if (inBurst) sample += Math.sin(phaseHigh) * 0.6
      cycle[frame * FRAME + i] = Math.round(sample * 32767)
      phaseLow += (2 * Math.PI * 440) / SAMPLE_RATE
      phaseHigh += (2 * Math.PI * 1000) / SAMPLE_RATE
    }
    phaseLow %= 2 * Math.PI
    phaseHigh %= 2 * Math.PI
  }
  return cycle
}

export class ProbeSource {
  private frameIndex = 0
  /** Mouth time (ms, performance.now clock) of every burst onset written so far. */
  readonly onsets: number[] = []

  /** The next 20 ms frame, as a read-only view (callers copy it, e.g. into the ring). */
  nextFrame(writeTimeMs: number): Int16Array {
    probeCycle ??= computeProbeCycle()
    const index = this.frameIndex % BURST_EVERY_FRAMES
    if (index === 0) this.onsets.push(writeTimeMs - FRAME_MS)
    this.frameIndex++
    return probeCycle.subarray(index * FRAME, (index + 1) * FRAME)
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

/** What both engines' benches keep for one call end: its probes and when it came up. */
export interface ProbedEnd {
  source: ProbeSource
  sink: ProbeSink
  framesWritten: number
  establishedAt: number
}

/** One benchmark call: its two ends and its capture phase. */
export interface ProbedCall<End extends ProbedEnd> {
  /** Independent calls do not start capturing in the same millisecond: 0..55 ms. */
  phaseMs: number
  caller: End
  callee: End
}

/**
 * Starts writing every call end's probe in real time, caller and callee of a call 30 ms apart
 * and calls staggered by their phase; returns the ends (caller, callee, caller, ...) and a stop.
 */
export function feedCalls<End extends ProbedEnd>(
  calls: readonly ProbedCall<End>[],
  feed: (end: End, startedAt: number, now: number) => void,
): { ends: End[]; stop(): void } {
  const ends = calls.flatMap((c) => [c.caller, c.callee])
  const phases = calls.flatMap((c) => [c.phaseMs, (c.phaseMs + 30) % 60])
  const startedAt = performance.now()
  const timer = setInterval(() => {
    const now = performance.now()
    ends.forEach((end, i) => feed(end, startedAt + phases[i]!, now))
  }, 5)
  return { ends, stop: () => clearInterval(timer) }
}
