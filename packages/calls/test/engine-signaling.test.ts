/**
 * The engine boundary's signaling channel and library-version negotiation, through
 * FakeTelegram: blobs an engine emits reach the other side's engine through
 * `phone.sendSignalingData` / `updatePhoneCallSignalingData` (buffered until its session
 * exists, and through dropped/duplicated/reordered delivery), and each call runs on the
 * engine that owns the version the server chose.
 */
import type { TelegramClient } from '@mtcute/core/client.js'
import { tl } from '@mtcute/core'
import { afterEach, describe, expect, it } from 'vitest'

import type { Call, CallEngine } from '../src/index.js'
import { CallEngineSet, CallFailedError, CallOptionsError, callsPlugin, PhoneCallState, UnsupportedLibraryVersionError } from '../src/index.js'
import { FakeTelegram } from '../src/testing/index.js'
import type { FakeTelegramOptions } from '../src/testing/index.js'
import { FakeEngine, signalingHello } from './support/fake-engine.js'

const V2 = ['13.0.0', '12.0.0', '8.0.0']

let fake: FakeTelegram | undefined
afterEach(async () => {
  await fake?.destroy()
  fake = undefined
})

async function parties(
  options: FakeTelegramOptions,
  aliceEngine: CallEngine,
  bobEngine: CallEngine,
): Promise<{ alice: TelegramClient; bob: TelegramClient }> {
  fake = new FakeTelegram({ localRelays: 0, ...options })
  const alice = await fake.createClient({ firstName: 'Alice', username: 'alice' })
  const bob = await fake.createClient({ firstName: 'Bob', username: 'bob' })
  alice.use(callsPlugin({ engine: aliceEngine }))
  bob.use(callsPlugin({ engine: bobEngine }))
  return { alice, bob }
}

function signalingEngine(versions = V2, name = 'v2'): FakeEngine {
  const engine = new FakeEngine(versions, name)
  engine.behaviour = 'signal'
  return engine
}

/** Alice calls Bob, Bob answers; resolves with both calls once established. */
async function callAndAnswer(alice: TelegramClient, bob: TelegramClient): Promise<{ caller: Call; callee: Call }> {
  const incoming = new Promise<Call>((resolve) => bob.calls.once('incomingCall', resolve))
  const outgoing = alice.calls.call('bob')
  const callee = await incoming
  await callee.accept()
  const caller = await outgoing
  await callee.entersState(PhoneCallState.Established, 5_000)
  return { caller, callee }
}

describe('engine signaling through Telegram', () => {
  it('carries blobs both ways: sessions that establish only on the peer blob get established', async () => {
    const aliceEngine = signalingEngine()
    const bobEngine = signalingEngine()
    const { alice, bob } = await parties(
      { rtcServers: [{ id: 7n, ip: '127.0.0.1', port: 3478, username: 'u', password: 'p', turn: true, stun: true }], customParameters: { network_signaling_nosctp: false } },
      aliceEngine,
      bobEngine,
    )
    const { caller, callee } = await callAndAnswer(alice, bob)
    const [aliceSession] = aliceEngine.sessions
    const [bobSession] = bobEngine.sessions
    expect(aliceSession!.signaling).toEqual([signalingHello(false)])
    expect(bobSession!.signaling).toEqual([signalingHello(true)])
    expect(fake!.requestsOf('phone.sendSignalingData')).toHaveLength(2)
    for (const session of [aliceSession!, bobSession!]) {
      expect(session.options.libraryVersion).toBe('13.0.0')
      expect(session.options.rtcServers).toEqual([
        { id: 7n, ip: '127.0.0.1', ipv6: '', port: 3478, username: 'u', password: 'p', turn: true, stun: true },
      ])
      // The fake's marker for loopback media (never sent by Telegram), then what was configured.
      expect(session.options.customParameters).toEqual({ tgvoip_test_loopback: true, network_signaling_nosctp: false })
    }
    expect(caller.libraryVersion).toBe('13.0.0')
    expect(callee.libraryVersion).toBe('13.0.0')
  })

  it('leaves the loopback marker out with loopbackMedia: false', async () => {
    const aliceEngine = signalingEngine()
    const bobEngine = signalingEngine()
    const { alice, bob } = await parties({ loopbackMedia: false }, aliceEngine, bobEngine)
    await callAndAnswer(alice, bob)
    expect(aliceEngine.sessions[0]!.options.customParameters).toEqual({})
    expect(bobEngine.sessions[0]!.options.customParameters).toEqual({})
  })

  it('buffers blobs that arrive before the receiving session exists', async () => {
    const aliceEngine = signalingEngine()
    const bobEngine = signalingEngine()
    // phoneCall updates take 150 ms, blobs none: Alice's blob reaches Bob before Bob's
    // confirmed phoneCall does, i.e. before his session is created.
    const { alice, bob } = await parties({ updateDelayMs: 150 }, aliceEngine, bobEngine)
    const sessionsAtArrival: number[] = []
    bob.onRawUpdate.add(({ update }) => {
      if (update._ === 'updatePhoneCallSignalingData') sessionsAtArrival.push(bobEngine.sessions.length)
    })
    await callAndAnswer(alice, bob)
    expect(sessionsAtArrival[0]).toBe(0)
    expect(bobEngine.sessions[0]!.signaling).toEqual([signalingHello(true)])
  })

  it('duplicated and reordered blobs all reach the session; dropped ones never do', async () => {
    const aliceEngine = signalingEngine()
    const bobEngine = signalingEngine()
    const { alice, bob } = await parties({ signalingFaults: { duplicateRate: 1, reorderRate: 0.5, seed: 3 } }, aliceEngine, bobEngine)
    await callAndAnswer(alice, bob)
    await new Promise((resolve) => setTimeout(resolve, 120)) // duplicates held back by reordering
    expect(bobEngine.sessions[0]!.signaling).toEqual([signalingHello(true), signalingHello(true)])
    expect(fake!.signalingStats.duplicated).toBe(2)
  })

  it('a call whose signaling never arrives fails at the connect timeout', async () => {
    const { alice, bob } = await parties(
      { signalingFaults: { dropRate: 1 }, config: { callConnectTimeoutMs: 400 } },
      signalingEngine(),
      signalingEngine(),
    )
    const incoming = new Promise<Call>((resolve) => bob.calls.once('incomingCall', resolve))
    const outgoing = alice.calls.call('bob')
    const callee = await incoming
    void callee.accept().catch(() => undefined)
    await expect(outgoing).rejects.toBeInstanceOf(CallFailedError)
    expect(fake!.signalingStats.dropped).toBeGreaterThanOrEqual(1)
  })
})

describe('library version negotiation', () => {
  it('offers every engine of a list, first engine first, and runs the call on the chosen one', async () => {
    const aliceV2 = signalingEngine()
    const aliceLegacy = new FakeEngine(['2.4.4'], 'legacy')
    const bobV2 = signalingEngine()
    const bobLegacy = new FakeEngine(['2.4.4'], 'legacy')
    const { alice, bob } = await parties({}, new CallEngineSet([aliceV2, aliceLegacy]), new CallEngineSet([bobV2, bobLegacy]))
    const { caller } = await callAndAnswer(alice, bob)
    const request = fake!.requestsOf('phone.requestCall')[0]!.request as tl.phone.RawRequestCallRequest
    expect(request.protocol.libraryVersions).toEqual([...V2, '2.4.4'])
    expect(caller.libraryVersion).toBe('13.0.0')
    expect(aliceV2.sessions).toHaveLength(1)
    expect(aliceLegacy.sessions).toHaveLength(0)
  })

  it('falls back to the legacy engine when the other side offers only 2.4.4', async () => {
    const aliceV2 = signalingEngine()
    const aliceLegacy = new FakeEngine(['2.4.4'], 'legacy')
    const bobLegacy = new FakeEngine(['2.4.4'], 'legacy')
    const { alice, bob } = await parties({}, new CallEngineSet([aliceV2, aliceLegacy]), bobLegacy)
    const { caller, callee } = await callAndAnswer(alice, bob)
    expect([caller.libraryVersion, callee.libraryVersion]).toEqual(['2.4.4', '2.4.4'])
    expect(aliceLegacy.sessions).toHaveLength(1)
    expect(aliceV2.sessions).toHaveLength(0)
  })

  it("takes the version the server chose, e.g. the callee's preference", async () => {
    const aliceEngine = signalingEngine()
    const bobEngine = signalingEngine(['8.0.0', '13.0.0'])
    const { alice, bob } = await parties({ libraryVersionChoice: 'callee' }, aliceEngine, bobEngine)
    const { caller } = await callAndAnswer(alice, bob)
    expect(caller.libraryVersion).toBe('8.0.0')
    expect(aliceEngine.sessions[0]!.options.libraryVersion).toBe('8.0.0')
  })

  it('no common version: the answer fails with CALL_PROTOCOL_COMPAT_LAYER_INVALID and both sides end failed', async () => {
    const { alice, bob } = await parties({}, signalingEngine(['13.0.0']), new FakeEngine(['2.4.4']))
    const incoming = new Promise<Call>((resolve) => bob.calls.once('incomingCall', resolve))
    const outgoing = alice.calls.call('bob')
    const callee = await incoming
    const answered = callee.accept()
    await expect(answered).rejects.toBeInstanceOf(CallFailedError)
    await expect(outgoing).rejects.toBeInstanceOf(CallFailedError)
    expect(tl.RpcError.is(callee.error?.cause, 'CALL_PROTOCOL_COMPAT_LAYER_INVALID')).toBe(true)
  })

  it('rejects engine lists that are empty or claim a version twice, and sessions for versions nobody speaks', () => {
    expect(() => callsPlugin({ engine: [] })).toThrow(CallOptionsError)
    expect(() => new CallEngineSet([new FakeEngine(['2.4.4'], 'a'), new FakeEngine(['2.4.4'], 'b')])).toThrow(CallOptionsError)
    const set = new CallEngineSet([signalingEngine()])
    expect(() => set.createSession({ libraryVersion: '2.4.4' } as Parameters<CallEngine['createSession']>[0])).toThrow(
      UnsupportedLibraryVersionError,
    )
  })
})
