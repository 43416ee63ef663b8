import { describe, expect, it } from 'vitest'
import { CallState } from '../../src/index.js'
import { concat, dominantFrequency, rms } from '../helpers/audio.js'
import { connectBoth, sleep, waitForBoth } from './helpers/call-pair.js'
import { useRelay } from './helpers/relay-fixture.js'

describe('engine <-> engine through LocalRelay', () => {
  const fixture = useRelay()

  it('reaches ESTABLISHED in both roles and carries 440 Hz and 880 Hz both ways', async () => {
    const pair = fixture.pair(await fixture.relay(), { callerTone: 440, calleeTone: 880 })
    connectBoth(pair)
    await waitForBoth(pair, CallState.ESTABLISHED, 3000)
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
