export { LocalRelay } from './local-relay.js'
export type { LocalRelayOptions, RelayFaults, RelayStats, RelayTagPair } from './local-relay.js'
export { SeededRandom } from './seeded-random.js'
