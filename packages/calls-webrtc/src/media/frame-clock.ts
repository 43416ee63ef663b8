/**
 * The transport's 20 ms clock: one timer drives both the send slots and the playout pulls.
 * It re-arms against absolute time so it does not drift, and when the event loop stalls it
 * reports the missed slots instead of bursting them out late.
 */
const FRAME_MS = 20
/** Slots run late in one go at most; beyond that they are reported as missed. */
const MAX_CATCH_UP = 5

export interface FrameClockHandlers {
  /** One 20 ms slot, in order. */
  slot(): void
  /** Slots that were due so long ago that running them now is pointless. */
  missed(slots: number): void
  /** After the slots of one wake-up, with the current time. */
  after(nowMs: number): void
}

export class FrameClock {
  private timer: NodeJS.Timeout | undefined
  private startedAt = 0
  private slotsDone = 0

  constructor(private readonly handlers: FrameClockHandlers) {}

  get running(): boolean {
    return this.timer !== undefined
  }

  start(): void {
    if (this.timer) return
    this.startedAt = performance.now()
    this.slotsDone = 0
    this.arm()
  }

  stop(): void {
    clearTimeout(this.timer)
    this.timer = undefined
  }

  private arm(): void {
    const next = this.startedAt + (this.slotsDone + 1) * FRAME_MS
    this.timer = setTimeout(() => this.wake(), Math.max(0, next - performance.now()))
  }

  private wake(): void {
    const now = performance.now()
    const due = Math.max(0, Math.floor((now - this.startedAt) / FRAME_MS) - this.slotsDone)
    this.slotsDone += due
    // Re-armed before the handlers run: a throwing 'frame' listener must not stop the clock.
    this.arm()
    const missed = Math.max(0, due - MAX_CATCH_UP)
    if (missed > 0) this.handlers.missed(missed)
    for (let i = missed; i < due; i++) this.handlers.slot()
    this.handlers.after(now)
  }
}
