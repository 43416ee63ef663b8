import { describe, expect, it } from 'vitest'

import { CallEndReason } from '@tgvoip/calls'
import type { Call } from '@tgvoip/calls'
import { NullSink, ToneSource } from '@tgvoip/calls-audio'

import { twoAccounts } from './support/two-accounts.js'

const CYCLES = 50

describe('quick call/hang-up cycles', () => {
  it(`${CYCLES} calls hung up by the caller as soon as call() resolves: the callee's accept() never rejects`, { timeout: 120_000 }, async () => {
    const env = await twoAccounts({ config: { callConnectTimeoutMs: 3000, callPacketTimeoutMs: 3000 } })
    const answers: Array<{ call: Call; accepted: Promise<Call> }> = []
    env.bob.calls.on('incomingCall', (call) => {
      answers.push({ call, accepted: call.accept({ source: new ToneSource({ frequencies: 440 }), sink: new NullSink() }) })
    })
    const rejected: unknown[] = []
    const started = performance.now()
    for (let i = 0; i < CYCLES; i++) {
      const aliceCall = await env.alice.calls.call('bob', new ToneSource({ frequencies: 600 }), { sink: new NullSink() })
      await aliceCall.hangup()
      const { call: bobCall, accepted } = answers[i]!
      await accepted.catch((err: unknown) => rejected.push(err))
      expect(await bobCall.ended).toBe(CallEndReason.HungUp)
      expect(bobCall.error).toBeNull()
      expect(await aliceCall.ended).toBe(CallEndReason.HungUp)
    }
    const perCycleMs = (performance.now() - started) / CYCLES
    console.log(`${CYCLES} call/hang-up cycles, ${perCycleMs.toFixed(0)} ms each; accept() rejected ${rejected.length} times`)
    expect(rejected).toEqual([])
    expect(env.alice.calls.activeCalls).toHaveLength(0)
    expect(env.bob.calls.activeCalls).toHaveLength(0)
    await env.destroy()
  })
})
