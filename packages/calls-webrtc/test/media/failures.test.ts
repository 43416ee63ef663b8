/** Bad remote parameters fail the transport with typed errors; nothing hangs or crashes. */
import { afterEach, describe, expect, it } from 'vitest'
import {
  InvalidMediaParameterError,
  MediaConnectionError,
  MediaTransportState,
  NoRelayServerError,
  WebRtcMediaTransport,
} from '../../src/media/index.js'
import { whenState } from './audio.js'

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

  it('rejects malformed InitialSetup bodies, frames and options with typed errors', async () => {
    const callee = await transport(false)
    const valid = { ufrag: 'abcd', pwd: 'x'.repeat(22), renomination: false, fingerprints: [{ hash: 'sha-256', setup: 'actpass', fingerprint: 'AB:CD:EF' }] }
    for (const bad of [{}, { ...valid, ufrag: '' }, { ...valid, fingerprints: [] }, { ...valid, fingerprints: [{ hash: 'sha-256', setup: 'x', fingerprint: 'zz' }] }, null]) {
      expect(() => callee.setRemoteSetup(bad as never)).toThrow(InvalidMediaParameterError)
    }
    expect(() => callee.addRemoteCandidate({ sdpString: 'nonsense' })).toThrow(InvalidMediaParameterError)
    await expect(callee.writeFrame(new Int16Array(100))).rejects.toThrow(InvalidMediaParameterError)
    await expect(WebRtcMediaTransport.create({ isOutgoing: true, allowP2p: false })).rejects.toThrow(NoRelayServerError)
    await expect(WebRtcMediaTransport.create({ isOutgoing: true, simulatedLoss: { rate: 2 } })).rejects.toThrow(InvalidMediaParameterError)
  })
})
