/** Per-test LocalRelay and call pairs, torn down after each test. */
import { afterEach } from 'vitest'
import { LocalRelay, type RelayFaults } from '../../../src/testing/index.js'
import { createCallPair, type CallPair, type PairOptions, type RelayEntry } from './call-pair.js'

export function useRelay(): { relay(faults?: RelayFaults): Promise<LocalRelay>; pair(relays: LocalRelay | readonly RelayEntry[], options?: PairOptions): CallPair } {
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
    pair(relays, options) {
      const pair = createCallPair(relays, options)
      pairs.push(pair)
      return pair
    },
  }
}
