/**
 * Mouth-to-ear latency probe. The source is a real-time "microphone": a quiet 440 Hz
 * tone with a loud 60 ms burst every 200 ms; each 20 ms frame is written when it would
 * have been captured, so a frame's first sample was "spoken" 20 ms before its write. The
 * sink notes when each received frame would start playing (frames handed over together
 * play one after another) and finds the burst onsets in the decoded audio.
 *
 * Five bursts a second give each call end a sample every 200 ms: a 5 s window then holds
 * 25 per end, so an end's p95 is a percentile and not, as with one burst a second, the
 * largest of its five samples (and the bound over all ends a bound on the largest of
 * hundreds, which tightens with every call added). Bursts that close would be ambiguous
 * once the latency passes 200 ms, so each of the five has its own pitch, and an ear
 * onset is paired with the latest mouth onset of the same pitch: unambiguous up to 1 s.
 */
const SAMPLE_RATE = 48_000
const FRAME = 960
const FRAME_MS = 20
const BURST_EVERY_FRAMES = 10
const BURST_FRAMES = 3
/** The burst pitches, one per burst of a second: 24 to 88 zero crossings in a 20 ms frame. */
const BURST_TONES_HZ = [600, 1000, 1400, 1800, 2200] as const
const CYCLE_FRAMES = BURST_EVERY_FRAMES * BURST_TONES_HZ.length
const ONSET_THRESHOLD = 8000
/** A fifth of the bursts' amplitude (19,660): crossings count between +/- this, so codec noise near zero adds none. */
const CROSSING_HYSTERESIS = 4000
/** Further than this from every pitch's count of crossings, a frame is not a burst (e.g. concealment). */
const MAX_CROSSING_ERROR = 6
/** A pitch repeats every second: an ear onset later than this after its mouth onset cannot be paired safely. */
const MAX_LATENCY_MS = 900

/** A burst's start: when it was spoken (mouth) or would be heard (ear), and its pitch's index. */
export interface Onset {
  atMs: number
  tone: number
}

/**
 * One second of the probe signal: 440 Hz completes whole cycles in a second, and each burst
 * starts at phase 0, so the signal repeats every 50 frames. Computed once per process, so
 * feeding many calls costs the bench a copy per frame rather than sines per sample (which
 * would be counted as the library's CPU).
 */
let probeCycle: Int16Array | undefined

function computeProbeCycle(): Int16Array {
  const cycle = new Int16Array(CYCLE_FRAMES * FRAME)
  for (let i = 0; i < cycle.length; i++) {
    const frame = Math.floor(i / FRAME)
    const burst = Math.floor(frame / BURST_EVERY_FRAMES)
    let sample = Math.sin((2 * Math.PI * 440 * i) / SAMPLE_RATE) * 0.05
    if (frame % BURST_EVERY_FRAMES < BURST_FRAMES) {
      const sinceBurst = i - burst * BURST_EVERY_FRAMES * FRAME
      sample += Math.sin((2 * Math.PI * BURST_TONES_HZ[burst]! * sinceBurst) / SAMPLE_RATE) * 0.6
    }
    cycle[i] = Math.round(sample * 32767)
  }
  return cycle
}

/** Which burst pitch a frame from inside a burst carries, by its zero crossings; -1 if none fits. */
export function identifyTone(frame: Int16Array): number {
  let crossings = 0
  let sign = 0
  for (const sample of frame) {
    const side = sample > CROSSING_HYSTERESIS ? 1 : sample < -CROSSING_HYSTERESIS ? -1 : 0
    if (side === 0) continue
    if (sign !== 0 && side !== sign) crossings++
    sign = side
  }
  const errors = BURST_TONES_HZ.map((hz) => Math.abs(crossings - (2 * hz * FRAME) / SAMPLE_RATE))
  const best = errors.indexOf(Math.min(...errors))
  return errors[best]! <= MAX_CROSSING_ERROR ? best : -1
}

export class ProbeSource {
  private frameIndex = 0
  /** Mouth onsets (ms, performance.now clock) of every burst written so far. */
  readonly onsets: Onset[] = []

  /** The next 20 ms frame, as a read-only view (callers copy it, e.g. into the ring). */
  nextFrame(writeTimeMs: number): Int16Array {
    probeCycle ??= computeProbeCycle()
    const index = this.frameIndex % CYCLE_FRAMES
    if (index % BURST_EVERY_FRAMES === 0) this.onsets.push({ atMs: writeTimeMs - FRAME_MS, tone: index / BURST_EVERY_FRAMES })
    this.frameIndex++
    return probeCycle.subarray(index * FRAME, (index + 1) * FRAME)
  }
}

export class ProbeSink {
  private lastArrival = -1e9
  private batchPosition = 0
  private loud = false
  private quietFrames = 0
  /** An onset's ear time, until the next frame (wholly inside the burst) tells its pitch. */
  private pendingOnsetMs: number | undefined
  /** Ear onsets (ms) whose pitch was recognised. */
  readonly onsets: Onset[] = []

  onFrame(frame: Int16Array, arrivalMs: number): void {
    this.batchPosition = arrivalMs - this.lastArrival < 1 ? this.batchPosition + 1 : 0
    this.lastArrival = arrivalMs
    if (this.pendingOnsetMs !== undefined) {
      const tone = identifyTone(frame)
      if (tone >= 0) this.onsets.push({ atMs: this.pendingOnsetMs, tone })
      this.pendingOnsetMs = undefined
    }
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
    this.pendingOnsetMs = playStart + (first / SAMPLE_RATE) * 1000
  }
}

/** Pairs each ear onset from `sinceMs` on with the latest mouth onset of its pitch before it. */
export function latencies(mouth: readonly Onset[], ear: readonly Onset[], sinceMs: number): number[] {
  const out: number[] = []
  for (const e of ear) {
    if (e.atMs < sinceMs) continue
    let best: number | undefined
    for (const m of mouth) if (m.tone === e.tone && m.atMs <= e.atMs && (best === undefined || m.atMs > best)) best = m.atMs
    if (best !== undefined && e.atMs - best < MAX_LATENCY_MS) out.push(e.atMs - best)
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
