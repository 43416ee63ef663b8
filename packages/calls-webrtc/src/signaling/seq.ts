import { SignalingCounterExhaustedError, SignalingReplayError } from './errors.js'

/** Bit 31 of the seq word: the packet holds exactly this one record (§2.4). */
export const SEQ_SINGLE_MESSAGE = 0x8000_0000
/** Bit 30: the record must be acknowledged (V2 framing). */
export const SEQ_REQUIRES_ACK = 0x4000_0000
/** Bits 29..0: the counter. */
export const SEQ_COUNTER_MASK = 0x3fff_ffff

export function seqCounter(seq: number): number {
  return (seq & SEQ_COUNTER_MASK) >>> 0
}

/** One direction's packet/record counter: starts at 1, stops at 0x3FFFFFFF (§2.4). */
export class SeqCounter {
  private last = 0

  /** The next counter value; throws once the 30-bit space is used up. */
  next(): number {
    if (this.last >= SEQ_COUNTER_MASK) {
      throw new SignalingCounterExhaustedError('the signaling packet counter reached 0x3FFFFFFF')
    }
    this.last += 1
    return this.last
  }
}

/**
 * §2.5 replay window: a counter is fresh if it was not seen and is less than 64 behind the
 * newest one seen. Kept as a small sorted array, exactly like the reference.
 */
export class ReplayWindow {
  private static readonly WINDOW = 64
  private readonly seen: number[] = []

  isFresh(counter: number): boolean {
    const newest = this.seen.at(-1)
    if (newest !== undefined && counter + ReplayWindow.WINDOW <= newest) return false
    return !this.seen.includes(counter)
  }

  /** Throws `SignalingReplayError` unless `counter` is fresh. */
  assertFresh(counter: number): void {
    if (!this.isFresh(counter)) throw new SignalingReplayError(`packet counter ${counter} was already received or is too old`)
  }

  /** Records a fresh counter (call `isFresh` first) and forgets those now out of the window. */
  accept(counter: number): void {
    let at = this.seen.length
    while (at > 0 && this.seen[at - 1]! > counter) at--
    this.seen.splice(at, 0, counter)
    const oldestKept = this.seen.findIndex(e => e + ReplayWindow.WINDOW > counter)
    if (oldestKept > 0) this.seen.splice(0, oldestKept)
  }
}
