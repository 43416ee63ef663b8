import { describe, expect, it } from 'vitest'
import { CallState } from '../../src/index.js'
import { audibleShare, concat, dominantFrequency } from '../helpers/audio.js'
import { connectBoth, sleep, waitForBoth } from './helpers/call-pair.js'
import { useRelay } from './helpers/relay-fixture.js'

describe('lossy, jittery relay', () => {
  const fixture = useRelay()

  for (const lossRate of [0.1, 0.2]) {
    it(`keeps >= 90% of frames audible at ${lossRate * 100}% loss with 40 ms jitter`, async () => {
      const relay = await fixture.relay({ lossRate, jitterMs: 40, seed: 7 })
      const pair = fixture.pair(relay, { callerTone: 440, calleeTone: 880 })
      const bars: number[] = []
      const listenedBars: number[] = []
      pair.callee.controller.signalBarsChangedHandlers.push((value) => bars.push(value))
      pair.callee.controller.on('signalBars', (value) => listenedBars.push(value))
      connectBoth(pair)
      await waitForBoth(pair, CallState.ESTABLISHED, 3000)
      await sleep(4000)
      for (const [side, tone] of [
        [pair.callee, 440],
        [pair.caller, 880],
      ] as const) {
        expect(audibleShare(side.received)).toBeGreaterThanOrEqual(0.9)
        expect(Math.abs(dominantFrequency(concat(side.received.slice(-100))) - tone)).toBeLessThanOrEqual(2)
        const stats = side.controller.getStats()
        // The repair paths were exercised, not just luck with the seed.
        expect(stats.audioFramesLost).toBeGreaterThan(0)
        expect(stats.framesRecoveredByExtraFec).toBeGreaterThan(0)
        expect(stats.fecCopiesRejected).toBe(0)
      }
      // The UI signal drops below full strength on such a link, through both APIs.
      expect(Math.min(...bars)).toBeLessThan(4)
      expect(listenedBars).toEqual(bars)
      // Both senders noticed the loss from acks and switched extra FEC on.
      expect(pair.caller.controller.getStats().extraEcLevel).toBeGreaterThan(0)
      expect(pair.callee.controller.getStats().extraEcLevel).toBeGreaterThan(0)
    })
  }
})
