/** Two transports of one call on loopback: connect, tone both ways, loss, mute, data channel, close. */
import { afterEach, describe, expect, it } from 'vitest'
import { MediaTransportClosedError, MediaTransportState } from '../../src/media/index.js'
import { audibleShare, dominantFrequency, playTone, record, rms, sleep, whenState } from './audio.js'
import { createPair, type CallPair } from './pair.js'

let pair: CallPair | undefined
afterEach(async () => {
  await pair?.close()
  pair = undefined
})

async function connected(options?: Parameters<typeof createPair>[0]): Promise<CallPair> {
  pair = await createPair(options)
  await Promise.all([whenState(pair.caller, MediaTransportState.Connected), whenState(pair.callee, MediaTransportState.Connected)])
  return pair
}

describe('WebRtcMediaTransport on loopback', () => {
  it('connects with caller = ICE controlling / DTLS client, over 127.0.0.1 host candidates only', async () => {
    const { caller, callee } = await connected()
    const { connectMs, selectedPair } = caller.stats()
    console.log(`loopback connect: caller ${connectMs.toFixed(0)} ms, callee ${callee.stats().connectMs.toFixed(0)} ms`)
    expect(connectMs).toBeLessThan(3000)
    expect(selectedPair).toMatch(/^udp 127\.0\.0\.1:\d+ host -> udp 127\.0\.0\.1:\d+ host$/)
    expect(caller.stats()).toMatchObject({ iceRole: 'controlling', dtlsRole: 'client' })
    expect(callee.stats()).toMatchObject({ iceRole: 'controlled', dtlsRole: 'server' })
    expect(caller.localSetup.fingerprints[0]!.setup).toBe('actpass')
    expect(callee.localSetup.fingerprints[0]!.setup).toBe('passive')
    expect(caller.localSetup.fingerprints[0]!.fingerprint).not.toBe(callee.localSetup.fingerprints[0]!.fingerprint)
  })

  it('carries 440 Hz one way and 660 Hz the other (±2 Hz)', async () => {
    const { caller, callee } = await connected()
    const atCallee = record(callee)
    const atCaller = record(caller)
    await Promise.all([playTone(caller, 440, 2500), playTone(callee, 660, 2500)])
    await sleep(300)
    atCallee.stop()
    atCaller.stop()
    expect(Math.abs(dominantFrequency(atCallee.frames.slice(25)) - 440)).toBeLessThanOrEqual(2)
    expect(Math.abs(dominantFrequency(atCaller.frames.slice(25)) - 660)).toBeLessThanOrEqual(2)
    const stats = callee.stats()
    expect(stats.audioPacketsReceived).toBeGreaterThanOrEqual(120)
    expect(stats.framesDecoded).toBeGreaterThanOrEqual(110)
    expect(stats.lossRate).toBe(0)
    // Both sides learn the round trip from RTCP (on loopback it is within a few ms, possibly 0).
    for (const side of [caller, callee]) {
      expect(side.stats().rttMs).toBeGreaterThanOrEqual(0)
      expect(side.stats().rttMs).toBeLessThan(100)
    }
  })

  it('keeps at least 90 % of frames audible with 15 % of the RTP dropped', async () => {
    const { caller, callee } = await connected({ loopback: true, simulatedLoss: { rate: 0.15, seed: 11 } })
    const atCallee = record(callee)
    await playTone(caller, 440, 4000)
    await sleep(200)
    atCallee.stop()
    const stats = callee.stats()
    console.log(`15 % loss: received ${stats.audioPacketsReceived}, lost ${stats.audioPacketsLost}, FEC ${stats.framesRecoveredByFec}, PLC ${stats.framesConcealed}`)
    expect(stats.lossRate).toBeGreaterThan(0.08)
    expect(stats.framesRecoveredByFec).toBeGreaterThan(0)
    expect(audibleShare(atCallee.frames)).toBeGreaterThanOrEqual(0.9)
    expect(Math.abs(dominantFrequency(atCallee.frames.slice(25)) - 440)).toBeLessThanOrEqual(2)
  })

  it('sends no RTP while muted, and the receiver plays silence for a muted peer', async () => {
    const { caller, callee } = await connected()
    const tone = playTone(caller, 440, 3000)
    await sleep(800)
    caller.setMuted(true)
    callee.setRemoteMuted(true)
    await sleep(200)
    const packetsAtMute = callee.stats().audioPacketsReceived
    const atCallee = record(callee)
    await sleep(800)
    atCallee.stop()
    expect(callee.stats().audioPacketsReceived - packetsAtMute).toBeLessThanOrEqual(1)
    expect(atCallee.frames.length).toBeGreaterThan(30)
    expect(atCallee.frames.every((f) => rms(f) === 0)).toBe(true)
    caller.setMuted(false)
    callee.setRemoteMuted(false)
    await sleep(600)
    expect(callee.stats().audioPacketsReceived - packetsAtMute).toBeGreaterThan(20)
    await tone
  })

  it('exchanges text on the data channel (id 0, negotiated both sides) in both directions', async () => {
    const { caller, callee } = await connected()
    const opened = (t: typeof caller): Promise<void> =>
      t.sendDataMessage('probe') ? Promise.resolve() : new Promise((resolve) => t.once('dataChannelOpen', resolve))
    await Promise.all([opened(caller), opened(callee)])
    const atCallee = new Promise<string>((resolve) => callee.on('dataMessage', (m) => m !== 'probe' && resolve(m)))
    const atCaller = new Promise<string>((resolve) => caller.on('dataMessage', (m) => m !== 'probe' && resolve(m)))
    const state = '{"@type": "MediaState", "lowBattery": false, "muted": true, "screencastState": "inactive", "videoRotation": 0, "videoState": "inactive"}'
    expect(caller.sendDataMessage(state)).toBe(true)
    expect(callee.sendDataMessage('{"@type": "MediaState", "muted": false}')).toBe(true)
    expect(await atCallee).toBe(state)
    expect(JSON.parse(await atCaller)).toMatchObject({ muted: false })
  })

  it('close() frees every socket and timer, ends frames(), releases writers', async () => {
    const count = (type: string): number => process.getActiveResourcesInfo().filter((r) => r === type).length
    await sleep(1200)
    const baseline = { sockets: count('UDPWrap'), timers: count('Timeout') }
    const { caller, callee } = await connected()
    const iterator = callee.frames()[Symbol.asyncIterator]()
    expect((await iterator.next()).done).toBe(false)
    expect(process.getActiveResourcesInfo().filter((r) => r === 'UDPWrap').length).toBeGreaterThanOrEqual(2)
    // A writer blocked on a full queue must not hang forever.
    const writes = Array.from({ length: 10 }, () => caller.writeFrame(new Int16Array(960)))
    await pair!.close()
    pair = undefined
    await Promise.all(writes)
    expect((await iterator.next()).done).toBe(true)
    expect(caller.state).toBe(MediaTransportState.Closed)
    await expect(caller.writeFrame(new Int16Array(960))).rejects.toThrow(MediaTransportClosedError)
    expect(() => callee.addRemoteCandidate({ sdpString: 'candidate:1 1 udp 1 127.0.0.1 1 typ host' })).toThrow(MediaTransportClosedError)
    await sleep(0)
    expect(count('UDPWrap')).toBe(baseline.sockets)
    // werift's DTLS handshake flights wait out their retransmission delay (at most 1 s) on
    // timers it cannot cancel; they end by themselves and then nothing of the call is left.
    await sleep(1100)
    expect(count('Timeout')).toBeLessThanOrEqual(baseline.timers)
  })
})
