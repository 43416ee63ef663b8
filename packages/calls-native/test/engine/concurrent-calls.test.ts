import { describe, expect, it } from 'vitest'
import { CallState } from '../../src/index.js'
import { audibleShare, concat, dominantFrequency } from '../helpers/audio.js'
import { connectBoth, sleep, waitForBoth, type CallPair } from './helpers/call-pair.js'
import { useRelay } from './helpers/relay-fixture.js'

describe('many calls in one process', () => {
  const fixture = useRelay()

  it('carries audio on 20 concurrent calls, each with its own tone (no cross-talk)', async () => {
    const relay = await fixture.relay()
    const pairs: CallPair[] = []
    for (let i = 0; i < 20; i++) {
      pairs.push(fixture.pair(relay, { callerTone: 300 + 40 * i, calleeTone: 1200 + 40 * i, recvTimeout: 10 }))
    }
    for (const pair of pairs) connectBoth(pair)
    await Promise.all(pairs.map((pair) => waitForBoth(pair, CallState.ESTABLISHED, 5000)))
    await sleep(2500)
    pairs.forEach((pair, i) => {
      expect(audibleShare(pair.callee.received)).toBeGreaterThanOrEqual(0.9)
      expect(audibleShare(pair.caller.received)).toBeGreaterThanOrEqual(0.9)
      expect(Math.abs(dominantFrequency(concat(pair.callee.received.slice(-25)), 250, 2400) - (300 + 40 * i))).toBeLessThanOrEqual(2)
      expect(Math.abs(dominantFrequency(concat(pair.caller.received.slice(-25)), 250, 2400) - (1200 + 40 * i))).toBeLessThanOrEqual(2)
    })
  }, 60_000)
})
