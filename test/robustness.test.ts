import { afterEach, describe, expect, it } from 'vitest'

import type { TelegramClient } from '@mtcute/core/client.js'

import { CallAudioError, CallEndReason, PhoneCallState, callsPlugin } from '@tgvoip/calls'
import type { Call, CallMediaInput } from '@tgvoip/calls'
import { CallbackSink, FRAME_SAMPLES, ToneAnalyzer, ToneSource } from '@tgvoip/calls-audio'

import { bothEstablished, medianFrequency, sleep, twoAccounts, type TwoAccounts } from './support/two-accounts.js'

let env: TwoAccounts | undefined
afterEach(async () => {
  await env?.destroy()
  env = undefined
})

/** `client` answers every call; the media for each comes from `mediaFor(callNumber)`. */
function answersAll(client: TelegramClient, mediaFor: (n: number) => CallMediaInput = () => ({})): Call[] {
  const calls: Call[] = []
  client.calls.on('incomingCall', (call) => {
    calls.push(call)
    void call.accept(mediaFor(calls.length)).catch(() => undefined)
  })
  return calls
}

describe('one broken call never takes down the others', () => {
  it('a sink callback that throws ends that call with CallAudioError; a parallel call keeps its audio', async () => {
    env = await twoAccounts()
    const carol = await env.telegram.createClient({ firstName: 'Carol', username: 'carol' })
    carol.use(callsPlugin())
    let frames = 0
    const healthy = new ToneAnalyzer({ windowMs: 200 })
    const bobCalls = answersAll(env.bob, (n) => ({
      sink:
        n === 1
          ? new CallbackSink(() => {
              if (++frames === 25) throw new Error('user callback exploded')
            })
          : healthy,
    }))
    const aliceCall = await env.alice.calls.call('bob', new ToneSource({ frequencies: 440 }))
    const carolCall = await carol.calls.call('bob', new ToneSource({ frequencies: 880 }))
    await bothEstablished(aliceCall, bobCalls[0]!)

    expect(await bobCalls[0]!.ended).toBe(CallEndReason.Failed)
    expect(bobCalls[0]!.state).toBe(PhoneCallState.Failed)
    expect(bobCalls[0]!.error).toBeInstanceOf(CallAudioError)
    expect((bobCalls[0]!.error!.cause as Error).message).toBe('user callback exploded')
    expect(await aliceCall.ended).toBe(CallEndReason.HungUp)

    const before = healthy.results.length
    await sleep(800)
    expect(carolCall.state).toBe(PhoneCallState.Established)
    expect(healthy.results.length).toBeGreaterThan(before + 2)
    expect(Math.abs(medianFrequency(healthy.results.slice(before)) - 880)).toBeLessThanOrEqual(2)
    await carolCall.hangup()
  })

  it('a source that throws mid-call ends that call cleanly with CallAudioError', async () => {
    env = await twoAccounts()
    const bobCalls = answersAll(env.bob)
    async function* brokenMicrophone() {
      // The engine queues up to a second ahead: 100 frames make the failure land mid-call.
      for (let i = 0; i < 100; i++) yield new Int16Array(FRAME_SAMPLES)
      throw new Error('microphone unplugged')
    }
    const aliceCall = await env.alice.calls.call('bob', brokenMicrophone())
    expect(await aliceCall.ended).toBe(CallEndReason.Failed)
    expect(aliceCall.error).toBeInstanceOf(CallAudioError)
    expect((aliceCall.error!.cause as Error).message).toBe('microphone unplugged')
    expect(await bobCalls[0]!.ended).toBe(CallEndReason.HungUp)
    expect(aliceCall.stats()!.packetsSent).toBeGreaterThan(0)
  })
})

describe('destroying a client', () => {
  it('client.destroy() hangs up every call on the server before mtcute tears down', async () => {
    env = await twoAccounts()
    const carol = await env.telegram.createClient({ firstName: 'Carol', username: 'carol' })
    carol.use(callsPlugin())
    const bobCalls = answersAll(env.bob)
    const carolCalls = answersAll(carol)
    const toBob = await env.alice.calls.call('bob', new ToneSource({ frequencies: 440 }))
    const toCarol = await env.alice.calls.call('carol', new ToneSource({ frequencies: 440 }))
    await bothEstablished(toBob, bobCalls[0]!)
    await bothEstablished(toCarol, carolCalls[0]!)

    await env.alice.destroy()
    expect(toBob.state).toBe(PhoneCallState.Ended)
    expect(toCarol.state).toBe(PhoneCallState.Ended)
    expect(await bobCalls[0]!.ended).toBe(CallEndReason.HungUp)
    expect(await carolCalls[0]!.ended).toBe(CallEndReason.HungUp)
    for (const call of [toBob, toCarol]) {
      expect(env.telegram.calls.get(call.id)!.state).toBe('discarded')
      expect(env.telegram.calls.get(call.id)!.discard!.byUserId).toBe(bobCalls[0]!.peerId)
    }
  })
})
