/**
 * Child process for the engine-threads test: puts two established calls on two engine
 * threads, then leaves with process.exit() without destroying them. The engine must halt
 * its threads at exit (before OpenSSL goes) rather than crash or hang.
 */
import { CallState, EngineThreads } from '../../../src/index.js'
import { LocalRelay } from '../../../src/testing/index.js'
import { connectBoth, createCallPair, waitForBoth } from './call-pair.js'

EngineThreads.set(2)
const relay = await LocalRelay.create()
const pairs = [createCallPair(relay, { callerTone: 440, calleeTone: 880 }), createCallPair(relay, { callerTone: 500, calleeTone: 900 })]
for (const pair of pairs) connectBoth(pair)
await Promise.all(pairs.map((pair) => waitForBoth(pair, CallState.ESTABLISHED, 5000)))
console.log(JSON.stringify(EngineThreads.info()))
process.exit(0)
