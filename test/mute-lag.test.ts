import { afterEach, describe, expect, it } from 'vitest'

import { ToneSource } from '@tgvoip/calls-audio'

import { ToneTimeline } from './support/tone-timeline.js'
import { establishCall, sleep, twoAccounts, type TwoAccounts } from './support/two-accounts.js'

let env: TwoAccounts | undefined
afterEach(async () => {
  await env?.destroy()
  env = undefined
})

/** From the call on Alice's side to Bob hearing it, in ms (Infinity if he never did). */
function lag(timeline: ToneTimeline, hz: number, since: number): number {
  const heard = timeline.firstHeard(hz, since)
  return heard === undefined ? Number.POSITIVE_INFINITY : heard - since
}

describe('mute leaves no lag behind', () => {
  it('after unmute() new audio is heard as soon as before muting (nothing piled up), and a later play() too', async () => {
    env = await twoAccounts()
    const bobHears = new ToneTimeline()
    const { aliceCall } = await establishCall(env, { source: new ToneSource({ frequencies: 500 }) }, { sink: bobHears })
    await sleep(1000)

    // Unmuted baseline: how long a play() takes to be heard.
    let since = performance.now()
    aliceCall.play(new ToneSource({ frequencies: 700 }))
    await sleep(800)
    const baseline = lag(bobHears, 700, since)

    // While muted, the source keeps playing and the engine must not let it pile up.
    aliceCall.mute()
    await sleep(2000)
    since = performance.now()
    aliceCall.play(new ToneSource({ frequencies: 1200 }))
    aliceCall.unmute()
    await sleep(1500)
    const afterUnmute = lag(bobHears, 1200, since)
    // Stale audio: what Alice played before unmuting, heard after it.
    const staleMs = bobHears.heardMs(700, since)

    since = performance.now()
    aliceCall.play(new ToneSource({ frequencies: 900 }))
    await sleep(1000)
    const later = lag(bobHears, 900, since)
    const jitterMs = aliceCall.stats()!.jitterMs
    console.log(
      `play() heard after ${baseline.toFixed(0)} ms before muting; after unmute ${afterUnmute.toFixed(0)} ms ` +
        `(${staleMs} ms of stale audio), a later play() ${later.toFixed(0)} ms; jitter buffer ${jitterMs} ms`,
    )
    // Before the engine drained its input while muted: 1158 ms after unmute (baseline 279),
    // 1000 ms stale, and every later play() over a second late. Now muting adds nothing to
    // the delay any audio has anyway (the pump's 160 ms lead, a 60 ms packet, the jitter
    // buffer: ~270 ms on loopback); the margin is for timing noise on a busy machine.
    expect(baseline).toBeLessThan(400)
    expect(afterUnmute).toBeLessThan(baseline + 120)
    expect(later).toBeLessThan(baseline + 120)
    // At most the pump's lead (160 ms, queued just before the unmute) plays out first.
    expect(staleMs).toBeLessThanOrEqual(200)
    await aliceCall.hangup()
  })
})
