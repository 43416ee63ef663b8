/** The engine's pure rules: NegotiateChannels exchanges (§4.6), bitrate from network settings, loss window, signal bars, server switches. */
import type { CallNetworkSettings } from '@tgvoip/calls-native/engine'
import { describe, expect, it } from 'vitest'
import { encoderBitrate, RecentLoss, signalBars } from '../../src/engine/audio-quality.js'
import { ChannelNegotiation } from '../../src/engine/channel-negotiation.js'
import { UnsupportedServerSwitchError } from '../../src/engine/engine-errors.js'
import { readServerSwitches } from '../../src/engine/server-switches.js'
import type { MediaContent, NegotiateChannelsMessage } from '../../src/signaling/messages/types.js'

function audio(ssrc: number): MediaContent {
  return { type: 'audio', ssrc, ssrcGroups: [], payloadTypes: [], rtpExtensions: [] }
}

function side(isOutgoing: boolean, ssrc: number) {
  const sent: NegotiateChannelsMessage[] = []
  const applied: MediaContent[][] = []
  const negotiation = new ChannelNegotiation(isOutgoing, {
    offerContents: () => [audio(ssrc)],
    answer: (offer) => offer.map((c) => audio(c.ssrc)),
    applyAnswer: (answer) => void applied.push([...answer]),
    send: (message) => void sent.push(message),
  })
  return { negotiation, sent, applied }
}

describe('NegotiateChannels exchanges (§4.6, §4.7)', () => {
  it('caller offers, callee answers then offers, caller answers: both directions negotiated, four messages', () => {
    const caller = side(true, 11)
    const callee = side(false, 22)
    caller.negotiation.offer()
    const o1 = caller.sent[0]!
    expect(o1.exchangeId).toBeGreaterThan(0)
    expect(o1.exchangeId).toBeLessThanOrEqual(0xffff_ffff)
    callee.negotiation.receive(o1)
    const [a1, o2] = callee.sent
    expect(a1).toEqual({ type: 'NegotiateChannels', exchangeId: o1.exchangeId, contents: [audio(11)] })
    expect(o2!.exchangeId).not.toBe(o1.exchangeId)
    expect(o2!.contents).toEqual([audio(22)])
    caller.negotiation.receive(a1!)
    caller.negotiation.receive(o2!)
    expect(caller.sent).toHaveLength(2)
    expect(caller.sent[1]).toEqual({ type: 'NegotiateChannels', exchangeId: o2!.exchangeId, contents: [audio(22)] })
    callee.negotiation.receive(caller.sent[1]!)
    expect([caller.negotiation.outgoingNegotiated, callee.negotiation.outgoingNegotiated]).toEqual([true, true])
    expect(caller.applied).toEqual([[audio(11)]])
    expect(callee.applied).toEqual([[audio(22)]])
    expect(callee.sent).toHaveLength(2)
  })

  it('glare: the caller ignores an offer while its own is pending; the callee drops its own and answers', () => {
    const caller = side(true, 11)
    caller.negotiation.offer()
    caller.negotiation.receive({ type: 'NegotiateChannels', exchangeId: 5, contents: [audio(22)] })
    expect(caller.sent).toHaveLength(1)

    const callee = side(false, 22)
    callee.negotiation.offer()
    callee.negotiation.receive({ type: 'NegotiateChannels', exchangeId: 6, contents: [audio(11)] })
    expect(callee.sent[1]).toMatchObject({ exchangeId: 6, contents: [audio(11)] })
    // Its dropped offer is replaced by a new one (its channel is not negotiated yet).
    expect(callee.sent[2]!.exchangeId).not.toBe(callee.sent[0]!.exchangeId)
  })
})

describe('network settings and quality', () => {
  const network = (overrides: Partial<CallNetworkSettings>): CallNetworkSettings => ({ dataSaving: 'never', networkType: undefined, maxBitrate: undefined, proxy: undefined, ...overrides })

  it('32 kbit/s normally; 8 kbit/s on GPRS, EDGE and data saving (mobile only on mobile networks); capped by maxBitrate', () => {
    expect(encoderBitrate(network({}))).toBe(32_000)
    expect(encoderBitrate(network({ networkType: 'gprs' }))).toBe(8000)
    expect(encoderBitrate(network({ networkType: 'edge' }))).toBe(8000)
    expect(encoderBitrate(network({ dataSaving: 'always', networkType: 'wifi' }))).toBe(8000)
    expect(encoderBitrate(network({ dataSaving: 'mobile', networkType: 'lte' }))).toBe(8000)
    expect(encoderBitrate(network({ dataSaving: 'mobile', networkType: 'wifi' }))).toBe(32_000)
    expect(encoderBitrate(network({ maxBitrate: 12_000 }))).toBe(12_000)
    expect(encoderBitrate(network({ maxBitrate: 1000 }))).toBe(6000)
  })

  it('recent loss covers the last five seconds only', () => {
    const loss = new RecentLoss()
    expect(loss.rate).toBe(0)
    loss.sample(0, 0)
    loss.sample(40, 10) // a bad second
    expect(loss.rate).toBeCloseTo(0.2)
    for (let s = 2; s <= 7; s++) loss.sample(40 + (s - 1) * 50, 10)
    expect(loss.rate).toBe(0)
  })

  it('signal bars fall with loss and round-trip time, never below 1', () => {
    expect(signalBars(0, 20)).toBe(4)
    expect(signalBars(0.03, 20)).toBe(3)
    expect(signalBars(0.07, 20)).toBe(2)
    expect(signalBars(0.5, Number.NaN)).toBe(1)
    expect(signalBars(0, 500)).toBe(3)
    expect(signalBars(0, 900)).toBe(2)
  })

  it('server switches: network_use_mtproto refused, the loopback key read only as JSON true, unknown keys listed', () => {
    expect(() => readServerSwitches({ network_use_mtproto: true })).toThrow(UnsupportedServerSwitchError)
    expect(readServerSwitches({ network_use_mtproto: 1, tgvoip_test_loopback: 'true', foo: 1 })).toEqual({ loopback: false, unknownKeys: ['foo'] })
    expect(readServerSwitches({ tgvoip_test_loopback: true, network_signaling_nosctp: true })).toEqual({ loopback: true, unknownKeys: [] })
  })
})
