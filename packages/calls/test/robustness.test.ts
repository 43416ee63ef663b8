import { afterEach, describe, expect, it, vi } from 'vitest'

import type { tl } from '@mtcute/core'
import { Long, PeersIndex, RawUpdateInfo } from '@mtcute/core'

import type { Call } from '../src/index.js'
import { CallEndReason, CallFailedError, PhoneCallState, callsPlugin, MediaState } from '../src/index.js'
import { FakeTelegram } from '../src/testing/index.js'
import { establish, twoParties } from './support/setup.js'
import type { TwoParties } from './support/setup.js'

let env: TwoParties | undefined
afterEach(async () => {
  vi.useRealTimers()
  await env?.cleanup()
  env = undefined
})

describe('duplicate and unknown updates', () => {
  it('processes every update once when the server delivers each twice', async () => {
    env = await twoParties({ duplicateUpdates: true, updateDelayMs: 2 })
    const incomingCalls: Call[] = []
    env.bob.calls.on('incomingCall', (call) => incomingCalls.push(call))
    const callerStates: PhoneCallState[] = []
    env.alice.calls.once('outgoingCall', (call) => call.on('stateChange', (_o, n) => callerStates.push(n)))
    const outgoing = env.alice.calls.call('bob')
    await vi.waitFor(() => expect(incomingCalls).toHaveLength(1))
    const calleeStates: PhoneCallState[] = []
    incomingCalls[0]!.on('stateChange', (_o, n) => calleeStates.push(n))
    await incomingCalls[0]!.accept()
    const call = await outgoing
    await call.hangup()
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(incomingCalls).toHaveLength(1)
    expect(callerStates).toEqual([PhoneCallState.Waiting, PhoneCallState.Ringing, PhoneCallState.ExchangingKeys, PhoneCallState.Connecting, PhoneCallState.Established, PhoneCallState.HangingUp, PhoneCallState.Ended])
    expect(calleeStates).toEqual([PhoneCallState.ExchangingKeys, PhoneCallState.Connecting, PhoneCallState.Established, PhoneCallState.Ended])
    for (const method of ['phone.requestCall', 'phone.receivedCall', 'phone.acceptCall', 'phone.confirmCall', 'phone.discardCall']) {
      expect(env.fake.requestsOf(method), method).toHaveLength(1)
    }
    expect(env.aliceEngine.sessions).toHaveLength(1)
    expect(env.bobEngine.sessions).toHaveLength(1)
  })

  it('ignores updates for unknown calls and keeps the update stream going', async () => {
    env = await twoParties()
    const later: string[] = []
    env.bob.onRawUpdate.add((info) => later.push(info.update._))
    const id = Long.fromNumber(424242)
    const unknown: tl.TypePhoneCall[] = [
      { _: 'phoneCallAccepted', id, accessHash: id, date: 0, adminId: 1, participantId: 2, gB: new Uint8Array(256), protocol: { _: 'phoneCallProtocol', minLayer: 65, maxLayer: 92, libraryVersions: [] } },
      { _: 'phoneCallDiscarded', id },
      { _: 'phoneCallEmpty', id },
    ]
    for (const phoneCall of unknown) {
      env.bob.onRawUpdate.emit(new RawUpdateInfo({ _: 'updatePhoneCall', phoneCall }, new PeersIndex()))
    }
    expect(later).toHaveLength(3)
    expect(env.bob.calls.activeCalls).toHaveLength(0)
    expect(env.fake.requests.filter((r) => r.method.startsWith('phone.'))).toHaveLength(0)
  })

  it('ignores a replayed phoneCallRequested for a call that already ended', async () => {
    let requested: tl.TypePhoneCall | undefined
    env = await twoParties({
      tamperUpdate: (pc) => {
        if (pc._ === 'phoneCallRequested') requested = pc
        return pc
      },
    })
    const seen: Call[] = []
    env.bob.calls.on('incomingCall', (call) => seen.push(call))
    const outgoing = env.alice.calls.call('bob')
    await vi.waitFor(() => expect(seen).toHaveLength(1))
    await seen[0]!.decline()
    await outgoing.catch(() => undefined)
    env.bob.onRawUpdate.emit(new RawUpdateInfo({ _: 'updatePhoneCall', phoneCall: requested! }, new PeersIndex()))
    expect(seen).toHaveLength(1)
    expect(env.bob.calls.activeCalls).toHaveLength(0)
    expect(env.fake.requestsOf('phone.receivedCall')).toHaveLength(1)
  })
})

describe('update ordering', () => {
  it('handles updates that overtake the phone.requestCall answer', async () => {
    env = await twoParties({ rpcDelayMs: 20 })
    const callerStates: PhoneCallState[] = []
    env.alice.calls.once('outgoingCall', (call) => call.on('stateChange', (_o, n) => callerStates.push(n)))
    const incoming = env.nextIncoming()
    const outgoing = env.alice.calls.call('bob')
    const callee = await incoming
    // Bob's device confirmed receipt before Alice learned the call's id: the receipt is
    // replayed once the id is known, so Alice goes straight to ringing (in order, it would
    // have been waiting -> ringing).
    await vi.waitFor(() => expect(callerStates).toEqual([PhoneCallState.Ringing]))
    await callee.accept()
    const call = await outgoing
    expect(call.emojis).toEqual(callee.emojis)
  })
})

describe('user handlers', () => {
  it('a throwing or rejecting incomingCall handler breaks neither the call nor other listeners', async () => {
    env = await twoParties()
    const rawAfter: string[] = []
    env.bob.calls.on('incomingCall', () => {
      throw new Error('sync boom')
    })
    env.bob.calls.on('incomingCall', async () => {
      throw new Error('async boom')
    })
    env.bob.calls.on('incomingCall', (call) => void call.accept())
    env.bob.onRawUpdate.add((info) => rawAfter.push(info.update._))
    const unhandled = vi.fn()
    process.on('unhandledRejection', unhandled)
    try {
      const call = await env.alice.calls.call('bob')
      expect(call.state).toBe(PhoneCallState.Established)
      await new Promise((resolve) => setTimeout(resolve, 10))
      expect(unhandled).not.toHaveBeenCalled()
      expect(rawAfter.length).toBeGreaterThan(0)
    } finally {
      process.off('unhandledRejection', unhandled)
    }
  })

  it('a throwing stateChange listener starves neither accept() nor later listeners', async () => {
    env = await twoParties()
    const later: PhoneCallState[] = []
    let accepted: Promise<Call> | undefined
    env.bob.calls.on('incomingCall', (call) => {
      call.on('stateChange', () => {
        throw new Error('listener boom')
      })
      call.on('stateChange', (_old, next) => later.push(next))
      accepted = call.accept()
    })
    const call = await env.alice.calls.call('bob')
    expect(call.state).toBe(PhoneCallState.Established)
    await expect(accepted).resolves.toBeDefined()
    expect(later).toContain(PhoneCallState.Established)
  })
})

describe('several devices and races', () => {
  async function bobWithTwoDevices(options = {}) {
    const fake = new FakeTelegram(options)
    const alice = await fake.createClient({ username: 'alice' })
    const bobUser = fake.addUser({ username: 'bob' })
    const bob1 = await fake.connect(bobUser)
    const bob2 = await fake.connect(bobUser)
    for (const client of [alice, bob1, bob2]) client.use(callsPlugin())
    const ring = (client: typeof bob1) => new Promise<Call>((resolve) => client.calls.once('incomingCall', resolve))
    return { fake, alice, bob1, bob2, ring }
  }

  it('answering on one device ends the call on the other (acceptedElsewhere)', async () => {
    const { fake, alice, bob1, bob2, ring } = await bobWithTwoDevices()
    const [r1, r2] = [ring(bob1), ring(bob2)]
    const outgoing = alice.calls.call('bob')
    const [c1, c2] = await Promise.all([r1, r2])
    await c2.accept()
    await outgoing
    expect(await c1.ended).toBe(CallEndReason.AcceptedElsewhere)
    expect(c1.state).toBe(PhoneCallState.Ended)
    expect(fake.requestsOf('phone.discardCall')).toHaveLength(0)
    await fake.destroy()
  })

  it('a late accept on the second device gets CALL_ALREADY_ACCEPTED and ends cleanly (not a failure)', async () => {
    // Device 0 never learns that device 1 answered.
    const { fake, alice, bob1, bob2, ring } = await bobWithTwoDevices({
      tamperUpdate: (pc: { _: string }, to: { deviceIndex: number }) => (pc._ === 'phoneCallDiscarded' && to.deviceIndex === 0 ? null : pc),
    })
    const [r1, r2] = [ring(bob1), ring(bob2)]
    const outgoing = alice.calls.call('bob')
    const [c1, c2] = await Promise.all([r1, r2])
    await c2.accept()
    await outgoing
    await expect(c1.accept()).resolves.toBe(c1)
    expect(c1.state).toBe(PhoneCallState.Ended)
    expect(c1.error).toBeNull()
    expect(c1.endReason).toBe(CallEndReason.AcceptedElsewhere)
    expect(c2.state).toBe(PhoneCallState.Established)
    await fake.destroy()
  })

  it('both sides hanging up at once: CALL_ALREADY_DECLINED is absorbed', async () => {
    env = await twoParties()
    const { caller, callee } = await establish(env)
    await Promise.all([caller.hangup(), callee.hangup()])
    expect(env.fake.requestsOf('phone.discardCall')).toHaveLength(2)
    expect(caller.state).toBe(PhoneCallState.Ended)
    expect(callee.state).toBe(PhoneCallState.Ended)
    expect(await caller.ended).toBe(CallEndReason.HungUp)
    expect(await callee.ended).toBe(CallEndReason.HungUp)
  })

  it('hangup() twice sends one discard', async () => {
    env = await twoParties()
    const { caller } = await establish(env)
    await Promise.all([caller.hangup(), caller.hangup()])
    await caller.hangup()
    expect(env.fake.requestsOf('phone.discardCall')).toHaveLength(1)
  })
})

describe('media engine failures', () => {
  it('an engine that fails to connect fails the call with CallFailedError and discards it (Disconnect)', async () => {
    env = await twoParties()
    env.bobEngine.behaviour = 'fail'
    const incoming = env.nextIncoming()
    const outgoing = env.alice.calls.call('bob').catch((e: unknown) => e)
    const callee = await incoming
    const err = await callee.accept().catch((e: unknown) => e)
    expect(err).toBeInstanceOf(CallFailedError)
    expect(((err as Error).cause as Error).message).toMatch(/no relay answered/)
    expect(callee.state).toBe(PhoneCallState.Failed)
    expect(env.bobEngine.sessions[0]!.closed).toBe(true)
    expect(env.fake.requestsOf('phone.discardCall')[0]!.request).toMatchObject({ reason: { _: 'phoneCallDiscardReasonDisconnect' } })
    const callerOutcome = await outgoing
    const callerCall = callerOutcome instanceof Error ? null : (callerOutcome as Call)
    if (callerCall) expect(await callerCall.ended).toBe(CallEndReason.Failed)
  })

  it('a media failure during the call ends both sides as failed', async () => {
    env = await twoParties()
    const { caller, callee } = await establish(env)
    const session = env.aliceEngine.sessions[0]!
    session.setState(MediaState.Reconnecting)
    expect(caller.state).toBe(PhoneCallState.Reconnecting)
    session.setState(MediaState.Established)
    expect(caller.state).toBe(PhoneCallState.Established)
    session.fail(new Error('packet timeout'))
    expect(await caller.ended).toBe(CallEndReason.Failed)
    expect(caller.state).toBe(PhoneCallState.Failed)
    expect(caller.error).toBeInstanceOf(CallFailedError)
    // The callee only hears of it through Telegram's discard, and still reports a failure.
    expect(await callee.ended).toBe(CallEndReason.Failed)
    expect(callee.state).toBe(PhoneCallState.Failed)
    expect(callee.error).toBeInstanceOf(CallFailedError)
  })

  it('an engine that never connects fails after the connect timeout (fake timers)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    env = await twoParties({ config: { callConnectTimeoutMs: 30_000 } })
    env.aliceEngine.behaviour = 'hang'
    env.bobEngine.behaviour = 'hang'
    const incoming = env.nextIncoming()
    const outgoing = env.alice.calls.call('bob')
    const callerFailed = expect(outgoing).rejects.toBeInstanceOf(CallFailedError)
    const callee = await incoming
    const calleeFailed = expect(callee.accept()).rejects.toBeInstanceOf(CallFailedError)
    await vi.advanceTimersByTimeAsync(29_000)
    expect(callee.state).toBe(PhoneCallState.Connecting)
    await vi.advanceTimersByTimeAsync(2_000)
    await Promise.all([callerFailed, calleeFailed])
    expect(env.aliceEngine.sessions[0]!.closed).toBe(true)
    expect(env.bobEngine.sessions[0]!.closed).toBe(true)
  })
})

describe('entersState', () => {
  it('resolves on the state, rejects when the call ends first or the timeout passes', async () => {
    env = await twoParties()
    const incoming = env.nextIncoming()
    const outgoing = env.alice.calls.call('bob')
    const callee = await incoming
    await expect(callee.entersState(PhoneCallState.Established, 5)).rejects.toThrow(/within 5 ms/)
    const established = callee.entersState(PhoneCallState.Established, 2000)
    void callee.accept()
    await expect(established).resolves.toBe(callee)
    const caller = await outgoing
    const never = caller.entersState(PhoneCallState.Reconnecting, AbortSignal.timeout(5000))
    await caller.hangup()
    await expect(never).rejects.toThrow(/Entered 'ended'/)
    await expect(caller.entersState(PhoneCallState.Established, 10)).rejects.toThrow(/Already in 'ended'/)
  })
})
