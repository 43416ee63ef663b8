import { afterEach, describe, expect, it, vi } from 'vitest'

import { AbortError, CallBusyError, CallDeclinedError, CallEndReason, CallMissedError, PhoneCallState, callsPlugin } from '../src/index.js'
import type { Call } from '../src/index.js'
import { FakeTelegram } from '../src/testing/index.js'
import { twoParties } from './support/setup.js'
import type { TwoParties } from './support/setup.js'

let env: TwoParties | undefined
afterEach(async () => {
  vi.useRealTimers()
  await env?.cleanup()
  env = undefined
})

describe('declining', () => {
  it('decline() rejects the caller with CallDeclinedError (discard reason Hangup)', async () => {
    env = await twoParties()
    const incoming = env.nextIncoming()
    const outgoing = env.alice.calls.call('bob')
    const callee = await incoming
    await callee.decline()
    await expect(outgoing).rejects.toBeInstanceOf(CallDeclinedError)
    expect(await callee.ended).toBe(CallEndReason.Declined)
    expect(callee.state).toBe(PhoneCallState.Ended)
    const [discard] = env.fake.requestsOf('phone.discardCall')
    expect(discard!.request).toMatchObject({ duration: 0, reason: { _: 'phoneCallDiscardReasonHangup' } })
    expect(env.aliceEngine.sessions).toHaveLength(0)
  })

  it('decline(busy) rejects the caller with CallBusyError', async () => {
    env = await twoParties()
    const incoming = env.nextIncoming()
    const outgoing = env.alice.calls.call('bob')
    await (await incoming).decline(CallEndReason.Busy)
    await expect(outgoing).rejects.toBeInstanceOf(CallBusyError)
    expect(env.fake.requestsOf('phone.discardCall')[0]!.request).toMatchObject({ reason: { _: 'phoneCallDiscardReasonBusy' } })
  })

  it('declines as busy automatically beyond maxConcurrentCalls, without an incomingCall event', async () => {
    const fake = new FakeTelegram()
    const alice = await fake.createClient({ username: 'alice' })
    const carol = await fake.createClient({ username: 'carol' })
    const bob = await fake.createClient({ username: 'bob' })
    alice.use(callsPlugin())
    carol.use(callsPlugin())
    bob.use(callsPlugin({ maxConcurrentCalls: 1 }))
    const seen: number[] = []
    bob.calls.on('incomingCall', (call) => seen.push(call.peerId))
    const first = alice.calls.call('bob')
    await vi.waitFor(() => expect(seen).toHaveLength(1))
    await expect(carol.calls.call('bob')).rejects.toBeInstanceOf(CallBusyError)
    expect(seen).toHaveLength(1)
    await bob.calls.activeCalls[0]!.decline()
    await expect(first).rejects.toBeInstanceOf(CallDeclinedError)
    await fake.destroy()
  })
})

describe('timeouts (fake timers)', () => {
  it.each([
    ['after', { updateDelayMs: 5 }],
    ['before', { rpcDelayMs: 5 }],
    ['racing', {}],
  ])('discards as missed when nobody answers within the ring timeout (receipt %s the request answer)', async (_order, timing) => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    const fake = new FakeTelegram({ config: { callRingTimeoutMs: 90_000 }, ...timing })
    const alice = await fake.createClient({ username: 'alice' })
    const bob = await fake.createClient({ username: 'bob' })
    alice.use(callsPlugin())
    // Bob's own ring timer is longer, so Alice's ring timeout is the one that fires.
    bob.use(callsPlugin({ timeouts: { ringTimeoutMs: 200_000 } }))
    let callee: Call | undefined
    let caller: Call | undefined
    bob.calls.once('incomingCall', (call) => (callee = call))
    alice.calls.once('outgoingCall', (call) => (caller = call))
    const rejected = expect(alice.calls.call('bob')).rejects.toBeInstanceOf(CallMissedError)
    await vi.advanceTimersByTimeAsync(100)
    expect(caller!.state).toBe(PhoneCallState.Ringing)
    // Well past the 20 s receive timeout: only the ring timeout applies now.
    await vi.advanceTimersByTimeAsync(88_000)
    expect(callee!.state).toBe(PhoneCallState.Ringing)
    expect(caller!.state).toBe(PhoneCallState.Ringing)
    await vi.advanceTimersByTimeAsync(3_000)
    await rejected
    expect(await callee!.ended).toBe(CallEndReason.Missed)
    const discards = fake.requestsOf('phone.discardCall')
    expect(discards).toHaveLength(1)
    expect(discards[0]!.request).toMatchObject({ reason: { _: 'phoneCallDiscardReasonMissed' } })
    expect(discards[0]!.userId).toBe(alice.storage.self.getCached()!.userId)
    await fake.destroy()
  })

  it("discards as missed when the callee's device never confirms receipt (receive timeout)", async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    env = await twoParties({
      config: { callReceiveTimeoutMs: 5_000 },
      // The callee never gets the call, so nothing sends phone.receivedCall.
      tamperUpdate: (pc) => (pc._ === 'phoneCallRequested' ? null : pc),
    })
    const states: PhoneCallState[] = []
    env.alice.calls.once('outgoingCall', (call) => call.on('stateChange', (_o, n) => states.push(n)))
    const outgoing = env.alice.calls.call('bob')
    const rejected = expect(outgoing).rejects.toBeInstanceOf(CallMissedError)
    await vi.advanceTimersByTimeAsync(4_900)
    expect(states).toEqual([PhoneCallState.Waiting])
    await vi.advanceTimersByTimeAsync(200)
    await rejected
    expect(env.fake.requestsOf('phone.discardCall')[0]!.request).toMatchObject({ reason: { _: 'phoneCallDiscardReasonMissed' } })
  })

  it('an unanswered incoming call ends as missed after its ring timeout', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    env = await twoParties({}, { timeouts: { ringTimeoutMs: 10_000 } })
    const incoming = env.nextIncoming()
    const outgoing = env.alice.calls.call('bob')
    const rejected = expect(outgoing).rejects.toBeInstanceOf(CallMissedError)
    const callee = await incoming
    await vi.advanceTimersByTimeAsync(10_001)
    await rejected
    expect(await callee.ended).toBe(CallEndReason.Missed)
  })
})

describe('aborting', () => {
  it('AbortSignal while ringing: rejects with AbortError and discards the call on the server', async () => {
    env = await twoParties()
    const controller = new AbortController()
    const incoming = env.nextIncoming()
    const outgoing = env.alice.calls.call('bob', undefined, { signal: controller.signal })
    const callee = await incoming
    await vi.waitFor(() => expect(env!.fake.calls.values().next().value?.receiveDate).not.toBeNull())
    controller.abort()
    await expect(outgoing).rejects.toBeInstanceOf(AbortError)
    expect(await callee.ended).toBe(CallEndReason.Missed)
    const server = [...env.fake.calls.values()][0]!
    expect(server.state).toBe('discarded')
    expect(server.discard?.reason).toBe('phoneCallDiscardReasonMissed')
    expect(env.alice.calls.activeCalls).toHaveLength(0)
  })

  it('an already aborted signal never reaches the server', async () => {
    env = await twoParties()
    const outgoing = env.alice.calls.call('bob', undefined, { signal: AbortSignal.abort() })
    await expect(outgoing).rejects.toBeInstanceOf(AbortError)
    expect(env.fake.requestsOf('phone.requestCall')).toHaveLength(0)
    expect(env.alice.calls.activeCalls).toHaveLength(0)
  })

  it('aborting while requestCall is in flight discards once the id is known', async () => {
    env = await twoParties()
    const controller = new AbortController()
    env.alice.calls.once('outgoingCall', () => {
      // Abort as soon as the request goes out, before its answer.
      const original = env!.fake.requests.push.bind(env!.fake.requests)
      env!.fake.requests.push = (...items) => {
        const n = original(...items)
        if (items.some((r) => r.method === 'phone.requestCall')) controller.abort()
        return n
      }
    })
    await expect(env.alice.calls.call('bob', undefined, { signal: controller.signal })).rejects.toBeInstanceOf(AbortError)
    await vi.waitFor(() => expect(env!.fake.requestsOf('phone.discardCall')).toHaveLength(1))
    expect([...env.fake.calls.values()][0]!.state).toBe('discarded')
  })

  it('aborting after the call is established does nothing', async () => {
    env = await twoParties()
    const controller = new AbortController()
    const incoming = env.nextIncoming()
    const outgoing = env.alice.calls.call('bob', undefined, { signal: controller.signal })
    await (await incoming).accept()
    const call = await outgoing
    controller.abort()
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(call.state).toBe(PhoneCallState.Established)
  })
})
