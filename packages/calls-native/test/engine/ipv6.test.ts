/**
 * IPv6 relays (§10.1): endpoints with only `ipv6`, endpoints with both (the family
 * whose relay answers first is kept), and the IPv6 P2P path of the IPV6_ENDPOINT extra.
 * The relays listen on ::1.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { CallState, P2P_IPV6_ENDPOINT_ID, type Endpoint } from '../../src/index.js'
import { LocalRelay, type RelayFaults } from '../../src/testing/index.js'
import { audibleShare, concat, dominantFrequency } from '../helpers/audio.js'
import { connectBoth, createCallPair, sleep, waitForBoth, type CallPair, type PairOptions } from './helpers/call-pair.js'

const CALL: PairOptions = { callerTone: 440, calleeTone: 880, recvTimeout: 4 }
const RELAY_ID = 61n

function expectTonesBothWays(pair: CallPair): void {
  for (const [end, tone] of [
    [pair.callee, 440],
    [pair.caller, 880],
  ] as const) {
    const last = end.received.slice(-40)
    expect(audibleShare(last)).toBeGreaterThan(0.9)
    expect(Math.abs(dominantFrequency(concat(last)) - tone)).toBeLessThanOrEqual(2)
  }
}

describe('IPv6 relays', () => {
  const relays: LocalRelay[] = []
  const pairs: CallPair[] = []
  afterEach(async () => {
    for (const pair of pairs.splice(0)) pair.close()
    for (const relay of relays.splice(0)) await relay.close()
  })
  const relay = async (host: string, port?: number, faults?: RelayFaults): Promise<LocalRelay> => {
    const created = await LocalRelay.create({ host, port, faults })
    relays.push(created)
    return created
  }
  const start = async (pair: CallPair): Promise<void> => {
    pairs.push(pair)
    connectBoth(pair)
    await waitForBoth(pair, CallState.ESTABLISHED, 3000)
  }

  it('carries audio both ways through a relay that has only an IPv6 address (LocalRelay on ::1)', async () => {
    const v6 = await relay('::1')
    const pair = createCallPair([{ relay: v6, id: RELAY_ID }], CALL)
    await start(pair)
    await sleep(2000)
    expectTonesBothWays(pair)
    const stats = pair.caller.controller.getStats()
    expect(stats.currentEndpointId).toBe(RELAY_ID)
    expect(v6.stats.forwarded).toBeGreaterThan(50)
    expect(v6.stats.pingsAnswered).toBeGreaterThanOrEqual(2)
    expect(pair.caller.controller.getDebugLog()).toContain(`"public_address":"[::1]:${stats.localPort}"`)
  })

  /** One relay id with both addresses on one port: the two LocalRelays stand for its two families. */
  async function dualStack(): Promise<{ v4: LocalRelay; v6: LocalRelay; pair: (options?: PairOptions) => CallPair }> {
    const v4 = await relay('127.0.0.1')
    const v6 = await relay('::1', v4.port)
    const withBoth = (endpoints: Endpoint[]): Endpoint[] => endpoints.map((e) => ({ ...e, ip: '127.0.0.1', ipv6: '::1' }))
    return {
      v4,
      v6,
      pair(options = {}) {
        const pair = createCallPair([{ relay: v4, id: RELAY_ID }], { ...CALL, ...options, endpoints: withBoth })
        return pair
      },
    }
  }

  for (const silent of ['IPv4', 'IPv6'] as const) {
    it(`with both addresses, keeps the family that answers (${silent} silent)`, async () => {
      const { v4, v6, pair } = await dualStack()
      const [dead, alive] = silent === 'IPv4' ? [v4, v6] : [v6, v4]
      dead.setAnswering(false)
      const call = pair()
      await start(call)
      await sleep(2000)
      expectTonesBothWays(call)
      expect(alive.stats.forwarded).toBeGreaterThan(50)
      expect(dead.stats.forwarded).toBe(0)
      // Once chosen, the other family gets nothing more: not even INIT copies.
      const before = dead.stats.received
      dead.setAnswering(true)
      await sleep(500)
      expect(dead.stats.received - before).toBe(0)
    })
  }

  // A real relay has one socket for both families and forwards to the address it last
  // saw each side at. Until a family is chosen our engine sends on both (IPv4 first), so
  // the relay may still hold our IPv6 address after we kept IPv4 and forward the peer's
  // INIT / INIT_ACK there. Those used to be dropped until our next INIT round (0.5 s).
  it('with both addresses on one dual-stack relay, takes what the relay forwards to the family it did not keep', async () => {
    const both = await relay('::')
    const call = createCallPair([{ relay: both, id: RELAY_ID }], {
      ...CALL,
      endpoints: (endpoints) => endpoints.map((e) => ({ ...e, ip: '127.0.0.1', ipv6: '::1' })),
    })
    await start(call)
    await sleep(1000)
    expectTonesBothWays(call)
    for (const side of [call.caller, call.callee]) expect(side.controller.getStats().packetsDropped).toBe(0)
    expect(both.stats.forwarded).toBeGreaterThan(30)
  })

  it('moves the call onto a direct IPv6 path announced by the IPV6_ENDPOINT extra', async () => {
    const v6 = await relay('::1', undefined, { delayMs: 40 })
    const call = createCallPair([{ relay: v6, id: RELAY_ID }], { ...CALL, allowP2p: true })
    await start(call)
    // Used at once (§11.1), with no ping round to wait for as P2P over IPv4 does.
    const deadline = Date.now() + 1000
    const onP2p = (): boolean => [call.caller, call.callee].every((side) => side.controller.getStats().currentEndpointId === P2P_IPV6_ENDPOINT_ID)
    while (Date.now() < deadline && !onP2p()) await sleep(100)
    expect(onP2p()).toBe(true)
    await sleep(300)
    const forwarded = v6.stats.forwarded
    await sleep(1500)
    // The relay stops carrying the call (pings every 10 s aside), and audio keeps flowing.
    expect(v6.stats.forwarded - forwarded).toBeLessThan(3)
    expectTonesBothWays(call)
    expect(call.caller.controller.getPreferredRelayId()).toBe(RELAY_ID)
  })

  it('stays on the IPv6 relay when P2P is not allowed', async () => {
    const v6 = await relay('::1', undefined, { delayMs: 40 })
    const call = createCallPair([{ relay: v6, id: RELAY_ID }], { ...CALL, allowP2p: false })
    await start(call)
    await sleep(2500)
    expect(call.caller.controller.getStats().currentEndpointId).toBe(RELAY_ID)
    expect(call.callee.controller.getStats().currentEndpointId).toBe(RELAY_ID)
  })
})
