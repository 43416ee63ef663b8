import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { CallState, DataSaving, VoIPController, type Endpoint } from '../../src/index.js'
import { LocalRelay } from '../../src/testing/index.js'
import { audibleShare, SineGenerator } from '../helpers/audio.js'
import { sleep, waitForState } from './helpers/call-pair.js'
import { useRelay } from './helpers/relay-fixture.js'

function controller(key: Uint8Array, isOutgoing: boolean, endpoints: Endpoint[], dataSaving = DataSaving.NEVER): VoIPController {
  const c = new VoIPController()
  c.setConfig({ initTimeout: 5, recvTimeout: 5, dataSavingMode: dataSaving, callId: 9n })
  c.setEncryptionKey(key, isOutgoing)
  c.setRemoteEndpoints(endpoints, false, false, 92)
  const tone = new SineGenerator(isOutgoing ? 440 : 880)
  c.setSendAudioFrameCallback((length) => tone.next(length / 2))
  return c
}

describe('relays and configuration', () => {
  const fixture = useRelay()

  it('uses the relay the handshake arrived through and reports it as preferred', async () => {
    const far = await fixture.relay({ delayMs: 150 })
    const near = await fixture.relay()
    const farTags = LocalRelay.createTagPair()
    const nearTags = LocalRelay.createTagPair()
    const key = new Uint8Array(randomBytes(256))
    // The far relay is listed first, so it starts as current and preferred (§10.1).
    const endpoints = (side: 'callerTag' | 'calleeTag'): Endpoint[] => [
      { id: 1001n, ip: '127.0.0.1', ipv6: '', port: far.port, peerTag: farTags[side] },
      { id: 1002n, ip: '127.0.0.1', ipv6: '', port: near.port, peerTag: nearTags[side] },
    ]
    const caller = controller(key, true, endpoints('callerTag'))
    const callee = controller(key, false, endpoints('calleeTag'))
    const received: Int16Array[] = []
    callee.setRecvAudioFrameCallback((frame) => received.push(new Int16Array(frame.slice().buffer)))
    try {
      caller.connect()
      callee.connect()
      await waitForState(callee, CallState.ESTABLISHED, 3000)
      await sleep(2000)
      expect(caller.getPreferredRelayId()).toBe(1002n)
      expect(callee.getPreferredRelayId()).toBe(1002n)
      const nearForwarded = near.stats.forwarded
      const farForwarded = far.stats.forwarded
      expect(nearForwarded).toBeGreaterThan(50)
      // The far relay only saw the handshake and the pings.
      expect(farForwarded).toBeLessThan(nearForwarded / 4)
      expect(audibleShare(received)).toBeGreaterThan(0.9)
      expect(JSON.parse(caller.getDebugLog()).relays).toHaveLength(2)
    } finally {
      caller.destroy()
      callee.destroy()
    }
  })

  it('switches to a relay with a clearly better PING round trip (§11.4)', async () => {
    const far = await fixture.relay({ delayMs: 100 })
    const near = await fixture.relay()
    const farTags = LocalRelay.createTagPair()
    const nearTags = LocalRelay.createTagPair()
    const key = new Uint8Array(randomBytes(256))
    const endpoints = (side: 'callerTag' | 'calleeTag'): Endpoint[] => [
      { id: 1001n, ip: '127.0.0.1', ipv6: '', port: far.port, peerTag: farTags[side] },
      { id: 1002n, ip: '127.0.0.1', ipv6: '', port: near.port, peerTag: nearTags[side] },
    ]
    const caller = controller(key, true, endpoints('callerTag'))
    const callee = controller(key, false, endpoints('calleeTag'))
    try {
      near.setAnswering(false) // the handshake can only succeed through the far relay
      caller.connect()
      callee.connect()
      await waitForState(callee, CallState.ESTABLISHED, 3000)
      expect(callee.getPreferredRelayId()).toBe(1001n)
      near.setAnswering(true)
      const deadline = Date.now() + 6000
      while (Date.now() < deadline && (caller.getPreferredRelayId() !== 1002n || callee.getPreferredRelayId() !== 1002n)) {
        await sleep(100)
      }
      expect(caller.getPreferredRelayId()).toBe(1002n)
      expect(callee.getPreferredRelayId()).toBe(1002n)
      const relays = JSON.parse(callee.getDebugLog()).relays as Array<{ id: string; rtt_ms: number }>
      expect(relays.find((r) => r.id === '1001')!.rtt_ms).toBeGreaterThan(150)
      expect(relays.find((r) => r.id === '1002')!.rtt_ms).toBeLessThan(50)
    } finally {
      caller.destroy()
      callee.destroy()
    }
  })

  it('data saving on one side holds both sides at the saving bitrate', async () => {
    const relay = await fixture.relay()
    const tags = LocalRelay.createTagPair()
    const key = new Uint8Array(randomBytes(256))
    const at = (tag: Uint8Array): Endpoint[] => [{ id: 1n, ip: '127.0.0.1', ipv6: '', port: relay.port, peerTag: tag }]
    const caller = controller(key, true, at(tags.callerTag), DataSaving.ALWAYS)
    const callee = controller(key, false, at(tags.calleeTag))
    try {
      caller.connect()
      callee.connect()
      await waitForState(callee, CallState.ESTABLISHED, 3000)
      await sleep(2500)
      expect(caller.getStats().bitrate).toBe(8000)
      // The peer saw the INIT's data-saving flag (§12.3).
      expect(callee.getStats().bitrate).toBe(8000)
    } finally {
      caller.destroy()
      callee.destroy()
    }
  })

  it('lowers the bitrate when a long round trip keeps more than the congestion window in flight (§13)', async () => {
    const relay = await fixture.relay({ delayMs: 300 })
    const tags = LocalRelay.createTagPair()
    const key = new Uint8Array(randomBytes(256))
    const at = (tag: Uint8Array): Endpoint[] => [{ id: 1n, ip: '127.0.0.1', ipv6: '', port: relay.port, peerTag: tag }]
    const caller = controller(key, true, at(tags.callerTag))
    const callee = controller(key, false, at(tags.calleeTag))
    try {
      caller.connect()
      callee.connect()
      await waitForState(callee, CallState.ESTABLISHED, 3000)
      await sleep(4000)
      for (const end of [caller, callee]) {
        const stats = end.getStats()
        expect(stats.bitrate).toBeLessThan(16000)
        expect(stats.extraEcLevel).toBe(0) // nothing was lost: this is the delay rule, not the loss rule
      }
    } finally {
      caller.destroy()
      callee.destroy()
    }
  })

  it('debugCtl(1, bps) caps the bitrate', async () => {
    const relay = await fixture.relay()
    const tags = LocalRelay.createTagPair()
    const key = new Uint8Array(randomBytes(256))
    const at = (tag: Uint8Array): Endpoint[] => [{ id: 1n, ip: '127.0.0.1', ipv6: '', port: relay.port, peerTag: tag }]
    const caller = controller(key, true, at(tags.callerTag))
    const callee = controller(key, false, at(tags.calleeTag))
    try {
      caller.connect()
      callee.connect()
      await waitForState(callee, CallState.ESTABLISHED, 3000)
      caller.debugCtl(1, 12000)
      await sleep(1500)
      expect(caller.getStats().bitrate).toBeLessThanOrEqual(12000)
      expect(callee.getStats().bitrate).toBeGreaterThan(12000)
    } finally {
      caller.destroy()
      callee.destroy()
    }
  })
})
