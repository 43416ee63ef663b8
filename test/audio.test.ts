import { afterEach, describe, expect, it } from 'vitest'

import { AudioPlayer, ToneAnalyzer, ToneSource } from '@tgvoip/calls-audio'

import { audible, establishCall, medianFrequency, sleep, twoAccounts, type TwoAccounts } from './support/two-accounts.js'

let env: TwoAccounts | undefined
afterEach(async () => {
  await env?.destroy()
  env = undefined
})

describe('a call between two fake accounts carries real audio', () => {
  it('both ways at once: each side hears the other one\'s tone within ±2 Hz', async () => {
    env = await twoAccounts()
    const aliceHears = new ToneAnalyzer({ windowMs: 250 })
    const bobHears = new ToneAnalyzer({ windowMs: 250 })
    const { aliceCall } = await establishCall(
      env,
      { source: new ToneSource({ frequencies: 440 }), sink: aliceHears },
      { source: new ToneSource({ frequencies: 1000 }), sink: bobHears },
    )
    await sleep(1500)

    expect(Math.abs(medianFrequency(bobHears.results) - 440)).toBeLessThanOrEqual(2)
    expect(Math.abs(medianFrequency(aliceHears.results) - 1000)).toBeLessThanOrEqual(2)
    expect(audible(bobHears.results).length).toBeGreaterThanOrEqual(3)
    expect(audible(aliceHears.results).length).toBeGreaterThanOrEqual(3)

    const stats = aliceCall.stats()!
    expect(stats.bytesSent).toBeGreaterThan(1000)
    expect(stats.bytesReceived).toBeGreaterThan(1000)
    expect(stats.packetsReceived).toBeGreaterThan(20)
    expect(stats.lossRate).toBeLessThan(0.05)
    expect(stats.bitrate).toBeGreaterThan(0)
    expect(stats.signalBars).toBeGreaterThanOrEqual(1)
    expect(stats.signalBars).toBeLessThanOrEqual(4)
    expect(() => JSON.parse(aliceCall.debugLog()!)).not.toThrow()

    await aliceCall.hangup()
    // After the end the last numbers stay readable (for a summary), and stop changing.
    const after = aliceCall.stats()!
    expect(after.packetsReceived).toBeGreaterThanOrEqual(stats.packetsReceived)
    await sleep(100)
    expect(aliceCall.stats()).toEqual(after)
  })

  it('mute() sends silence and unmute() brings the tone back', async () => {
    env = await twoAccounts()
    const bobHears = new ToneAnalyzer({ windowMs: 200 })
    const { aliceCall } = await establishCall(env, { source: new ToneSource({ frequencies: 600 }) }, { sink: bobHears })
    await sleep(800)
    const beforeMute = bobHears.results.length

    aliceCall.mute()
    expect(aliceCall.muted).toBe(true)
    await sleep(400) // let audio already in flight drain
    const mutedFrom = bobHears.results.length
    await sleep(800)
    const muted = bobHears.results.slice(mutedFrom)
    aliceCall.unmute()
    await sleep(800)
    const unmuted = bobHears.results.slice(-2)

    expect(audible(bobHears.results.slice(0, beforeMute)).length).toBeGreaterThanOrEqual(2)
    expect(muted.length).toBeGreaterThanOrEqual(3)
    for (const window of muted) expect(window.dbfs).toBeLessThan(-50)
    for (const window of unmuted) {
      expect(window.dbfs).toBeGreaterThan(-30)
      expect(Math.abs(window.frequency! - 600)).toBeLessThanOrEqual(2)
    }
    await aliceCall.hangup()
  })

  it('play() switches what is sent and record() where received audio goes, mid-call', async () => {
    env = await twoAccounts()
    const first = new ToneAnalyzer({ windowMs: 250 })
    const second = new ToneAnalyzer({ windowMs: 250 })
    const { aliceCall, bobCall } = await establishCall(env, { source: new ToneSource({ frequencies: 500 }) }, { sink: first })
    await sleep(1000)
    aliceCall.play(new ToneSource({ frequencies: 800 }))
    await sleep(500) // what was queued before the switch plays out first
    bobCall.record(second)
    await sleep(1000)

    expect(Math.abs(medianFrequency(first.results) - 500)).toBeLessThanOrEqual(2)
    expect(Math.abs(medianFrequency(second.results) - 800)).toBeLessThanOrEqual(2)
    await aliceCall.hangup()
  })

  it('an AudioPlayer answers the call: hold music, then the queued track', async () => {
    env = await twoAccounts()
    const aliceHears = new ToneAnalyzer({ windowMs: 250 })
    const player = new AudioPlayer({ holdMusic: () => new ToneSource({ frequencies: 300 }) })
    env.bob.calls.on('incomingCall', (call) => call.accept({ source: player }))
    const aliceCall = await env.alice.calls.call('bob', undefined, { sink: aliceHears })
    await sleep(1200)
    const holdWindows = aliceHears.results.length
    player.play(new ToneSource({ frequencies: 900, durationMs: 5000 }))
    await sleep(1500) // the engine plays out what it queued from the hold music first
    expect(Math.abs(medianFrequency(aliceHears.results.slice(0, holdWindows)) - 300)).toBeLessThanOrEqual(2)
    expect(Math.abs(medianFrequency(aliceHears.results.slice(-3)) - 900)).toBeLessThanOrEqual(2)
    await aliceCall.hangup()
  })
})
