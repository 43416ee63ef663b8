/** When each tone arrived: a sink that measures every 40 ms of received audio as it comes in. */
import { analyzeTone } from '@tgvoip/calls-audio'

const WINDOW_SAMPLES = 1920 // 40 ms: two frames, enough to tell tones 100+ Hz apart

export interface TimedTone {
  /** `performance.now()` when the window's last frame arrived. */
  at: number
  frequency: number | null
  dbfs: number
}

export class ToneTimeline {
  readonly windows: TimedTone[] = []
  private readonly buffer = new Int16Array(WINDOW_SAMPLES)
  private filled = 0

  write(frame: Int16Array): void {
    for (let offset = 0; offset < frame.length; ) {
      const take = Math.min(WINDOW_SAMPLES - this.filled, frame.length - offset)
      this.buffer.set(frame.subarray(offset, offset + take), this.filled)
      this.filled += take
      offset += take
      if (this.filled < WINDOW_SAMPLES) continue
      const { frequency, dbfs } = analyzeTone(this.buffer)
      this.windows.push({ at: performance.now(), frequency, dbfs })
      this.filled = 0
    }
  }

  /** When `hz` (±`toleranceHz`) was first heard after `since`, in two windows in a row; undefined if never. */
  firstHeard(hz: number, since: number, toleranceHz = 15): number | undefined {
    const matches = (w: TimedTone | undefined): boolean =>
      w !== undefined && w.dbfs > -40 && w.frequency !== null && Math.abs(w.frequency - hz) <= toleranceHz
    const after = this.windows.filter((w) => w.at >= since)
    const index = after.findIndex((w, i) => matches(w) && matches(after[i + 1]))
    return index < 0 ? undefined : after[index]!.at
  }

  /** Milliseconds of `hz` heard after `since` (40 ms per matching window). */
  heardMs(hz: number, since: number, toleranceHz = 15): number {
    return (
      this.windows.filter((w) => w.at >= since && w.dbfs > -40 && w.frequency !== null && Math.abs(w.frequency - hz) <= toleranceHz)
        .length * 40
    )
  }

  /**
   * Which of the `tones` were heard after `since`, in order, each listed once per run of at
   * least `minWindows` windows (40 ms each) within `toleranceHz` of it.
   */
  sequence(tones: readonly number[], since: number, minWindows = 3, toleranceHz = 15): number[] {
    const runs: number[] = []
    let current: number | undefined
    let length = 0
    for (const w of this.windows.filter((x) => x.at >= since)) {
      const hz = w.dbfs > -40 && w.frequency !== null ? tones.find((t) => Math.abs(t - w.frequency!) <= toleranceHz) : undefined
      if (hz !== undefined && hz === current) length++
      else {
        current = hz
        length = 1
      }
      if (length === minWindows && current !== undefined) runs.push(current)
    }
    return runs
  }
}
