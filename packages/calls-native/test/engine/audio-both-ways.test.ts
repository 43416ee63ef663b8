import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CallState } from '../../src/index.js'
import { LocalRelay } from '../../src/testing/index.js'
import { concat, dominantFrequency, rms } from '../helpers/audio.js'
import { connectBoth, createCallPair, sleep, waitForState, type CallPair } from './helpers/call-pair.js'

describe('engine <-> engine through LocalRelay', () => {
  let relay: LocalRelay
  let pair: CallPair | undefined

  beforeEach(async () => {
    relay = await LocalRelay.create()
  })
  afterEach(async () => {
    pair?.close()
    pair = undefined
    await relay.close()
  })

  it('reaches ESTABLISHED in both roles and carries 440 Hz and 880 Hz both ways', async () => {
    pair = createCallPair(relay, { callerTone: 440, calleeTone: 880 })
    connectBoth(pair)
    await Promise.all([
      waitForState(pair.caller.controller, CallState.ESTABLISHED, 3000),
      waitForState(pair.callee.controller, CallState.ESTABLISHED, 3000),
    ])
    await sleep(1500)
    // The last second: past the jitter buffer's start-up.
    const atCallee = concat(pair.callee.received.slice(-50))
    const atCaller = concat(pair.caller.received.slice(-50))
    expect(rms(atCallee)).toBeGreaterThan(1000)
    expect(rms(atCaller)).toBeGreaterThan(1000)
    expect(Math.abs(dominantFrequency(atCallee) - 440)).toBeLessThanOrEqual(2)
    expect(Math.abs(dominantFrequency(atCaller) - 880)).toBeLessThanOrEqual(2)
    const stats = pair.caller.controller.getStats()
    expect(stats.packetsReceived).toBeGreaterThan(20)
    expect(stats.connectTimeSeconds).toBeLessThan(1)
  })
})
