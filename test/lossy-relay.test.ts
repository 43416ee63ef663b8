import { performance } from 'node:perf_hooks'

import { afterEach, describe, expect, it, vi } from 'vitest'

import { ToneAnalyzer, ToneSource } from '@tgvoip/calls-audio'

import { audible, establishCall, legacyAccounts, medianFrequency, sleep, type TwoAccounts } from './support/two-accounts.js'

let env: TwoAccounts | undefined
afterEach(async () => {
  await env?.destroy()
  env = undefined
})

describe('a lossy relay (libtgvoip calls; v2 loss is in v2-calls.test.ts)', () => {
  it('drops 20 % of packets and the tone is still detectable on the other side', async () => {
    env = await legacyAccounts({ relayFaults: { lossRate: 0.2, seed: 5 } })
    const bobHears = new ToneAnalyzer({ windowMs: 250 })
    const bars: number[] = []
    const { aliceCall, bobCall } = await establishCall(env, { source: new ToneSource({ frequencies: 440 }) }, { sink: bobHears }, (call) =>
      call.on('signalBars', (n) => bars.push(n)),
    )
    await sleep(2000)

    const relay = env.telegram.localRelays[0]!
    expect(relay.stats.dropped / relay.stats.received).toBeGreaterThan(0.1)
    expect(bobCall.stats()!.lossRate).toBeGreaterThan(0.02)
    expect(Math.abs(medianFrequency(bobHears.results) - 440)).toBeLessThanOrEqual(2)
    // Loss concealment and FEC keep most windows audible.
    expect(audible(bobHears.results).length).toBeGreaterThanOrEqual(Math.floor((bobHears.results.length - 1) * 0.7))
    // The signal-strength indicator drops below full on such a link (events come on change only).
    expect(Math.min(...bars)).toBeLessThan(4)
    // The event and the stats snapshot reach JS by different paths (the event as the bars
    // change, the snapshot every 100 ms), so for up to 100 ms after a change they differ.
    // They must agree over a longer stretch (the bars change at most once a second).
    let agreeingSince: number | undefined
    await vi.waitFor(
      () => {
        const now = performance.now()
        const shown = bobCall.stats()!.signalBars
        agreeingSince = bars.at(-1) === shown ? (agreeingSince ?? now) : undefined
        expect(now - (agreeingSince ?? now), `signalBars events ${JSON.stringify(bars)}, stats ${shown}`).toBeGreaterThanOrEqual(150)
      },
      { timeout: 1500, interval: 20 },
    )
    await aliceCall.hangup()
  })
})
