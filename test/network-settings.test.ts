import { afterEach, describe, expect, it } from 'vitest'

import type { Call, CallOptionsInput } from '@tgvoip/calls'
import { ToneAnalyzer, ToneSource } from '@tgvoip/calls-audio'
import { VoIPServerConfig } from '@tgvoip/calls-native'

import { establishCall, legacyAccounts, medianFrequency, sleep, type TwoAccounts } from './support/two-accounts.js'

let env: TwoAccounts | undefined
afterEach(async () => {
  VoIPServerConfig.resetBitrateConfig()
  await env?.destroy()
  env = undefined
})

/** The target bitrate each side's encoder uses, and the audio traffic that arrived at the other side, in kbit/s. */
async function measure(aliceCall: Call, bobCall: Call, ms = 2000): Promise<{ alice: number; bob: number; aliceKbps: number; bobKbps: number }> {
  const before = { alice: aliceCall.stats()!.bytesReceived, bob: bobCall.stats()!.bytesReceived }
  await sleep(ms)
  const toKbps = (bytes: number): number => Math.round((bytes * 8) / ms)
  return {
    alice: aliceCall.stats()!.bitrate,
    bob: bobCall.stats()!.bitrate,
    // What Alice sent, as Bob received it (with packet overhead), and the other way round.
    aliceKbps: toKbps(bobCall.stats()!.bytesReceived - before.bob),
    bobKbps: toKbps(aliceCall.stats()!.bytesReceived - before.alice),
  }
}

async function toneCall(e: TwoAccounts, alice: CallOptionsInput = {}, bob: CallOptionsInput = {}) {
  const bobHears = new ToneAnalyzer({ windowMs: 250 })
  const calls = await establishCall(e, { source: new ToneSource({ frequencies: 440 }), ...alice }, { source: new ToneSource({ frequencies: 880 }), sink: bobHears, ...bob })
  return { ...calls, bobHears }
}

describe('network settings per call and per manager', () => {
  it("data saving on one side ('always') brings both sides to 8 kbit/s; the audio still arrives", async () => {
    env = await legacyAccounts()
    const { aliceCall, bobCall, bobHears } = await toneCall(env, { dataSaving: 'always' })
    await sleep(1000)
    const m = await measure(aliceCall, bobCall)
    console.log(`data saving: bitrate alice ${m.alice} bob ${m.bob} bit/s; traffic alice->bob ${m.aliceKbps} bob->alice ${m.bobKbps} kbit/s`)
    expect(m.alice).toBe(8000)
    expect(m.bob).toBe(8000)
    expect(Math.abs(medianFrequency(bobHears.results) - 440)).toBeLessThanOrEqual(2)
    await aliceCall.hangup()
  })

  it("GPRS (callsPlugin({ networkType: 'gprs' }) on both sides) sends 8 kbit/s both ways; without it, more", async () => {
    env = await legacyAccounts()
    const normal = await toneCall(env)
    await sleep(1000)
    const wifi = await measure(normal.aliceCall, normal.bobCall)
    await normal.aliceCall.hangup()
    await env.destroy()

    env = await legacyAccounts({}, { networkType: 'gprs' })
    const { aliceCall, bobCall } = await toneCall(env)
    await sleep(1000)
    const gprs = await measure(aliceCall, bobCall)
    console.log(
      `unknown network: ${wifi.alice}/${wifi.bob} bit/s, ${wifi.aliceKbps}/${wifi.bobKbps} kbit/s on the wire; ` +
        `GPRS: ${gprs.alice}/${gprs.bob} bit/s, ${gprs.aliceKbps}/${gprs.bobKbps} kbit/s on the wire`,
    )
    expect(gprs.alice).toBe(8000)
    expect(gprs.bob).toBe(8000)
    expect(wifi.alice).toBeGreaterThan(8000)
    expect(gprs.aliceKbps).toBeLessThan(wifi.aliceKbps)
    expect(gprs.bobKbps).toBeLessThan(wifi.bobKbps)
    await aliceCall.hangup()
  })

  it("call.setNetworkType('gprs') mid-call lowers that side's bitrate at once; data saving 'mobile' follows the network", async () => {
    env = await legacyAccounts()
    const { aliceCall, bobCall } = await toneCall(env, { networkType: 'wifi', dataSaving: 'mobile' })
    await sleep(1500)
    expect(aliceCall.stats()!.bitrate).toBeGreaterThan(8000)
    aliceCall.setNetworkType('gprs')
    expect(aliceCall.networkType).toBe('gprs')
    await sleep(1200)
    expect(aliceCall.stats()!.bitrate).toBe(8000)
    // 'mobile' data saving is on now, and Bob was told: he saves too.
    expect(bobCall.stats()!.bitrate).toBe(8000)
    expect(() => aliceCall.setNetworkType('carrier-pigeon' as never)).toThrow(/networkType must be one of/)
    await aliceCall.hangup()
  })

  it('VoIPServerConfig.setBitrateConfig() is honoured at every call, and a per-call bitrate overrides it', async () => {
    VoIPServerConfig.setBitrateConfig({ initBitrate: 10_000, maxBitrate: 12_000, minBitrate: 8000 })
    env = await legacyAccounts()
    const first = await toneCall(env)
    await sleep(2500)
    const configured = { alice: first.aliceCall.stats()!.bitrate, bob: first.bobCall.stats()!.bitrate }
    await first.aliceCall.hangup()

    const second = await toneCall(env, { bitrate: 9000 })
    await sleep(1500)
    const perCall = second.aliceCall.stats()!.bitrate
    console.log(`setBitrateConfig(max 12000): ${configured.alice}/${configured.bob} bit/s; per-call bitrate 9000: ${perCall} bit/s`)
    expect(configured.alice).toBeGreaterThanOrEqual(10_000)
    expect(configured.alice).toBeLessThanOrEqual(12_000)
    expect(configured.bob).toBeLessThanOrEqual(12_000)
    expect(perCall).toBeLessThanOrEqual(9000)
    await second.aliceCall.hangup()
  })
})
