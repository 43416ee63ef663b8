/** Per-test LocalRelay and call pairs, torn down after each test. */
import { afterEach } from 'vitest'
import { LocalRelay, type RelayFaults } from '../../../src/testing/index.js'
import { createCallPair, type CallPair, type PairOptions } from './call-pair.js'

export function useRelay(): { relay(faults?: RelayFaults): Promise<LocalRelay>; pair(relay: LocalRelay, options?: PairOptions): CallPair } {
  const relays: LocalRelay[] = []
  const pairs: CallPair[] = []
  afterEach(async () => {
    for (const pair of pairs.splice(0)) pair.close()
    for (const relay of relays.splice(0)) await relay.close()
  })
  return {
    async relay(faults) {
      const relay = await LocalRelay.create({ faults })
      relays.push(relay)
      return relay
    },
    pair(relay, options) {
      const pair = createCallPair(relay, options)
      pairs.push(pair)
      return pair
    },
  }
}

/** Share of frames with audible content, counted from the first audible frame on. */
export function audibleShare(frames: readonly Int16Array[], threshold = 300): number {
  const loud = (frame: Int16Array): boolean => {
    let sum = 0
    for (let i = 0; i < frame.length; i++) sum += frame[i]! * frame[i]!
    return Math.sqrt(sum / frame.length) > threshold
  }
  const first = frames.findIndex(loud)
  if (first < 0) return 0
  const after = frames.slice(first)
  return after.filter(loud).length / after.length
}
