import { SeededRandom } from '@tgvoip/calls-native/testing'

import type { SignalingFaults } from './fake-options.js'

/** What happened to the signaling blobs the fake server relayed (`telegram.signalingStats`). */
export interface SignalingStats {
  relayed: number
  dropped: number
  duplicated: number
  reordered: number
  corrupted: number
}

/**
 * The fake server's signaling path: every `phone.sendSignalingData` blob goes to the other
 * side's device as `updatePhoneCallSignalingData`, through the configured faults.
 */
export class FakeSignalingPath {
  readonly stats: SignalingStats = { relayed: 0, dropped: 0, duplicated: 0, reordered: 0, corrupted: 0 }
  private readonly random: SeededRandom

  constructor(
    private readonly faults: SignalingFaults,
    /** Runs `deliver` after `delayMs` (0: on the next microtask); cancelled on destroy. */
    private readonly schedule: (delayMs: number, deliver: () => void) => void,
  ) {
    this.random = new SeededRandom(faults.seed ?? 1)
  }

  relay(blob: Uint8Array, deliver: (blob: Uint8Array) => void): void {
    this.stats.relayed++
    if (this.random.chance(this.faults.dropRate ?? 0)) {
      this.stats.dropped++
      return
    }
    let data = blob
    if (blob.length > 0 && this.random.chance(this.faults.corruptRate ?? 0)) {
      this.stats.corrupted++
      data = Uint8Array.from(blob)
      const bit = Math.floor(this.random.next() * blob.length * 8)
      data[bit >> 3]! ^= 1 << (bit & 7)
    }
    const copies = this.random.chance(this.faults.duplicateRate ?? 0) ? 2 : 1
    if (copies === 2) this.stats.duplicated++
    for (let i = 0; i < copies; i++) {
      let delay = this.faults.delayMs ?? 0
      if (this.random.chance(this.faults.reorderRate ?? 0)) {
        this.stats.reordered++
        delay += 20 + Math.floor(this.random.next() * 60)
      }
      this.schedule(delay, () => deliver(data))
    }
  }
}
