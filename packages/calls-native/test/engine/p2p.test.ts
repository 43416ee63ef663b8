import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { CallState, P2P_INET_ENDPOINT_ID, P2P_LAN_ENDPOINT_ID, VoIPController, type Endpoint } from '../../src/index.js'
import { LocalRelay } from '../../src/testing/index.js'
import { audibleShare, concat, dominantFrequency, SineGenerator } from '../helpers/audio.js'
import { sleep, waitForState } from './helpers/call-pair.js'
import { useRelay } from './helpers/relay-fixture.js'

interface P2pSide {
  controller: VoIPController
  received: Int16Array[]
}

function side(key: Uint8Array, isOutgoing: boolean, endpoint: Endpoint, allowP2p: boolean): P2pSide {
  const controller = new VoIPController()
  controller.setConfig({ initTimeout: 5, recvTimeout: 4, dataSavingMode: 0, callId: 3n })
  controller.setEncryptionKey(key, isOutgoing)
  controller.setRemoteEndpoints([endpoint], allowP2p, false, 92)
  const tone = new SineGenerator(isOutgoing ? 440 : 880)
  controller.setSendAudioFrameCallback((length) => tone.next(length / 2))
  const received: Int16Array[] = []
  controller.setRecvAudioFrameCallback((frame) => received.push(new Int16Array(frame.slice().buffer)))
  return { controller, received }
}

async function call(relay: LocalRelay, allowP2p: boolean): Promise<[P2pSide, P2pSide]> {
  const tags = LocalRelay.createTagPair()
  const key = new Uint8Array(randomBytes(256))
  const at = (tag: Uint8Array): Endpoint => ({ id: 77n, ip: '127.0.0.1', ipv6: '', port: relay.port, peerTag: tag })
  const caller = side(key, true, at(tags.callerTag), allowP2p)
  const callee = side(key, false, at(tags.calleeTag), allowP2p)
  caller.controller.connect()
  callee.controller.connect()
  await waitForState(callee.controller, CallState.ESTABLISHED, 3000)
  return [caller, callee]
}

const isP2p = (id: bigint): boolean => id === P2P_INET_ENDPOINT_ID || id === P2P_LAN_ENDPOINT_ID

describe('peer-to-peer (§11)', () => {
  const fixture = useRelay()

  it('moves the audio off a slow relay onto the direct path, and keeps it flowing', async () => {
    const relay = await fixture.relay({ delayMs: 40 })
    const [caller, callee] = await call(relay, true)
    try {
      const deadline = Date.now() + 8000
      while (Date.now() < deadline && !(isP2p(caller.controller.getStats().currentEndpointId) && isP2p(callee.controller.getStats().currentEndpointId))) {
        await sleep(100)
      }
      expect(isP2p(caller.controller.getStats().currentEndpointId)).toBe(true)
      expect(isP2p(callee.controller.getStats().currentEndpointId)).toBe(true)
      expect(relay.stats.peerInfosAnswered).toBeGreaterThanOrEqual(2)
      // The relay stops carrying the call (pings every 10 s aside).
      await sleep(300)
      const before = relay.stats.forwarded
      await sleep(1000)
      expect(relay.stats.forwarded - before).toBeLessThan(3)
      for (const [end, tone] of [
        [callee, 440],
        [caller, 880],
      ] as const) {
        const last = end.received.slice(-40)
        expect(audibleShare(last)).toBeGreaterThan(0.9)
        expect(Math.abs(dominantFrequency(concat(last)) - tone)).toBeLessThanOrEqual(2)
      }
      // The relay stays the one reported for phone.discardCall.
      expect(caller.controller.getPreferredRelayId()).toBe(77n)
    } finally {
      caller.controller.destroy()
      callee.controller.destroy()
    }
  })

  it('stays on the relay when P2P is not allowed', async () => {
    const relay = await fixture.relay({ delayMs: 40 })
    const [caller, callee] = await call(relay, false)
    try {
      await sleep(4500)
      expect(caller.controller.getStats().currentEndpointId).toBe(77n)
      expect(callee.controller.getStats().currentEndpointId).toBe(77n)
      expect(relay.stats.peerInfosAnswered).toBe(0)
    } finally {
      caller.controller.destroy()
      callee.controller.destroy()
    }
  })
})
