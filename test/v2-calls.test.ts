/**
 * tgcalls v2 calls end to end: two fake accounts with the calls plugin's default engines
 * (WebRtcCallEngine first, NativeCallEngine for 2.4.4), FakeTelegram relaying the signaling
 * blobs and marking calls for loopback media, real Opus audio over werift on 127.0.0.1.
 */
import { randomBytes } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'

import type { Call, CallEngine, CallEngineSessionOptions, MediaSession } from '@tgvoip/calls'
import { CallEndReason, CallFailedError, callsPlugin, NativeCallEngine, PhoneCallState } from '@tgvoip/calls'
import { ToneAnalyzer, ToneSource } from '@tgvoip/calls-audio'
import {
  SignalingKeyMismatchError,
  SignalingUnusableError,
  UnsupportedServerSwitchError,
  WebRtcCallEngine,
  type WebRtcCallEngineOptions,
} from '@tgvoip/calls-webrtc'

import { audible, establishCall, medianFrequency, sleep, twoAccounts, type TwoAccounts } from './support/two-accounts.js'

let env: TwoAccounts | undefined
afterEach(async () => {
  await env?.destroy()
  env = undefined
})

const V2_VERSIONS = ['13.0.0', '12.0.0', '8.0.0']
const chooseVersion = (version: string) => () => version

/** The default engines, the v2 one with options (e.g. simulated loss). */
function engines(options: WebRtcCallEngineOptions): CallEngine[] {
  return [new WebRtcCallEngine(options), new NativeCallEngine()]
}

/** Gets a key other than the peer's (the DH exchange itself cannot produce that). */
class WrongKeyEngine extends WebRtcCallEngine {
  override createSession(options: CallEngineSessionOptions): MediaSession {
    return super.createSession({ ...options, key: randomBytes(256) })
  }
}

/** Collects every received frame. */
class FrameCollector {
  readonly frames: Int16Array[] = []
  write(frame: Int16Array): void {
    this.frames.push(frame)
  }
}

function rms(frame: Int16Array): number {
  let sum = 0
  for (const sample of frame) sum += sample * sample
  return Math.sqrt(sum / frame.length)
}

/** Share of audible frames between the first and the last audible one. */
function audibleShare(frames: readonly Int16Array[]): number {
  const loud = frames.map((frame) => rms(frame) > 300)
  const span = loud.slice(loud.indexOf(true), loud.lastIndexOf(true) + 1)
  return span.length === 0 ? 0 : span.filter(Boolean).length / span.length
}

/** The first error in `error`'s cause chain that is an instance of `type`. */
function causeOf<T extends Error>(error: unknown, type: new (...args: never[]) => T): T | undefined {
  for (let e = error; e instanceof Error; e = e.cause) if (e instanceof type) return e
  return undefined
}

/** Resolves with a call's end error once it is finished. */
async function endError(call: Call): Promise<Error | null> {
  await call.ended
  return call.error
}

describe('tgcalls v2 calls through FakeTelegram (default engines)', () => {
  for (const version of V2_VERSIONS) {
    it(`${version}: established, each side hears the other's tone within ±2 Hz`, async () => {
      env = await twoAccounts({ libraryVersionChoice: chooseVersion(version) })
      const aliceHears = new ToneAnalyzer({ windowMs: 250 })
      const bobHears = new ToneAnalyzer({ windowMs: 250 })
      const { aliceCall, bobCall } = await establishCall(
        env,
        { source: new ToneSource({ frequencies: 440 }), sink: aliceHears },
        { source: new ToneSource({ frequencies: 1000 }), sink: bobHears },
      )
      expect([aliceCall.libraryVersion, bobCall.libraryVersion]).toEqual([version, version])
      await sleep(1500)
      expect(Math.abs(medianFrequency(bobHears.results) - 440)).toBeLessThanOrEqual(2)
      expect(Math.abs(medianFrequency(aliceHears.results) - 1000)).toBeLessThanOrEqual(2)
      expect(audible(bobHears.results).length).toBeGreaterThanOrEqual(3)

      const stats = aliceCall.stats()!
      expect(stats.packetsReceived).toBeGreaterThan(20)
      expect(stats.lossRate).toBeLessThan(0.05)
      expect(stats.signalBars).toBeGreaterThanOrEqual(3)
      const log = JSON.parse(aliceCall.debugLog()!) as { engine: string; libraryVersion: string }
      expect(log).toMatchObject({ engine: 'tgcalls-v2-werift', libraryVersion: version })
      await aliceCall.hangup()
      // No Telegram relay is used by v2 (reflectors are not implemented): connection id 0.
      const discard = env.telegram.requestsOf('phone.discardCall')[0]!.request as { connectionId: unknown }
      expect(String(discard.connectionId)).toBe('0')
      expect(env.telegram.signalingStats.relayed).toBeGreaterThanOrEqual(4)
    })
  }

  it('15 % of the audio packets lost: at least 90 % of the frames stay audible (FEC + concealment)', async () => {
    env = await twoAccounts({}, { engine: engines({ simulatedLoss: { rate: 0.15, seed: 7 } }) })
    const bobHears = new FrameCollector()
    const { aliceCall } = await establishCall(env, { source: new ToneSource({ frequencies: 500, amplitude: 0.3 }) }, { sink: bobHears })
    await sleep(3000)
    await aliceCall.hangup()
    const frames = bobHears.frames.slice(10)
    expect(frames.length).toBeGreaterThan(100)
    expect(audibleShare(frames)).toBeGreaterThanOrEqual(0.9)
  })

  for (const version of ['8.0.0', '13.0.0']) {
    it(`${version}: signaling blobs dropped, duplicated and reordered still connect`, async () => {
      env = await twoAccounts({
        libraryVersionChoice: chooseVersion(version),
        signalingFaults: { dropRate: 0.25, duplicateRate: 0.25, reorderRate: 0.3, delayMs: 20, seed: 11 },
      })
      const bobHears = new ToneAnalyzer({ windowMs: 250 })
      const incoming = env.nextIncoming()
      const outgoing = env.alice.calls.call('bob', new ToneSource({ frequencies: 700 }))
      const bobCall = await incoming
      await bobCall.accept({ sink: bobHears })
      const aliceCall = await outgoing
      await Promise.all([aliceCall.entersState(PhoneCallState.Established, 20_000), bobCall.entersState(PhoneCallState.Established, 20_000)])
      await sleep(1200)
      const stats = env.telegram.signalingStats
      expect(stats.dropped + stats.duplicated + stats.reordered).toBeGreaterThan(0)
      expect(stats.dropped).toBeGreaterThan(0)
      expect(Math.abs(medianFrequency(bobHears.results) - 700)).toBeLessThanOrEqual(2)
      await aliceCall.hangup()
    }, 40_000)
  }

  it('a wrong key fails the call with SignalingKeyMismatchError, and nothing else breaks', async () => {
    env = await twoAccounts({ config: { callConnectTimeoutMs: 15_000 } })
    const carol = await env.telegram.createClient({ firstName: 'Carol', username: 'carol' })
    carol.use(callsPlugin({ engine: [new WrongKeyEngine(), new NativeCallEngine()] }))
    const incoming = env.nextIncoming(carol)
    const outgoing = env.alice.calls.call('carol')
    const carolCall = await incoming
    void carolCall.accept().catch(() => undefined)
    const error = await endError(carolCall)
    expect(error).toBeInstanceOf(CallFailedError)
    expect(causeOf(error, SignalingKeyMismatchError)).toBeDefined()
    // Alice learns it from Telegram (Carol discarded the call), long before any timeout.
    await expect(outgoing).rejects.toThrow(/other side lost the connection/)
    expect(env.alice.calls.activeCalls).toHaveLength(0)
  }, 30_000)

  for (const [version, expected] of [['8.0.0', SignalingKeyMismatchError], ['13.0.0', SignalingUnusableError]] as const) {
    it(`${version}: every blob altered on the way fails the call with ${expected.name}`, async () => {
      env = await twoAccounts({ libraryVersionChoice: chooseVersion(version), signalingFaults: { corruptRate: 1, seed: 3 } })
      const incoming = env.nextIncoming()
      const outgoing = env.alice.calls.call('bob').catch((err: unknown) => err)
      const bobCall = await incoming
      void bobCall.accept().catch(() => undefined)
      const error = await endError(bobCall)
      expect(error).toBeInstanceOf(CallFailedError)
      expect(causeOf(error, expected)).toBeDefined()
      await outgoing
    }, 30_000)
  }

  it('a server switch the engine cannot honour (network_use_mtproto) fails the call with UnsupportedServerSwitchError', async () => {
    env = await twoAccounts({ customParameters: { network_use_mtproto: true } })
    const incoming = env.nextIncoming()
    const outgoing = env.alice.calls.call('bob').catch((err: unknown) => err)
    const bobCall = await incoming
    void bobCall.accept().catch(() => undefined)
    const aliceError = await outgoing
    expect(aliceError).toBeInstanceOf(CallFailedError)
    expect(await bobCall.ended).toBe(CallEndReason.Failed)
    // Both engines refuse; whichever side starts its media first discards, the other may only hear of that.
    const refusal = causeOf(aliceError, UnsupportedServerSwitchError) ?? causeOf(bobCall.error, UnsupportedServerSwitchError)
    expect(refusal?.parameter).toBe('network_use_mtproto')
    const discard = env.telegram.requestsOf('phone.discardCall')[0]!.request as { reason: { _: string } }
    expect(discard.reason._).toBe('phoneCallDiscardReasonDisconnect')
  })

  it('hostile blobs (truncated, random, oversized, empty) are rejected; the call goes on', async () => {
    env = await twoAccounts({ libraryVersionChoice: chooseVersion('13.0.0') })
    const bobHears = new ToneAnalyzer({ windowMs: 250 })
    const { aliceCall, bobCall } = await establishCall(env, { source: new ToneSource({ frequencies: 800 }) }, { sink: bobHears })
    const hostile = [new Uint8Array(0), randomBytes(10), randomBytes(100), randomBytes(1500), randomBytes(200_000), randomBytes(12)]
    for (let i = 0; i < 50; i++) for (const blob of hostile) env.telegram.injectSignalingData(bobCall.id, 'callee', blob)
    await sleep(1500)
    expect(bobCall.state).toBe(PhoneCallState.Established)
    expect(Math.abs(medianFrequency(bobHears.results.slice(-4)) - 800)).toBeLessThanOrEqual(2)
    const rejected = (JSON.parse(bobCall.debugLog()!) as { signaling: { rejected: Record<string, number> } }).signaling.rejected
    expect(Object.values(rejected).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(hostile.length * 50)
    // Mute still reaches the peer afterwards (at once here; the bound leaves room for a loaded machine).
    aliceCall.mute()
    const peerMuted = (): boolean => (JSON.parse(bobCall.debugLog()!) as { peerMuted: boolean }).peerMuted
    for (let waited = 0; !peerMuted() && waited < 2000; waited += 50) await sleep(50)
    expect(peerMuted()).toBe(true)
    await aliceCall.hangup()
  })

  it('20 concurrent v2 calls, each hears only its own tone', async () => {
    env = await twoAccounts()
    const calls = 20
    const pairs = await Promise.all(
      Array.from({ length: calls }, async (_, i) => {
        const caller = await env!.telegram.createClient({ firstName: `Caller ${i}`, username: `caller${i}` })
        const callee = await env!.telegram.createClient({ firstName: `Callee ${i}`, username: `callee${i}` })
        caller.use(callsPlugin())
        callee.use(callsPlugin())
        return { caller, callee, hz: 300 + 60 * i, hears: new ToneAnalyzer({ windowMs: 500 }) }
      }),
    )
    const established = await Promise.all(
      pairs.map(async (p, i) => {
        const incoming = new Promise<Call>((resolve) => p.callee.calls.once('incomingCall', resolve))
        const outgoing = p.caller.calls.call(`callee${i}`, new ToneSource({ frequencies: p.hz }))
        const calleeCall = await incoming
        await calleeCall.accept({ sink: p.hears })
        const callerCall = await outgoing
        await Promise.all([callerCall.entersState(PhoneCallState.Established, 20_000), calleeCall.entersState(PhoneCallState.Established, 20_000)])
        expect(callerCall.libraryVersion).toBe('13.0.0')
        return callerCall
      }),
    )
    // 40 call ends on a shared 2-core machine: enough windows that a scheduling hiccup cannot move the median.
    await sleep(4000)
    const heard = pairs.map((p) => ({ sent: p.hz, heard: Math.round(medianFrequency(p.hears.results) * 10) / 10 }))
    // Tones are 60 Hz apart: cross-talk would move a median by tens of Hz. ±5 Hz leaves room for
    // concealed frames when 40 call ends share a loaded machine (±2 Hz is checked for single calls above).
    for (const { sent, heard: hz } of heard) expect(Math.abs(hz - sent), JSON.stringify(heard)).toBeLessThanOrEqual(5)
    await Promise.all(established.map((call) => call.hangup()))
  }, 90_000)

  it("network settings set the v2 encoder's bitrate: 8 kbit/s on GPRS, back up on Wi-Fi mid-call", async () => {
    env = await twoAccounts({}, { networkType: 'gprs' })
    const { aliceCall, bobCall } = await establishCall(env, { source: new ToneSource({ frequencies: 450 }) }, { sink: new FrameCollector() })
    await sleep(2200)
    expect(aliceCall.libraryVersion).toBe('13.0.0')
    const slow = aliceCall.stats()!.bitrate
    expect(slow).toBeGreaterThan(4000)
    expect(slow).toBeLessThanOrEqual(9000)
    aliceCall.setNetworkType('wifi')
    await sleep(2200)
    expect(aliceCall.stats()!.bitrate).toBeGreaterThan(16_000)
    expect(bobCall.stats()!.bitrate).toBeLessThanOrEqual(9000)
    await aliceCall.hangup()
  })

  it('falls back to the legacy engine when the other side offers only 2.4.4', async () => {
    env = await twoAccounts()
    const dave = await env.telegram.createClient({ firstName: 'Dave', username: 'dave' })
    dave.use(callsPlugin({ engine: new NativeCallEngine() }))
    const daveHears = new ToneAnalyzer({ windowMs: 250 })
    const incoming = env.nextIncoming(dave)
    const outgoing = env.alice.calls.call('dave', new ToneSource({ frequencies: 550 }))
    const daveCall = await incoming
    await daveCall.accept({ sink: daveHears })
    const aliceCall = await outgoing
    await Promise.all([aliceCall.entersState(PhoneCallState.Established, 5000), daveCall.entersState(PhoneCallState.Established, 5000)])
    expect([aliceCall.libraryVersion, daveCall.libraryVersion]).toEqual(['2.4.4', '2.4.4'])
    const request = env.telegram.requestsOf('phone.requestCall')[0]!.request as { protocol: { libraryVersions: string[] } }
    expect(request.protocol.libraryVersions).toEqual(['13.0.0', '12.0.0', '8.0.0', '2.4.4'])
    await sleep(1200)
    expect(Math.abs(medianFrequency(daveHears.results) - 550)).toBeLessThanOrEqual(2)
    expect(env.telegram.localRelays[0]!.stats.forwarded).toBeGreaterThan(20)
    await aliceCall.hangup()
  })
})
