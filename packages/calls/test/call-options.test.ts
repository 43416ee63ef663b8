import { randomUUID } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { AudioDecodeError, AudioEncodeError } from '@tgvoip/calls-audio'
import { afterEach, describe, expect, it } from 'vitest'

import { CallEndReason, CallManager, CallOptionsError, EngineUnavailableError, PhoneCallState, callsPlugin } from '../src/index.js'
import type { CallAudioSource } from '../src/index.js'
import { FakeTelegram } from '../src/testing/index.js'
import { FakeEngine } from './support/fake-engine.js'
import { establish, twoParties } from './support/setup.js'
import type { TwoParties } from './support/setup.js'

let env: TwoParties | undefined
afterEach(async () => {
  await env?.cleanup()
  env = undefined
})

/** A folder that does not exist: every file in it is missing, and nothing can be recorded there. */
const dir = join(tmpdir(), `tgvoip-calls-missing-${randomUUID()}`)

/** Frames of `value`, `count` of them. */
function frames(value: number, count: number): CallAudioSource {
  return {
    async *[Symbol.asyncIterator]() {
      for (let i = 0; i < count; i++) yield new Int16Array(960).fill(value)
    },
  }
}

describe('the engine is loaded when the manager is created', () => {
  it('a load failure is EngineUnavailableError with the cause, from callsPlugin().install and new CallManager', async () => {
    const fake = new FakeTelegram({ localRelays: 0 })
    const client = await fake.createClient({ firstName: 'Carol' })
    const engine = new FakeEngine()
    engine.loadError = new Error('no build for this platform')
    const err = (() => {
      try {
        client.use(callsPlugin({ engine }))
      } catch (e) {
        return e
      }
    })()
    expect(err).toBeInstanceOf(EngineUnavailableError)
    expect((err as Error).cause).toBe(engine.loadError)
    expect((err as Error).message).toMatch(/'fake'.*no build/)
    expect(() => new CallManager(client, { engine })).toThrow(EngineUnavailableError)
    // An engine written before load() existed is rejected as an engine, not crashed into later.
    const { name, minLayer, maxLayer, libraryVersions } = engine
    const withoutLoad = { name, minLayer, maxLayer, libraryVersions, createSession: engine.createSession.bind(engine) }
    expect(() => callsPlugin({ engine: withoutLoad as never })).toThrow(/engine must implement CallEngine \(load,/)
    await fake.destroy()
  })
})

describe('network settings', () => {
  it("reach the engine: the call's own over the manager's; setNetworkType() reaches the session", async () => {
    env = await twoParties({}, { dataSaving: 'mobile', networkType: 'lte', bitrate: 20_000 })
    const incoming = env.nextIncoming()
    const outgoing = env.alice.calls.call('bob', undefined, { networkType: 'wifi', bitrate: 12_000 })
    const callee = await incoming
    callee.setNetworkType('3g') // while ringing: still applies when answered
    await Promise.all([outgoing, callee.accept({ dataSaving: 'always' })])
    expect(env.aliceEngine.sessions[0]!.options.network).toEqual({ dataSaving: 'mobile', networkType: 'wifi', maxBitrate: 12_000 })
    expect(env.bobEngine.sessions[0]!.options.network).toEqual({ dataSaving: 'always', networkType: '3g', maxBitrate: 20_000 })
    const caller = await outgoing
    caller.setNetworkType('gprs')
    expect(env.aliceEngine.sessions[0]!.networkTypes).toEqual(['gprs'])
    expect(caller.networkType).toBe('gprs')
    expect(() => caller.setNetworkType('5g' as never)).toThrow(CallOptionsError)
    await expect(env.alice.calls.call('bob', undefined, { dataSaving: 'sometimes' as never })).rejects.toThrow(CallOptionsError)
    expect(() => callsPlugin({ bitrate: 1000 })).toThrow(CallOptionsError)
    await caller.hangup()
  })
})

describe('paths are checked before Telegram hears of the call', () => {
  it('call() and accept() with a bad path send nothing; play()/record() with one change nothing', async () => {
    env = await twoParties()
    await expect(env.alice.calls.call('bob', join(dir, 'missing.raw'))).rejects.toBeInstanceOf(AudioDecodeError)
    expect(env.fake.requestsOf('phone.requestCall')).toHaveLength(0)

    const incoming = env.nextIncoming()
    const outgoing = env.alice.calls.call('bob', frames(1, 100))
    const callee = await incoming
    await expect(callee.accept({ sink: join(dir, 'nope', 'x.wav') })).rejects.toBeInstanceOf(AudioEncodeError)
    expect(env.fake.requestsOf('phone.acceptCall')).toHaveLength(0)
    expect(callee.state).toBe(PhoneCallState.Ringing)
    await callee.accept()
    const caller = await outgoing
    expect(() => caller.play(join(dir, 'missing.mp3'))).toThrow(AudioDecodeError)
    expect(() => caller.record(join(dir, 'nope', 'x.raw'))).toThrow(AudioEncodeError)
    expect(caller.state).toBe(PhoneCallState.Established)
    await caller.hangup()
  })
})

describe('play() queue', () => {
  it('queued sources follow in order, sourceEnd fires once after the last; play(null) stops them all', async () => {
    env = await twoParties()
    const { caller } = await establish(env)
    const session = env.aliceEngine.sessions[0]!
    const ended = new Promise<void>((resolve) => caller.once('sourceEnd', resolve))
    caller.play(frames(1, 3))
    caller.play(frames(2, 3), { queue: true })
    caller.play(frames(3, 3), { queue: true })
    await ended
    expect(session.written.map((f) => f[0])).toEqual([1, 1, 1, 2, 2, 2, 3, 3, 3])

    caller.play(frames(4, 1000))
    caller.play(frames(5, 3), { queue: true })
    caller.play(null)
    await new Promise((resolve) => setTimeout(resolve, 50))
    const count = session.written.length
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(session.written.length).toBe(count)
    expect(session.written.some((f) => f[0] === 5)).toBe(false)
    await caller.hangup()
  })
})

describe('accept() and normal ends', () => {
  it('a hang-up racing the media start resolves accept() with the ended call; only failures reject', async () => {
    env = await twoParties()
    env.bobEngine.behaviour = 'hang'
    const incoming = env.nextIncoming()
    const outgoing = env.alice.calls.call('bob')
    const callee = await incoming
    const accepted = callee.accept()
    const caller = await outgoing
    await caller.hangup()
    await expect(accepted).resolves.toBe(callee)
    expect(callee.state).toBe(PhoneCallState.Ended)
    expect(callee.endReason).toBe(CallEndReason.HungUp)
    expect(await callee.ended).toBe(CallEndReason.HungUp)
  })
})
