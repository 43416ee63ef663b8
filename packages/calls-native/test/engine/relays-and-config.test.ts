import { describe, expect, it } from 'vitest'
import { DataSaving } from '../../src/index.js'
import type { LocalRelay } from '../../src/testing/index.js'
import { audibleShare } from '../helpers/audio.js'
import { connectEstablished, sleep, type RelayEntry } from './helpers/call-pair.js'
import { useRelay } from './helpers/relay-fixture.js'

/** The far relay is listed first, so it starts as current and preferred (§10.1). */
const farThenNear = (far: LocalRelay, near: LocalRelay): RelayEntry[] => [
  { relay: far, id: 1001n },
  { relay: near, id: 1002n },
]

describe('relays and configuration', () => {
  const fixture = useRelay()
  const tones = { callerTone: 440, calleeTone: 880 }

  it('uses the relay the handshake arrived through and reports it as preferred', async () => {
    const far = await fixture.relay({ delayMs: 150 })
    const near = await fixture.relay()
    const pair = fixture.pair(farThenNear(far, near), tones)
    const [caller, callee] = await connectEstablished(pair)
    await sleep(2000)
    expect(caller.getPreferredRelayId()).toBe(1002n)
    expect(callee.getPreferredRelayId()).toBe(1002n)
    const nearForwarded = near.stats.forwarded
    const farForwarded = far.stats.forwarded
    expect(nearForwarded).toBeGreaterThan(50)
    // The far relay only saw the handshake and the pings.
    expect(farForwarded).toBeLessThan(nearForwarded / 4)
    expect(audibleShare(pair.callee.received)).toBeGreaterThan(0.9)
    expect(JSON.parse(caller.getDebugLog()).relays).toHaveLength(2)
  })

  it('switches to a relay with a clearly better PING round trip (§11.4)', async () => {
    const far = await fixture.relay({ delayMs: 100 })
    const near = await fixture.relay()
    const pair = fixture.pair(farThenNear(far, near), tones)
    near.setAnswering(false) // the handshake can only succeed through the far relay
    const [caller, callee] = await connectEstablished(pair)
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
  })

  it('data saving on one side holds both sides at the saving bitrate', async () => {
    const relay = await fixture.relay()
    const [caller, callee] = await connectEstablished(fixture.pair(relay, { ...tones, callerDataSaving: DataSaving.ALWAYS }))
    await sleep(2500)
    expect(caller.getStats().bitrate).toBe(8000)
    // The peer saw the INIT's data-saving flag (§12.3).
    expect(callee.getStats().bitrate).toBe(8000)
  })

  it('lowers the bitrate when a long round trip keeps more than the congestion window in flight (§13)', async () => {
    const relay = await fixture.relay({ delayMs: 300 })
    const [caller, callee] = await connectEstablished(fixture.pair(relay, tones))
    await sleep(4000)
    for (const end of [caller, callee]) {
      const stats = end.getStats()
      expect(stats.bitrate).toBeLessThan(16000)
      expect(stats.extraEcLevel).toBe(0) // nothing was lost: this is the delay rule, not the loss rule
    }
  })

  it('debugCtl(1, bps) caps the bitrate', async () => {
    const relay = await fixture.relay()
    const [caller, callee] = await connectEstablished(fixture.pair(relay, tones))
    caller.debugCtl(1, 12000)
    await sleep(1500)
    expect(caller.getStats().bitrate).toBeLessThanOrEqual(12000)
    expect(callee.getStats().bitrate).toBeGreaterThan(12000)
  })
})
