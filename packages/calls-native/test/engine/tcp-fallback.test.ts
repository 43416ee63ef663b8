import { randomBytes } from 'node:crypto'
import { readdirSync } from 'node:fs'
import { beforeAll, describe, expect, it } from 'vitest'
import { CallState, VoIPController, type Endpoint } from '../../src/index.js'
import { LocalRelay } from '../../src/testing/index.js'
import { audibleShare, concat, dominantFrequency, SineGenerator } from '../helpers/audio.js'
import { sleep, waitForState } from './helpers/call-pair.js'
import { useRelay } from './helpers/relay-fixture.js'

const TCP_ID_MASK = 0x54435000n << 32n

function side(key: Uint8Array, isOutgoing: boolean, endpoint: Endpoint, tcp: boolean) {
  const controller = new VoIPController()
  controller.setConfig({ initTimeout: 6, recvTimeout: 4, dataSavingMode: 0, callId: 4n })
  controller.setEncryptionKey(key, isOutgoing)
  controller.setRemoteEndpoints([endpoint], false, tcp, 92)
  const tone = new SineGenerator(isOutgoing ? 440 : 880)
  controller.setSendAudioFrameCallback((length) => tone.next(length / 2))
  const received: Int16Array[] = []
  controller.setRecvAudioFrameCallback((frame) => received.push(new Int16Array(frame.slice().buffer)))
  return { controller, received }
}

const openFds = (): number => readdirSync('/proc/self/fd').length

async function checkCall(relay: LocalRelay, tcp: boolean, establishWithinMs: number): Promise<void> {
  await sleep(50)
  const baseline = openFds()
  const tags = LocalRelay.createTagPair()
  const key = new Uint8Array(randomBytes(256))
  const at = (tag: Uint8Array): Endpoint => ({ id: 55n, ip: '127.0.0.1', ipv6: '', port: relay.port, peerTag: tag })
  const caller = side(key, true, at(tags.callerTag), tcp)
  const callee = side(key, false, at(tags.calleeTag), tcp)
  try {
    caller.controller.connect()
    callee.controller.connect()
    await Promise.all([
      waitForState(caller.controller, CallState.ESTABLISHED, establishWithinMs),
      waitForState(callee.controller, CallState.ESTABLISHED, establishWithinMs),
    ])
    await sleep(2500)
    for (const [end, tone] of [
      [callee, 440],
      [caller, 880],
    ] as const) {
      expect(end.controller.getStats().currentEndpointId).toBe(55n ^ TCP_ID_MASK)
      const last = end.received.slice(-50)
      expect(audibleShare(last)).toBeGreaterThan(0.9)
      expect(Math.abs(dominantFrequency(concat(last)) - tone)).toBeLessThanOrEqual(2)
    }
    // phone.discardCall still gets the relay id Telegram handed out.
    expect(caller.controller.getPreferredRelayId()).toBe(55n)
  } finally {
    caller.controller.destroy()
    callee.controller.destroy()
  }
  // UDP sockets and TCP links (and the relay's accepted connections) are all closed.
  for (let i = 0; i < 50 && openFds() > baseline; i++) await sleep(20)
  expect(openFds()).toBeLessThanOrEqual(baseline)
}

describe('TCP relay transport (§10.5, §10.6)', () => {
  const fixture = useRelay()

  // The engine thread's own descriptors appear on first use: not a leak.
  beforeAll(() => new VoIPController().destroy())

  it('falls back to obfuscated TCP when the relay never answers over UDP', async () => {
    const relay = await fixture.relay()
    relay.setUdpEnabled(false)
    await checkCall(relay, false, 5000)
  })

  it('uses TCP from the start when asked to (setRemoteEndpoints tcp = true)', async () => {
    const relay = await fixture.relay()
    relay.setUdpEnabled(false)
    await checkCall(relay, true, 1500)
  })
})
