/** p2p_allowed = false: only TURN relay candidates are gathered and signaled, and audio flows through the relay. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RtcServer } from '@tgvoip/calls-native/engine'
import { MediaTransportState } from '../../src/media/index.js'
import { dominantFrequency, playTone, record, sleep, whenState } from './audio.js'
import { createPair, type CallPair } from './pair.js'
import { ensureTurnServer, startTurnServer, type TurnServer } from './turn-server.js'

const installed = ensureTurnServer()
// CI installs what its tests need: there a missing coturn is a failure, not a skip.
if (!installed && process.env.CI) throw new Error('coturn is not installed and could not be installed (apt-get install coturn)')
if (!installed) console.warn('relay-only test skipped: coturn is not installed (apt-get install coturn, or run the tests as root)')

describe.skipIf(!installed)('WebRtcMediaTransport relay-only through coturn on 127.0.0.1', () => {
  let turn: TurnServer
  let pair: CallPair | undefined
  beforeAll(async () => {
    turn = await startTurnServer()
  })
  afterAll(async () => {
    await pair?.close()
    await turn?.stop()
  })

  it('signals relay candidates only, connects through the relay, carries the tone', async () => {
    const server: RtcServer = {
      id: 1n,
      ip: '127.0.0.1',
      ipv6: '',
      port: turn.port,
      username: turn.username,
      password: turn.password,
      turn: true,
      stun: true,
    }
    const options = { loopback: true, allowP2p: false, rtcServers: [server] }
    pair = await createPair(options)
    const signaled: string[] = []
    pair.caller.on('candidate', (c) => signaled.push(c.sdpString))
    pair.callee.on('candidate', (c) => signaled.push(c.sdpString))
    await Promise.all([whenState(pair.caller, MediaTransportState.Connected), whenState(pair.callee, MediaTransportState.Connected)])
    expect(pair.caller.stats().selectedPair).toMatch(/ relay -> udp 127\.0\.0\.1:\d+ relay$/)
    console.log(`relay-only connect: ${pair.caller.stats().connectMs.toFixed(0)} ms via ${pair.caller.stats().selectedPair}`)
    const atCallee = record(pair.callee)
    await playTone(pair.caller, 440, 1500)
    await sleep(200)
    atCallee.stop()
    expect(Math.abs(dominantFrequency(atCallee.frames.slice(20)) - 440)).toBeLessThanOrEqual(2)
    expect(signaled.length).toBeGreaterThan(0)
    for (const sdp of signaled) expect(sdp).toMatch(/ typ relay raddr 0\.0\.0\.0 rport 0/)
  })
})
