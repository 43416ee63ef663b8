import { describe, expect, it } from 'vitest'
import { P2P_INET_ENDPOINT_ID, P2P_LAN_ENDPOINT_ID } from '../../src/index.js'
import { audibleShare, concat, dominantFrequency } from '../helpers/audio.js'
import { connectEstablished, sleep, type PairOptions } from './helpers/call-pair.js'
import { useRelay } from './helpers/relay-fixture.js'

const isP2p = (id: bigint): boolean => id === P2P_INET_ENDPOINT_ID || id === P2P_LAN_ENDPOINT_ID

/** 440 Hz from the caller and 880 Hz back, through one relay with endpoint id 77. */
const CALL: PairOptions = { callerTone: 440, calleeTone: 880, recvTimeout: 4 }

describe('peer-to-peer (§11)', () => {
  const fixture = useRelay()

  it('moves the audio off a slow relay onto the direct path, and keeps it flowing', async () => {
    const relay = await fixture.relay({ delayMs: 40 })
    const pair = fixture.pair([{ relay, id: 77n }], { ...CALL, allowP2p: true })
    await connectEstablished(pair)
    const { caller, callee } = pair
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
  })

  it('stays on the relay when P2P is not allowed', async () => {
    const relay = await fixture.relay({ delayMs: 40 })
    const pair = fixture.pair([{ relay, id: 77n }], { ...CALL, allowP2p: false })
    await connectEstablished(pair)
    await sleep(4500)
    expect(pair.caller.controller.getStats().currentEndpointId).toBe(77n)
    expect(pair.callee.controller.getStats().currentEndpointId).toBe(77n)
    expect(relay.stats.peerInfosAnswered).toBe(0)
  })
})
