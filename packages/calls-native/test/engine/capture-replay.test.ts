/**
 * Interop with the real library: datagrams a libtgvoip 2.5 caller sent in the recorded
 * calls of test/fixtures/captures are replayed, at their recorded timing, to our engine
 * playing the callee. It must handshake with them, decode the caller's 440 Hz, and in the
 * lossy recording repair the relay's dropped frames.
 */
import { createSocket } from 'node:dgram'
import { describe, expect, it } from 'vitest'
import { CallState, VoIPController } from '../../src/index.js'
import { isOutgoing, loadCapture } from '../conformance/capture.js'
import { audibleShare, concat, dominantFrequency } from '../helpers/audio.js'
import { sleep, waitForState } from './helpers/call-pair.js'

/** Our callee after `seconds` of the recorded caller's datagrams, with every frame it played. */
async function replayToOurCallee(scenario: string, seconds: number): Promise<{ callee: VoIPController; received: Int16Array[] }> {
  const capture = loadCapture(scenario)
  // What the real callee received from the caller through the relay.
  const callerDatagrams = capture.records.filter((r) => r.from === 'caller' && r.action === 'forwarded')
  const relay = createSocket('udp4')
  await new Promise<void>((resolve) => relay.bind(0, '127.0.0.1', resolve))
  const callee = new VoIPController()
  const received: Int16Array[] = []
  callee.setRecvAudioFrameCallback((frame) => received.push(new Int16Array(frame.slice().buffer)))
  callee.setConfig({ initTimeout: 5, recvTimeout: 5, dataSavingMode: 0, callId: 1n })
  callee.setEncryptionKey(capture.key, isOutgoing(capture, 'callee'))
  callee.setRemoteEndpoints([{ id: 1n, ip: '127.0.0.1', ipv6: '', port: relay.address().port, peerTag: capture.peerTag }], false, false, 92)
  const ourAddress = new Promise<{ address: string; port: number }>((resolve) => relay.once('message', (_m, r) => resolve(r)))
  callee.connect()
  const to = await ourAddress
  const start = Date.now()
  const t0 = callerDatagrams[0]!.t
  for (const record of callerDatagrams) {
    if (record.t - t0 > seconds) break
    const wait = (record.t - t0) * 1000 - (Date.now() - start)
    if (wait > 0) await sleep(wait)
    relay.send(Buffer.from(record.hex, 'hex'), to.port, to.address)
  }
  await sleep(300)
  relay.close()
  return { callee, received }
}

/** The caller's 440 Hz, played steadily from its start to the end of the replay. */
function expectCallerTone(received: Int16Array[], minAudibleShare: number): void {
  // The last 300 ms (15 frames) follow the end of the replay: the stream has stopped there.
  expect(audibleShare(received.slice(0, -15))).toBeGreaterThanOrEqual(minAudibleShare)
  expect(Math.abs(dominantFrequency(concat(received.slice(-60))) - 440)).toBeLessThanOrEqual(2)
}

describe('replaying real libtgvoip traffic into the engine', () => {
  it('relay-basic: handshakes and plays the caller’s 440 Hz', async () => {
    const { callee, received } = await replayToOurCallee('relay-basic', 3.5)
    try {
      await waitForState(callee, CallState.ESTABLISHED, 1)
      const stats = callee.getStats()
      expect(stats.peerVersion).toBe(9)
      expect(stats.packetsDropped).toBe(0)
      expectCallerTone(received, 0.95)
    } finally {
      callee.destroy()
    }
  })

  // The recorded extra-FEC entries hold no Opus (libtgvoip 2.5 sent heap bytes there, see
  // test/conformance/relay-loss-fec.test.ts), so recovery here comes from the real
  // peer's in-band FEC, and the bogus copies must be rejected rather than played.
  it('relay-loss: repairs dropped frames and refuses the recording’s bogus FEC copies', async () => {
    const { callee, received } = await replayToOurCallee('relay-loss', 6)
    try {
      const stats = callee.getStats()
      expect(stats.packetsDropped).toBe(0)
      expect(stats.framesRecoveredByInbandFec).toBeGreaterThan(0)
      expect(stats.fecCopiesRejected).toBeGreaterThan(0)
      expect(stats.framesRecoveredByExtraFec).toBe(0)
      expectCallerTone(received, 0.9)
    } finally {
      callee.destroy()
    }
  })
})
