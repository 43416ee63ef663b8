import { afterEach, describe, expect, it } from 'vitest'

import { ToneSource } from '@tgvoip/calls-audio'

import { establishCall, legacyAccounts, sleep, type TwoAccounts } from './support/two-accounts.js'

let env: TwoAccounts | undefined
afterEach(async () => {
  await env?.destroy()
  env = undefined
})

/** libtgvoip's INIT flag for data saving (spec §5.1), the capability bit a peer can see. */
const INIT_FLAG_DATA_SAVING = 1

describe("pytgvoip's need_rate() and get_peer_capabilities() on Call", () => {
  it('peerCapabilities shows the flags the other side sent in its handshake, and stays readable after the end', async () => {
    env = await legacyAccounts()
    const { aliceCall, bobCall } = await establishCall(env, { source: new ToneSource({ frequencies: 440 }), dataSaving: 'always' })
    await sleep(300)
    expect(bobCall.peerCapabilities & INIT_FLAG_DATA_SAVING).toBe(INIT_FLAG_DATA_SAVING)
    expect(aliceCall.peerCapabilities).toBe(0)
    await aliceCall.hangup()
    await bobCall.ended
    expect(bobCall.peerCapabilities & INIT_FLAG_DATA_SAVING).toBe(INIT_FLAG_DATA_SAVING)
  })

  it('needRate is false on a clean call and true once a lossy link forced extra error correction (with bad_call_rating on)', async () => {
    const callConfig = { bad_call_rating: true, rate_flags: 1 }
    env = await legacyAccounts({ callConfig })
    const clean = await establishCall(env, { source: new ToneSource({ frequencies: 440 }) }, { source: new ToneSource({ frequencies: 660 }) })
    await sleep(2500)
    expect(clean.aliceCall.needRate).toBe(false)
    await clean.aliceCall.hangup()
    await env.destroy()

    env = await legacyAccounts({ callConfig, relayFaults: { lossRate: 0.2, seed: 7 } })
    const lossy = await establishCall(env, { source: new ToneSource({ frequencies: 440 }) }, { source: new ToneSource({ frequencies: 660 }) })
    await sleep(3500)
    const needed = lossy.aliceCall.needRate || lossy.bobCall.needRate
    await lossy.aliceCall.hangup()
    expect(needed).toBe(true)
    // Frozen at the end, like stats().
    expect(lossy.aliceCall.needRate || lossy.bobCall.needRate).toBe(true)
  })
})
