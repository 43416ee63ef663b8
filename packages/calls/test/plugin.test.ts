import { afterEach, describe, expect, it } from 'vitest'

import { CallEndReason, CallManager, CallOptionsError, PhoneCallState, callsPlugin } from '../src/index.js'
import { FakeTelegram } from '../src/testing/index.js'
import { FakeEngine } from './support/fake-engine.js'

let fake: FakeTelegram | undefined
afterEach(async () => {
  await fake?.destroy()
  fake = undefined
})

describe('callsPlugin options (zod)', () => {
  it.each([
    ['maxConcurrentCalls: 0', { maxConcurrentCalls: 0 }, /maxConcurrentCalls/],
    ['a non-engine', { engine: { name: 'x' } }, /engine must implement CallEngine/],
    ['a negative timeout', { timeouts: { ringTimeoutMs: -1 } }, /timeouts\.ringTimeoutMs/],
    ['an unknown option', { ringing: true }, /ringing|Unrecognized/i],
  ])('rejects %s with CallOptionsError', (_name, options, message) => {
    expect(() => callsPlugin(options as never)).toThrow(CallOptionsError)
    expect(() => callsPlugin(options as never)).toThrow(message)
  })

  it('accepts a CallEngine and limits', () => {
    expect(() => callsPlugin({ engine: new FakeEngine(), maxConcurrentCalls: 3, timeouts: { ringTimeoutMs: 1000 } })).not.toThrow()
  })
})

describe('client.use / client.calls', () => {
  it('needs the plugin, and installs once per client', async () => {
    fake = new FakeTelegram()
    const client = await fake.createClient()
    expect(() => client.calls).toThrow(CallOptionsError)
    expect(client.use(callsPlugin())).toBe(client)
    expect(client.calls).toBeInstanceOf(CallManager)
    expect(client.calls).toBe(client.calls)
    expect(() => client.use(callsPlugin())).toThrow(/already installed/)
  })

  it('new CallManager(client) works without the plugin (plain composition)', async () => {
    fake = new FakeTelegram()
    const alice = await fake.createClient({ username: 'alice' })
    const bob = await fake.createClient({ username: 'bob' })
    const aliceCalls = new CallManager(alice, { engine: null })
    const bobCalls = new CallManager(bob, { engine: null })
    bobCalls.on('incomingCall', (call) => void call.accept())
    const call = await aliceCalls.call('bob')
    expect(call.state).toBe(PhoneCallState.Established)
    await call.hangup()
    await aliceCalls.destroy()
    await bobCalls.destroy()
  })

  it('rejects calling yourself and audio without an engine', async () => {
    fake = new FakeTelegram()
    const alice = await fake.createClient({ username: 'alice' })
    await fake.createClient({ username: 'bob' })
    alice.use(callsPlugin({ engine: null }))
    await expect(alice.calls.call('me')).rejects.toThrow(/yourself/)
    async function* silence() {
      yield new Int16Array(960)
    }
    await expect(alice.calls.call('bob', silence())).rejects.toBeInstanceOf(CallOptionsError)
    expect(alice.calls.activeCalls).toHaveLength(0)
    await expect(alice.calls.call('nobody_here')).rejects.toThrow()
  })

  it('rejects sources, sinks and signals of the wrong shape before anything is sent', async () => {
    fake = new FakeTelegram()
    const alice = await fake.createClient({ username: 'alice' })
    await fake.createClient({ username: 'bob' })
    alice.use(callsPlugin({ engine: new FakeEngine() }))
    await expect(alice.calls.call('bob', 42 as never)).rejects.toThrow(/source must be a file path or an async iterable/)
    await expect(alice.calls.call('bob', '' as never)).rejects.toThrow(/source must be a file path/)
    await expect(alice.calls.call('bob', undefined, { sink: {} as never })).rejects.toThrow(/sink must be a file path or have a write/)
    await expect(alice.calls.call('bob', undefined, { signal: 5 as never })).rejects.toThrow(/AbortSignal/)
    expect(fake.requestsOf('phone.requestCall')).toHaveLength(0)
    expect(alice.calls.activeCalls).toHaveLength(0)
  })

  it('destroy() hangs up every call and discards it on the server', async () => {
    fake = new FakeTelegram()
    const alice = await fake.createClient({ username: 'alice' })
    const bob = await fake.createClient({ username: 'bob' })
    alice.use(callsPlugin({ engine: null }))
    bob.use(callsPlugin({ engine: null }))
    bob.calls.on('incomingCall', (call) => void call.accept())
    const call = await alice.calls.call('bob')
    const bobCall = bob.calls.activeCalls[0]!
    await alice.calls.destroy()
    expect(await call.ended).toBe(CallEndReason.HungUp)
    expect(await bobCall.ended).toBe(CallEndReason.HungUp)
    expect(fake.requestsOf('phone.discardCall')).toHaveLength(1)
    await expect(alice.calls.call('bob')).rejects.toThrow(/destroyed/)
  })
})
