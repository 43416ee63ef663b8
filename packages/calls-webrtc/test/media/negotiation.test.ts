/** The §4 parameter shapes: audio offers/answers, candidate filtering, STUN/TURN choice, relay policy. */
import { describe, expect, it } from 'vitest'
import { acceptedOutgoing, answerAudioOffer, audioOffer } from '../../src/media/audio-negotiation.js'
import { formatLocalCandidate, parseRemoteCandidate } from '../../src/media/candidates.js'
import { iceSetup } from '../../src/media/ice-options.js'
import type { RtcServer } from '@tgvoip/calls-native/engine'
import { InvalidMediaParameterError, NoRelayServerError } from '../../src/media/index.js'
import { decodeMessage } from '../../src/signaling/messages/codec.js'
import type { MediaContent, NegotiateChannelsMessage, PayloadType } from '../../src/signaling/messages/types.js'
import { chooseIceServers } from '../../src/media/rtc-servers.js'

/** The audio offer of spec §4.3 (tgcalls' typical content), through our signaling decoder. */
const TGCALLS_OFFER_JSON =
  '{"@type": "NegotiateChannels", "contents": [{"payloadTypes": [{"channels": 2, "clockrate": 48000, ' +
  '"feedbackTypes": [{"subtype": "", "type": "transport-cc"}], "id": 111, "name": "opus", ' +
  '"parameters": {"minptime": "10", "useinbandfec": "1"}}], "rtpExtensions": [{"id": 2, "uri": ' +
  '"http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time"}, {"id": 3, "uri": ' +
  '"http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01"}], "ssrc": ' +
  '"2937216718", "type": "audio"}], "exchangeId": "1842039203"}'
const TGCALLS_OFFER = (decodeMessage(new TextEncoder().encode(TGCALLS_OFFER_JSON)) as NegotiateChannelsMessage).contents

function content(type: 'audio' | 'video', ssrc: number, payloadTypes: Array<Pick<PayloadType, 'id' | 'name' | 'clockrate'>>): MediaContent {
  return {
    type,
    ssrc,
    ssrcGroups: [],
    payloadTypes: payloadTypes.map((pt) => ({ channels: 0, feedbackTypes: [], parameters: {}, ...pt })),
    rtpExtensions: [],
  }
}

function server(overrides: Partial<RtcServer>): RtcServer {
  return { id: 1n, ip: '', ipv6: '', port: 3478, username: '', password: '', turn: false, stun: false, ...overrides }
}

describe('audio channel negotiation (§4.6)', () => {
  it('answers a tgcalls offer by echoing its SSRC and payload type, without extensions or feedback', () => {
    const { answer, incoming } = answerAudioOffer(TGCALLS_OFFER)
    expect(incoming).toEqual({ ssrc: 2937216718, payloadType: 111 })
    expect(answer).toEqual([
      {
        type: 'audio',
        ssrc: 2937216718,
        ssrcGroups: [],
        payloadTypes: [{ id: 111, name: 'opus', clockrate: 48000, channels: 2, feedbackTypes: [], parameters: { minptime: '10', useinbandfec: '1' } }],
        rtpExtensions: [],
      },
    ])
  })

  it('keeps the offerer payload type, skips video and non-Opus audio', () => {
    const offer: MediaContent[] = [
      content('video', 5, [{ id: 96, name: 'VP8', clockrate: 90000 }]),
      content('audio', 6, [{ id: 0, name: 'PCMU', clockrate: 8000 }]),
      content('audio', 7, [{ id: 120, name: 'OPUS', clockrate: 48000 }]),
    ]
    const { answer, incoming } = answerAudioOffer(offer)
    expect(incoming).toEqual({ ssrc: 7, payloadType: 120 })
    expect(answer).toHaveLength(1)
    expect(answer[0]!.payloadTypes![0]!.id).toBe(120)
    expect(answerAudioOffer([])).toEqual({ answer: [] })
  })

  it('rejects SSRCs that are not uint32 above 0 (contents handed over without the signaling decoder)', () => {
    for (const ssrc of [0, 4294967296, -1, 1.5, '12' as unknown as number]) {
      expect(() => answerAudioOffer([{ ...TGCALLS_OFFER[0]!, ssrc }])).toThrow(InvalidMediaParameterError)
    }
  })

  it('sends only if the answer kept our SSRC with Opus (rule 2)', () => {
    const offer = audioOffer(1234)
    expect(offer).toMatchObject({ type: 'audio', ssrc: 1234, rtpExtensions: [], payloadTypes: [{ id: 111, name: 'opus', clockrate: 48000 }] })
    expect(acceptedOutgoing([offer], 1234)).toEqual({ ssrc: 1234, payloadType: 111 })
    expect(acceptedOutgoing([{ ...offer, ssrc: 999 }], 1234)).toBeUndefined()
    expect(acceptedOutgoing([], 1234)).toBeUndefined()
  })
})

describe('candidates (§4.4)', () => {
  it('parses libwebrtc candidate strings and keeps what werift can use', () => {
    const host = parseRemoteCandidate({ sdpString: 'candidate:1467250027 1 udp 2122260223 192.168.1.5 46243 typ host generation 0 ufrag Ab1c network-id 1' })
    expect(host.usable && host.candidate).toMatchObject({ host: '192.168.1.5', port: 46243, type: 'host', foundation: '1467250027' })
    const relay = parseRemoteCandidate({ sdpString: 'candidate:3 1 udp 41885695 91.108.9.1 3478 typ relay raddr 10.0.0.2 rport 5000 generation 0' })
    expect(relay.usable).toBe(true)
  })

  it('skips reflector hostnames, mDNS names, TCP and component 2', () => {
    const skipped = [
      'candidate:1 1 udp 2122260223 reflector-1-287454020.reflector 599 typ relay generation 0',
      'candidate:1 1 udp 2122260223 3f1a.local 5000 typ host generation 0',
      'candidate:1 1 tcp 1518280447 192.168.1.5 9 typ host tcptype active generation 0',
      'candidate:1 2 udp 2122260222 192.168.1.5 46244 typ host generation 0',
    ]
    for (const sdpString of skipped) expect(parseRemoteCandidate({ sdpString }).usable).toBe(false)
  })

  it('rejects what is not a candidate with a typed error', () => {
    for (const sdpString of ['', 'candidate:', 'hello world', 'candidate:1 1 udp x 1.2.3.4 99999 typ host', 'x'.repeat(5000)]) {
      expect(() => parseRemoteCandidate({ sdpString })).toThrow(InvalidMediaParameterError)
    }
    expect(() => parseRemoteCandidate({} as never)).toThrow(InvalidMediaParameterError)
  })

  it('formats ours with the candidate: prefix and hides the address behind a relay', () => {
    const parsed = parseRemoteCandidate({ sdpString: 'candidate:9 1 udp 16777215 1.2.3.4 50000 typ relay raddr 192.168.0.2 rport 4000 generation 0' })
    if (!parsed.usable) throw new Error('unusable')
    expect(formatLocalCandidate(parsed.candidate, false).sdpString).toMatch(/^candidate:9 1 udp 16777215 1\.2\.3\.4 50000 typ relay raddr 192\.168\.0\.2 rport 4000/)
    expect(formatLocalCandidate(parsed.candidate, true).sdpString).toMatch(/ typ relay raddr 0\.0\.0\.0 rport 0( |$)/)
  })

  it("drops the peer's candidate generation (werift would select no pair after a one-sided ICE restart)", () => {
    const parsed = parseRemoteCandidate({ sdpString: 'candidate:1 1 udp 2122260223 10.0.0.2 50000 typ host generation 3 ufrag abcd' })
    if (!parsed.usable) throw new Error('unusable')
    expect(parsed.candidate.generation).toBeUndefined()
    expect(parsed.candidate.host).toBe('10.0.0.2')
  })
})

describe('STUN/TURN from phoneConnectionWebrtc (§6.1) and relay policy (§5.2)', () => {
  it('takes the first STUN and the first TURN with credentials, IPv4 first', () => {
    const choice = chooseIceServers([
      server({ ip: '1.1.1.1', turn: true }), // no credentials
      server({ ip: '', ipv6: '2001:db8::1', port: 3479, stun: true }),
      server({ ip: '2.2.2.2', ipv6: '2001:db8::2', port: 3478, turn: true, stun: true, username: 'u', password: 'p' }),
      server({ ip: 'not-an-ip', port: 1, stun: true }),
    ])
    expect(choice.stun).toEqual(['2001:db8::1', 3479])
    expect(choice.turn).toEqual({ address: ['2.2.2.2', 3478], username: 'u', password: 'p' })
    expect(chooseIceServers([server({ ip: '3.3.3.3', port: 0, stun: true })])).toEqual({})
  })

  it('never lets werift fall back to a public STUN server, and needs TURN when P2P is off', () => {
    expect(iceSetup({ rtcServers: [], allowP2p: true, loopback: false })).toMatchObject({ useStun: false, relayOnly: false })
    expect(() => iceSetup({ rtcServers: [server({ ip: '1.1.1.1', stun: true })], allowP2p: false, loopback: false })).toThrow(NoRelayServerError)
    const relay = iceSetup({ rtcServers: [server({ ip: '1.1.1.1', turn: true, username: 'u', password: 'p' })], allowP2p: false, loopback: false })
    expect(relay).toMatchObject({ relayOnly: true, options: { forceTurn: true, turnServer: ['1.1.1.1', 3478] } })
  })
})
