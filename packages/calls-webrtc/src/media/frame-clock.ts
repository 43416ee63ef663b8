/**
 * The transports' 20 ms clocks: one per transport drives both its send slots and its
 * playout pulls. Slots are counted against absolute time so they do not drift, and when the
 * event loop stalls the missed slots are reported instead of bursting out late.
 *
 * One timer serves every clock of the process, on one 20 ms grid: all calls' slots run in
 * the same turn of the event loop, so their frames reach the encoder thread pool as one
 * batch (`EncodeBatcher`) instead of one job per call, and 20 calls cost one timer, not 40.
 */
const FRAME_MS = 20
/** Slots run late in one go at most; beyond that they are reported as missed. */
const MAX_CATCH_UP = 5
const GRID_ORIGIN = performance.now()

/** The latest grid line at or before `now`. */
function gridLine(now: number): number {
  return GRID_ORIGIN + Math.floor((now - GRID_ORIGIN) / FRAME_MS) * FRAME_MS
}

export interface FrameClockHandlers {
  /** One 20 ms slot, in order. */
  slot(): void
  /** Slots that were due so long ago that running them now is pointless. */
  missed(slots: number): void
  /** After the slots of one wake-up, with the current time. */
  after(nowMs: number): void
}

/** The one timer behind every running FrameClock; it runs only while some clock does. */
class GridTicker {
  private readonly clocks = new Set<FrameClock>()
  private timer: NodeJS.Timeout | undefined

  add(clock: FrameClock): void {
    this.clocks.add(clock)
    if (!this.timer) this.arm()
  }

  remove(clock: FrameClock): void {
    this.clocks.delete(clock)
    if (this.clocks.size > 0) return
    clearTimeout(this.timer)
    this.timer = undefined
  }

  has(clock: FrameClock): boolean {
    return this.clocks.has(clock)
  }

  private arm(): void {
    const now = performance.now()
    this.timer = setTimeout(() => this.tick(), gridLine(now) + FRAME_MS - now)
  }

  private tick(): void {
    // Re-armed first, and each clock on its own: a throwing 'frame' listener stops neither
    // the grid nor the other calls (its error is rethrown once they all ran).
    this.arm()
    const now = performance.now()
    for (const clock of [...this.clocks]) {
      try {
        clock.wake(now)
      } catch (err) {
        queueMicrotask(() => {
          throw err
        })
      }
    }
  }
}

const ticker = new GridTicker()

export class FrameClock {
  private startedAt = 0
  private slotsDone = 0

  constructor(private readonly handlers: FrameClockHandlers) {}

  get running(): boolean {
    return ticker.has(this)
  }

  start(): void {
    if (this.running) return
    this.startedAt = gridLine(performance.now())
    this.slotsDone = 0
    ticker.add(this)
  }

  stop(): void {
    ticker.remove(this)
  }

  /** Called by the grid's timer: runs the slots due by `now`. */
  wake(now: number): void {
    if (!this.running) return
    const due = Math.max(0, Math.floor((now - this.startedAt) / FRAME_MS) - this.slotsDone)
    if (due === 0) return
    this.slotsDone += due
    const missed = Math.max(0, due - MAX_CATCH_UP)
    if (missed > 0) this.handlers.missed(missed)
    for (let i = missed; i < due; i++) this.handlers.slot()
    this.handlers.after(now)
  }
}
