import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'

import { afterEach, describe, expect, it } from 'vitest'

import { CallManager, PhoneCallState, EngineUnavailableError, NativeCallEngine, callsPlugin } from '@tgvoip/calls'
import { AudioDecodeError, AudioEncodeError, ToneAnalyzer, ToneSource } from '@tgvoip/calls-audio'

import { useTempDir } from './support/temp-dir.js'
import { medianFrequency, sleep, twoAccounts, type TwoAccounts } from './support/two-accounts.js'

const tmp = useTempDir('tgvoip-e2e-early-')
let env: TwoAccounts | undefined
afterEach(async () => {
  await env?.destroy()
  env = undefined
})

/** Counts Bob's incoming calls: none may ring when the caller's set-up is broken. */
function countRings(e: TwoAccounts): { count: number } {
  const rings = { count: 0 }
  e.bob.calls.on('incomingCall', () => rings.count++)
  return rings
}

describe('errors are reported before anyone is rung or answered', () => {
  it('call() with a missing source file or a sink in a missing folder throws at once; Bob is never rung', async () => {
    env = await twoAccounts()
    const rings = countRings(env)
    await expect(env.alice.calls.call('bob', join(tmp.path, 'missing.mp3'))).rejects.toBeInstanceOf(AudioDecodeError)
    await expect(env.alice.calls.call('bob', join(tmp.path, 'missing.raw'))).rejects.toThrow(/missing\.raw/)
    await expect(env.alice.calls.call('bob', new ToneSource({ frequencies: 440 }), { sink: join(tmp.path, 'no-such-folder', 'out.wav') })).rejects.toBeInstanceOf(
      AudioEncodeError,
    )
    await sleep(200)
    expect(rings.count).toBe(0)
    expect(env.telegram.requestsOf('phone.requestCall')).toHaveLength(0)
    expect(env.alice.calls.activeCalls).toHaveLength(0)
  })

  it('accept() with a bad path throws before answering: the call keeps ringing and can still be answered', async () => {
    env = await twoAccounts()
    const good = join(tmp.path, 'good.raw')
    await writeFile(good, Buffer.alloc(0))
    const incoming = env.nextIncoming()
    const outgoing = env.alice.calls.call('bob', new ToneSource({ frequencies: 800 }))
    const bobCall = await incoming
    await expect(bobCall.accept({ source: join(tmp.path, 'missing.ogg') })).rejects.toBeInstanceOf(AudioDecodeError)
    await expect(bobCall.accept({ sink: join(tmp.path, 'missing-folder', 'caller.wav') })).rejects.toBeInstanceOf(AudioEncodeError)
    expect(env.telegram.requestsOf('phone.acceptCall')).toHaveLength(0)
    expect(bobCall.state).toBe(PhoneCallState.Ringing)

    const bobHears = new ToneAnalyzer({ windowMs: 250 })
    await bobCall.accept({ source: good, sink: bobHears })
    const aliceCall = await outgoing
    await sleep(1200)
    expect(Math.abs(medianFrequency(bobHears.results) - 800)).toBeLessThanOrEqual(2)
    await aliceCall.hangup()
  })

  it('an engine that cannot load fails when the manager is created (EngineUnavailableError, cause kept), not at the first call', async () => {
    env = await twoAccounts()
    const loadError = new Error("Cannot find module 'tgvoip_native.node'")
    class UnbuiltEngine extends NativeCallEngine {
      override load(): void {
        throw loadError
      }
    }
    const carol = await env.telegram.createClient({ firstName: 'Carol', username: 'carol' })
    let thrown: unknown
    try {
      carol.use(callsPlugin({ engine: new UnbuiltEngine() }))
    } catch (err) {
      thrown = err
    }
    expect(thrown).toBeInstanceOf(EngineUnavailableError)
    expect((thrown as Error).cause).toBe(loadError)
    expect(() => new CallManager(carol, { engine: new UnbuiltEngine() })).toThrow(EngineUnavailableError)
    expect(() => carol.calls).toThrow(/callsPlugin/)
    expect(env.telegram.requestsOf('phone.requestCall')).toHaveLength(0)
    // The real engine loads: managers with it exist already (Alice's and Bob's).
    expect(() => new NativeCallEngine().load()).not.toThrow()
  })
})
