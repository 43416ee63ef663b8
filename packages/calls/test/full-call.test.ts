import { afterEach, describe, expect, it, vi } from 'vitest'

import { calcFingerprint, CallEndReason, PhoneCallState, generateVisualization } from '../src/index.js'
import type { Call } from '../src/index.js'
import { twoParties } from './support/setup.js'
import type { TwoParties } from './support/setup.js'

let env: TwoParties | undefined
afterEach(async () => {
  vi.useRealTimers()
  await env?.cleanup()
  env = undefined
})

function recordStates(call: Call, states: PhoneCallState[] = []): PhoneCallState[] {
  states.push(call.state)
  call.on('stateChange', (_old, next) => states.push(next))
  return states
}

async function establish(e: TwoParties): Promise<{ caller: Call; callee: Call; calleeStates: PhoneCallState[] }> {
  const incoming = e.nextIncoming()
  const outgoing = e.alice.calls.call('bob')
  const callee = await incoming
  const calleeStates = recordStates(callee)
  const [caller] = await Promise.all([outgoing, callee.accept()])
  return { caller, callee, calleeStates }
}

describe('a full call from Alice to Bob', () => {
  it('derives the same 256-byte key, fingerprint and emojis on both sides', async () => {
    env = await twoParties()
    const { caller, callee } = await establish(env)

    const aliceSession = env.aliceEngine.sessions[0]!
    const bobSession = env.bobEngine.sessions[0]!
    expect(aliceSession.options.key).toHaveLength(256)
    expect(Buffer.from(aliceSession.options.key).equals(Buffer.from(bobSession.options.key))).toBe(true)
    expect(aliceSession.options.isOutgoing).toBe(true)
    expect(bobSession.options.isOutgoing).toBe(false)

    const server = env.fake.calls.get(caller.id)!
    expect(caller.id).toBe(callee.id)
    expect(caller.keyFingerprint).toBe(calcFingerprint(aliceSession.options.key))
    expect(callee.keyFingerprint).toBe(caller.keyFingerprint)
    expect(server.keyFingerprint).toBe(caller.keyFingerprint)
    // Emojis come from the caller's g_a, which the server relayed.
    expect(caller.emojis).toEqual(generateVisualization(aliceSession.options.key, server.gA!).emojis)
    expect(callee.emojis).toEqual(caller.emojis)
    expect(caller.emojis).toHaveLength(4)

    expect(caller.state).toBe(PhoneCallState.Established)
    expect(callee.state).toBe(PhoneCallState.Established)
    expect(caller.peer?.firstName).toBe('Bob')
    expect(callee.peer?.firstName).toBe('Alice')
    expect(caller.isOutgoing).toBe(true)
    expect(callee.isOutgoing).toBe(false)
  })

  it('hands the engine the endpoints, layer, version, timeouts and server config', async () => {
    env = await twoParties({
      relays: [
        { id: 11n, ip: '127.0.0.1', port: 5000 },
        { id: 12n, ip: '127.0.0.2', ipv6: '::1', port: 5001, tcp: true },
      ],
      p2pAllowed: true,
      callConfig: { audio_max_bitrate: 12345 },
      config: { callConnectTimeoutMs: 7000, callPacketTimeoutMs: 3000 },
    })
    await establish(env)
    const a = env.aliceEngine.sessions[0]!.options
    const b = env.bobEngine.sessions[0]!.options
    expect(a.endpoints.map((e) => [e.id, e.ip, e.port, e.tcp])).toEqual([
      [11n, '127.0.0.1', 5000, false],
      [12n, '127.0.0.2', 5001, true],
    ])
    expect(b.endpoints[1]!.ipv6).toBe('::1')
    // Default peer tags: one random 16-byte tag per relay; the sides differ only in bit 0 of byte 15.
    for (let i = 0; i < 2; i++) {
      const callerTag = a.endpoints[i]!.peerTag
      const calleeTag = b.endpoints[i]!.peerTag
      expect(callerTag).toHaveLength(16)
      expect(Buffer.from(callerTag.subarray(0, 15)).equals(Buffer.from(calleeTag.subarray(0, 15)))).toBe(true)
      expect([callerTag[15]! & 1, calleeTag[15]! & 1]).toEqual([0, 1])
      expect(callerTag[15]! >> 1).toBe(calleeTag[15]! >> 1)
    }
    expect(Buffer.from(a.endpoints[0]!.peerTag).equals(Buffer.from(a.endpoints[1]!.peerTag))).toBe(false)
    expect(a.allowP2p).toBe(true)
    expect(a.maxLayer).toBe(92)
    expect(b.maxLayer).toBe(a.maxLayer)
    expect(a.libraryVersion).toBe('2.4.4')
    expect(a.connectTimeoutMs).toBe(7000)
    expect(a.packetTimeoutMs).toBe(3000)
    expect(a.serverConfig).toEqual({ audio_max_bitrate: 12345 })
  })

  it('lets a hook choose per-side peer tags', async () => {
    env = await twoParties({
      relays: [{ id: 1n, ip: '127.0.0.1', port: 1 }],
      peerTag: ({ side }) => new Uint8Array(16).fill(side === 'caller' ? 1 : 2),
    })
    await establish(env)
    expect(env.aliceEngine.sessions[0]!.options.endpoints[0]!.peerTag[0]).toBe(1)
    expect(env.bobEngine.sessions[0]!.options.endpoints[0]!.peerTag[0]).toBe(2)
  })

  it('sends receivedCall at once, so the caller rings before the answer', async () => {
    // Updates lag the RPC answers slightly, so the caller sees every step in order.
    env = await twoParties({ updateDelayMs: 2 })
    const callerStates: PhoneCallState[] = []
    env.alice.calls.once('outgoingCall', (call) => recordStates(call, callerStates))
    const incoming = env.nextIncoming()
    const outgoing = env.alice.calls.call('bob')
    const callee = await incoming
    await vi_waitFor(() => callerStates.includes(PhoneCallState.Ringing))
    expect(env.fake.requestsOf('phone.receivedCall')).toHaveLength(1)
    await callee.accept()
    await outgoing
    expect(callerStates).toEqual([
      PhoneCallState.Requesting,
      PhoneCallState.Waiting,
      PhoneCallState.Ringing,
      PhoneCallState.ExchangingKeys,
      PhoneCallState.Connecting,
      PhoneCallState.Established,
    ])
  })

  it('walks the callee through ringing -> exchangingKeys -> connecting -> established', async () => {
    env = await twoParties()
    const { calleeStates } = await establish(env)
    expect(calleeStates).toEqual([PhoneCallState.Ringing, PhoneCallState.ExchangingKeys, PhoneCallState.Connecting, PhoneCallState.Established])
  })

  it('reaches established without an engine (signaling only)', async () => {
    env = await twoParties({}, { noEngine: true })
    const { caller, callee } = await establish(env)
    expect(caller.state).toBe(PhoneCallState.Established)
    expect(callee.emojis).toEqual(caller.emojis)
    expect(caller.session).toBeNull()
  })

  it.each(['caller', 'callee'] as const)('hangs up from the %s: discard with duration and relay id, other side ends', async (who) => {
    env = await twoParties({ relays: [{ id: 77n, ip: '127.0.0.1', port: 1 }] })
    const { caller, callee } = await establish(env)
    const [me, other] = who === 'caller' ? [caller, callee] : [callee, caller]
    await me.hangup()
    expect(me.state).toBe(PhoneCallState.Ended)
    expect(await me.ended).toBe(CallEndReason.HungUp)
    expect(await other.ended).toBe(CallEndReason.HungUp)
    expect(other.state).toBe(PhoneCallState.Ended)
    const discards = env.fake.requestsOf('phone.discardCall')
    expect(discards).toHaveLength(1)
    const server = env.fake.calls.get(caller.id)!
    expect(server.discard).toMatchObject({ reason: 'phoneCallDiscardReasonHangup', connectionId: 77n, duration: 0 })
    expect(server.discard!.byUserId).toBe(who === 'caller' ? env.alice.storage.self.getCached()!.userId : env.bob.storage.self.getCached()!.userId)
    // Both media sessions are closed: nothing leaks.
    expect(env.aliceEngine.sessions[0]!.closed).toBe(true)
    expect(env.bobEngine.sessions[0]!.closed).toBe(true)
    expect(env.alice.calls.activeCalls).toHaveLength(0)
    expect(env.bob.calls.activeCalls).toHaveLength(0)
  })

  it('reports the established duration in phone.discardCall', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    env = await twoParties()
    const { caller, callee } = await establish(env)
    await vi.advanceTimersByTimeAsync(7_500)
    expect(caller.duration).toBe(7)
    await callee.hangup()
    expect(env.fake.requestsOf('phone.discardCall')[0]!.request).toMatchObject({ duration: 7 })
    await vi.advanceTimersByTimeAsync(60_000)
    expect(caller.duration).toBe(7)
  })

  it('asks for a rating and sends it; sends the engine debug log when asked', async () => {
    env = await twoParties({ needRating: true, needDebug: true })
    const { caller, callee } = await establish(env)
    const calleeAsked = new Promise<void>((resolve) => callee.once('needRating', resolve))
    const callerAsked = new Promise<void>((resolve) => caller.once('needRating', resolve))
    const debugAsked = new Promise<void>((resolve) => callee.once('needDebug', resolve))
    await caller.hangup()
    await Promise.all([calleeAsked, callerAsked, debugAsked])
    await callee.rate(4, 'clear enough')
    const server = env.fake.calls.get(caller.id)!
    expect(server.rating).toEqual({ rating: 4, comment: 'clear enough' })
    await vi_waitFor(() => env!.fake.requestsOf('phone.saveCallDebug').length >= 2)
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(env.fake.requestsOf('phone.saveCallDebug').map((r) => r.userId).sort()).toEqual([1000, 1001])
    expect(JSON.parse(server.debugLog!)).toMatchObject({ engine: 'fake', callId: String(caller.id) })
    await expect(callee.rate(9)).rejects.toThrow(/1 to 5/)
  })

  it('pumps audio between source/sink and the media session', async () => {
    env = await twoParties()
    const frame = new Int16Array(960).fill(7)
    async function* source() {
      yield frame
      yield frame
    }
    const received: Int16Array[] = []
    const incoming = env.nextIncoming()
    const outgoing = env.alice.calls.call('bob', source())
    const callee = await incoming
    await callee.accept({ sink: { write: (f) => void received.push(f) } })
    await outgoing
    await vi_waitFor(() => env!.aliceEngine.sessions[0]!.written.length === 2)
    env.bobEngine.sessions[0]!.receiveFrame(frame)
    await vi_waitFor(() => received.length === 1)
    expect(received[0]![0]).toBe(7)
  })
})

async function vi_waitFor(predicate: () => boolean, timeoutMs = 2000): Promise<void> {
  const start = Date.now()
  while (!predicate()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 1))
  }
}
