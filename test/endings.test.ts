import { afterEach, describe, expect, it } from 'vitest'

import { CallBusyError, CallEndReason, CallMissedError, PhoneCallState, callsPlugin } from '@tgvoip/calls'
import { ToneAnalyzer, ToneSource } from '@tgvoip/calls-audio'

import { establishCall, sleep, twoAccounts, type TwoAccounts } from './support/two-accounts.js'

let env: TwoAccounts | undefined
afterEach(async () => {
  await env?.destroy()
  env = undefined
})

async function establishedCall(e: TwoAccounts) {
  const bobHears = new ToneAnalyzer({ windowMs: 200 })
  const calls = await establishCall(e, { source: new ToneSource({ frequencies: 440 }) }, { sink: bobHears })
  return { ...calls, bobHears }
}

describe('ending calls', () => {
  for (const side of ['caller', 'callee'] as const) {
    it(`a hang-up by the ${side} mid-call ends both sides and stops the audio`, async () => {
      env = await twoAccounts()
      const { aliceCall, bobCall, bobHears } = await establishedCall(env)
      await sleep(600)
      expect(bobHears.results.length).toBeGreaterThan(0)
      await (side === 'caller' ? aliceCall : bobCall).hangup()
      expect(await aliceCall.ended).toBe(CallEndReason.HungUp)
      expect(await bobCall.ended).toBe(CallEndReason.HungUp)
      expect([aliceCall.state, bobCall.state]).toEqual([PhoneCallState.Ended, PhoneCallState.Ended])
      expect(aliceCall.session).toBeNull()
      expect(bobCall.session).toBeNull()
      const discards = env.telegram.requestsOf('phone.discardCall')
      expect(discards).toHaveLength(1)
      // Sent by whoever hung up (a call's peerId is the other side's user id).
      expect(discards[0]!.userId).toBe(side === 'caller' ? bobCall.peerId : aliceCall.peerId)
      // Nothing more arrives once both engines are closed.
      const windows = bobHears.results.length
      await sleep(500)
      expect(bobHears.results.length).toBe(windows)
    })
  }

  it('nobody answers: the caller gets CallMissedError after the ring timeout', async () => {
    env = await twoAccounts({ config: { callRingTimeoutMs: 800 } })
    const ringing = env.nextIncoming()
    const started = Date.now()
    await expect(env.alice.calls.call('bob', new ToneSource({ frequencies: 440 }))).rejects.toBeInstanceOf(CallMissedError)
    expect(Date.now() - started).toBeGreaterThanOrEqual(700)
    const bobCall = await ringing
    expect(await bobCall.ended).toBe(CallEndReason.Missed)
  })

  it('a callee already in a call is busy: the second caller gets CallBusyError, the first call goes on', async () => {
    env = await twoAccounts({}, { maxConcurrentCalls: 1 })
    const carol = await env.telegram.createClient({ firstName: 'Carol', username: 'carol' })
    carol.use(callsPlugin())
    const { aliceCall, bobCall, bobHears } = await establishedCall(env)
    await expect(carol.calls.call('bob', new ToneSource({ frequencies: 300 }))).rejects.toBeInstanceOf(CallBusyError)
    const before = bobHears.results.length
    await sleep(600)
    expect(bobHears.results.length).toBeGreaterThan(before)
    expect(bobCall.state).toBe(PhoneCallState.Established)
    await aliceCall.hangup()
  })
})
