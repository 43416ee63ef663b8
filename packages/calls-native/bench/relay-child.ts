/**
 * Runs a LocalRelay in its own process, so the benchmark's CPU figures contain only
 * the calls. Reports its port to the parent over IPC and exits when the parent does.
 */
import { LocalRelay } from '../src/testing/index.js'

const relay = await LocalRelay.create()
process.send?.({ port: relay.port })
process.on('disconnect', () => {
  void relay.close().then(() => process.exit(0))
})
