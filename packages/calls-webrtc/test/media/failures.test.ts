/** Bad remote parameters fail the transport with typed errors; nothing hangs or crashes. */
import { afterEach, describe, expect, it } from 'vitest'
import {
  InvalidMediaParameterError,
  MediaConnectionError,
  MediaTransportState,
  NoRelayServerError,
  WebRtcMediaTransport,
} from '../../src/media/index.js'
import { sleep, whenState } from './audio.js'
import { createPair } from './pair.js'

const open: WebRtcMediaTransport[] = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((t) => t.close()))
})

async function transport(isOutgoing: boolean, connectTimeoutMs?: number): Promise<WebRtcMediaTransport> {
  const created = await WebRtcMediaTransport.create({ isOutgoing, loopback: true, connectTimeoutMs })
  open.push(created)
  return created
}

function failure(t: WebRtcMediaTransport): Promise<Error> {
  return new Promise((resolve) => t.once('error', resolve))
}

describe('WebRtcMediaTransport failures', () => {
  it('fails the call when the peer certificate does not match the signaled fingerprint', async () => {
    const caller = await transport(true)
    const callee = await transport(false)
    caller.on('candidate', (c) => callee.addRemoteCandidate(c))
    callee.on('candidate', (c) => caller.addRemoteCandidate(c))
    const forged = caller.localSetup
    const [first] = forged.fingerprints
    const flipped = first!.fingerprint.startsWith('00') ? `11${first!.fingerprint.slice(2)}` : `00${first!.fingerprint.slice(2)}`
    callee.setRemoteSetup({ ...forged, fingerprints: [{ ...first!, fingerprint: flipped }] })
    caller.setRemoteSetup(callee.localSetup)
    const error = failure(callee)
    caller.start()
    callee.start()
    const reason = await error
    expect(reason).toBeInstanceOf(MediaConnectionError)
    expect(reason.message).toMatch(/fingerprint/)
    expect(callee.state).toBe(MediaTransportState.Failed)
  })

  it('fails after the watchdog time when the peer never answers', async () => {
    const caller = await transport(true, 800)
    caller.setRemoteSetup({ ufrag: 'abcd', pwd: 'a'.repeat(22), renomination: false, fingerprints: [{ hash: 'sha-256', setup: 'passive', fingerprint: 'AB:CD' }] })
    expect(caller.addRemoteCandidate({ sdpString: 'candidate:1 1 udp 2122260223 127.0.0.1 9 typ host' })).toBe(true)
    const error = failure(caller)
    caller.start()
    expect(await error).toBeInstanceOf(MediaConnectionError)
    await whenState(caller, MediaTransportState.Failed, 100)
  })

  it('goes disconnected when the peer vanishes, then fails after the watchdog time (§7.1)', async () => {
    const { caller, callee } = await createPair({ loopback: true, silenceTimeoutMs: 1500, connectTimeoutMs: 2000 })
    open.push(caller, callee)
    await Promise.all([whenState(caller, MediaTransportState.Connected), whenState(callee, MediaTransportState.Connected)])
    await sleep(500)
    const vanishedAt = performance.now()
    await callee.close()
    const error = failure(caller)
    await whenState(caller, MediaTransportState.Disconnected, 4000)
    const disconnectedAfter = performance.now() - vanishedAt
    expect(disconnectedAfter).toBeGreaterThanOrEqual(1000)
    expect(await error).toBeInstanceOf(MediaConnectionError)
    expect(performance.now() - vanishedAt - disconnectedAfter).toBeGreaterThanOrEqual(1900)
    expect(caller.state).toBe(MediaTransportState.Failed)
  })

  it('rejects malformed InitialSetup bodies, frames and options with typed errors', async () => {
    const callee = await transport(false)
    const valid = { ufrag: 'abcd', pwd: 'x'.repeat(22), renomination: false, fingerprints: [{ hash: 'sha-256', setup: 'actpass', fingerprint: 'AB:CD:EF' }] }
    for (const bad of [{}, { ...valid, ufrag: '' }, { ...valid, fingerprints: [] }, { ...valid, fingerprints: [{ hash: 'sha-256', setup: 'x', fingerprint: 'zz' }] }, null]) {
      expect(() => callee.setRemoteSetup(bad as never)).toThrow(InvalidMediaParameterError)
    }
    expect(() => callee.addRemoteCandidate({ sdpString: 'nonsense' })).toThrow(InvalidMediaParameterError)
    expect(() => callee.setRemoteSetup({ ...valid, pwd: 'p'.repeat(257) })).toThrow(InvalidMediaParameterError)
    expect(() => callee.sendDataMessage('x'.repeat(20_000))).toThrow(InvalidMediaParameterError)
    const flood = Array.from({ length: 150 }, (_, i) => callee.addRemoteCandidate({ sdpString: `candidate:${i} 1 udp 1 127.0.0.1 ${1000 + i} typ host` }))
    expect(flood.filter(Boolean)).toHaveLength(100)
    await expect(callee.writeFrame(new Int16Array(100))).rejects.toThrow(InvalidMediaParameterError)
    await expect(WebRtcMediaTransport.create({ isOutgoing: true, allowP2p: false })).rejects.toThrow(NoRelayServerError)
    await expect(WebRtcMediaTransport.create({ isOutgoing: true, simulatedLoss: { rate: 2 } })).rejects.toThrow(InvalidMediaParameterError)
    await expect(WebRtcMediaTransport.create({ isOutgoing: true, connectTimeoutMs: 0 })).rejects.toThrow(InvalidMediaParameterError)
  })
})
