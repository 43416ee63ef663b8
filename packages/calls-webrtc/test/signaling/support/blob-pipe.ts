import type { SignalingChannel } from '../../../src/index.js'

/** Deterministic PRNG (mulberry32) so a failing run can be replayed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export interface PipeOptions {
  lossRate: number
  duplicateRate: number
  /** Each copy is delayed uniformly in [minDelayMs, maxDelayMs]; a spread reorders blobs. */
  minDelayMs: number
  maxDelayMs: number
  seed: number
}

export interface PipeStats {
  sent: number
  dropped: number
  duplicated: number
  /** Blobs delivered before one that was sent earlier in the same direction. */
  reordered: number
}

/**
 * Telegram's relay of `phone.sendSignalingData` as an adversary: drops, duplicates and delays
 * (hence reorders) blobs on timers, so tests drive it with fake time.
 */
export class BlobPipe {
  readonly stats: PipeStats = { sent: 0, dropped: 0, duplicated: 0, reordered: 0 }
  private readonly random: () => number

  constructor(private readonly options: PipeOptions) {
    this.random = seededRandom(options.seed)
  }

  connect(a: SignalingChannel, b: SignalingChannel): void {
    this.direction(a, b)
    this.direction(b, a)
  }

  private direction(from: SignalingChannel, to: SignalingChannel): void {
    let sentIndex = 0
    let newestDelivered = -1
    from.on('outgoingBlob', blob => {
      const index = sentIndex++
      this.stats.sent++
      if (this.random() < this.options.lossRate) {
        this.stats.dropped++
        return
      }
      const copies = this.random() < this.options.duplicateRate ? 2 : 1
      if (copies === 2) this.stats.duplicated++
      for (let i = 0; i < copies; i++) {
        const { minDelayMs, maxDelayMs } = this.options
        setTimeout(() => {
          if (index < newestDelivered) this.stats.reordered++
          newestDelivered = Math.max(newestDelivered, index)
          to.receiveBlob(Uint8Array.from(blob))
        }, minDelayMs + this.random() * (maxDelayMs - minDelayMs))
      }
    })
  }
}
