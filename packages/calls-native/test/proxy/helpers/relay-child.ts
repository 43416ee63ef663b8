/**
 * A LocalRelay in its own process, so that it can run in another network namespace.
 * Argument: the address to bind. Answers { kind: 'stats' } with the relay's counters and
 * closes when the parent disconnects.
 */
import { LocalRelay } from '../../../src/testing/index.js'

const relay = await LocalRelay.create({ host: process.argv[2] })
process.send?.({ kind: 'ready', port: relay.port })
process.on('message', (message: { kind: string }) => {
  if (message.kind === 'stats') process.send?.({ kind: 'stats', stats: relay.stats })
})
process.on('disconnect', () => {
  void relay.close().then(() => process.exit(0))
})
