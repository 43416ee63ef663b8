/**
 * Child process for the engine-threads test: a stateChange listener throws. The error must
 * reach process 'uncaughtException' (as from any event emitter), and the calls' other
 * events (audio) must keep arriving.
 */
import { CallState } from '../../../src/index.js'
import { LocalRelay } from '../../../src/testing/index.js'
import { connectBoth, createCallPair, sleep } from './call-pair.js'

const caught: string[] = []
process.on('uncaughtException', (error) => caught.push(error.message))
const relay = await LocalRelay.create()
const pair = createCallPair(relay, { callerTone: 440, calleeTone: 880 })
pair.caller.controller.on('stateChange', (_old, state) => {
  throw new Error(`listener threw on ${CallState[state]}`)
})
connectBoth(pair)
// Polled: a listener added after the throwing one would not run (EventEmitter stops there).
for (let i = 0; i < 250 && pair.callee.controller.state !== CallState.ESTABLISHED; i++) await sleep(20)
await sleep(1000)
console.log(JSON.stringify({ caught, callerFrames: pair.caller.received.length, calleeFrames: pair.callee.received.length }))
pair.close()
await relay.close()
