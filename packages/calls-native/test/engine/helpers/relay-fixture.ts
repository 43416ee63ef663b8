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
