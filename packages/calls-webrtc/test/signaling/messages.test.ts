import { describe, expect, it } from 'vitest'

import type { NegotiateChannelsMessage, SignalingMessage } from '../../src/index.js'
import { decodeMessage, encodeMessage, SignalingMessageError } from '../../src/index.js'
import { json11Stringify } from '../../src/signaling/messages/json11.js'

const decode = (json: unknown) => decodeMessage(new TextEncoder().encode(typeof json === 'string' ? json : JSON.stringify(json)))
const encode = (message: SignalingMessage) => Buffer.from(encodeMessage(message)).toString()

const fingerprint = { hash: 'sha-256', setup: 'actpass', fingerprint: 'AB:CD' }
const opus = { id: 111, name: 'opus', clockrate: 48000 }

describe('decoding (§4 field rules)', () => {
  it.each([
    ['not JSON', '{"@type": "Candidates",'],
    ['not an object', '[1, 2]'],
    ['no @type', { candidates: [] }],
    ['a non-string @type', { '@type': 5 }],
    ['InitialSetup without ufrag', { '@type': 'InitialSetup', pwd: 'p', fingerprints: [] }],
    ['InitialSetup with a fingerprint lacking setup', { '@type': 'InitialSetup', ufrag: 'u', pwd: 'p', fingerprints: [{ hash: 'sha-256', fingerprint: 'AB' }] }],
    ['NegotiateChannels with a non-decimal exchangeId', { '@type': 'NegotiateChannels', exchangeId: '12ab' }],
    ['NegotiateChannels with an exchangeId above uint32', { '@type': 'NegotiateChannels', exchangeId: '4294967296' }],
    ['a content of type "data"', { '@type': 'NegotiateChannels', exchangeId: '1', contents: [{ type: 'data', ssrc: '1' }] }],
    ['an SSRC group member of 0', { '@type': 'NegotiateChannels', exchangeId: '1', contents: [{ type: 'video', ssrc: '1', ssrcGroups: [{ semantics: 'FID', ssrcs: ['1', '0'] }] }] }],
    ['a feedback type without subtype', { '@type': 'NegotiateChannels', exchangeId: '1', contents: [{ type: 'audio', ssrc: '1', payloadTypes: [{ ...opus, feedbackTypes: [{ type: 'nack' }] }] }] }],
    ['a non-string fmtp value', { '@type': 'NegotiateChannels', exchangeId: '1', contents: [{ type: 'audio', ssrc: '1', payloadTypes: [{ ...opus, parameters: { minptime: 10 } }] }] }],
    ['a candidate without sdpString', { '@type': 'Candidates', candidates: [{ sdpMid: '0' }] }],
    ['a string where MediaState wants a bool', { '@type': 'MediaState', muted: 'true' }],
  ])('rejects %s with SignalingMessageError', (_name, json) => {
    expect(() => decode(json)).toThrow(SignalingMessageError)
  })

  it('rejects invalid UTF-8 and names the type when it is known', () => {
    expect(() => decodeMessage(Uint8Array.of(0x7b, 0xff, 0x7d))).toThrow(SignalingMessageError)
    try {
      decode({ '@type': 'Candidates' })
      expect.fail('accepted')
    } catch (err) {
      expect((err as SignalingMessageError).messageType).toBe('Candidates')
    }
  })

  it('ignores messages of unknown type (null), and unknown keys anywhere', () => {
    expect(decode({ '@type': 'VideoParameters', whatever: 1 })).toBeNull()
    expect(decode({ '@type': 'Candidates', exchangeId: 3, candidates: [{ sdpString: 'candidate:1', sdpMid: '', sdpMLineIndex: 0 }] }))
      .toEqual({ type: 'Candidates', candidates: [{ sdpString: 'candidate:1' }] })
  })

  it('fills defaults and tolerates what tgcalls tolerates', () => {
    expect(decode({ '@type': 'InitialSetup', ufrag: 'u', pwd: 'p', renomination: 'yes', fingerprints: [fingerprint] }))
      .toEqual({ type: 'InitialSetup', ufrag: 'u', pwd: 'p', renomination: false, fingerprints: [fingerprint] })
    expect(decode({ '@type': 'NegotiateChannels', exchangeId: 42, contents: [{ type: 'audio', ssrc: 7, payloadTypes: [opus] }] }))
      .toEqual({
        type: 'NegotiateChannels',
        exchangeId: 42,
        contents: [{ type: 'audio', ssrc: 7, ssrcGroups: [], rtpExtensions: [], payloadTypes: [{ ...opus, channels: 0, feedbackTypes: [], parameters: {} }] }],
      })
    expect(decode({ '@type': 'NegotiateChannels', exchangeId: '4294967295' })).toEqual({ type: 'NegotiateChannels', exchangeId: 4294967295, contents: [] })
    expect(decode({ '@type': 'MediaState', videoState: 'sideways', videoRotation: 45 }))
      .toEqual({ type: 'MediaState', muted: false, lowBattery: false, videoState: 'inactive', screencastState: 'inactive', videoRotation: 0 })
  })
})

describe('encoding (json11 form, §4.1)', () => {
  it('sorts keys by bytes, uses ", " and ": ", writes ids and SSRCs as decimal strings', () => {
    const offer: NegotiateChannelsMessage = {
      type: 'NegotiateChannels',
      exchangeId: 3_000_000_000,
      contents: [{
        type: 'video',
        ssrc: 10,
        ssrcGroups: [{ semantics: 'FID', ssrcs: [10, 11] }],
        payloadTypes: [],
        rtpExtensions: [],
      }],
    }
    expect(encode(offer)).toBe('{"@type": "NegotiateChannels", "contents": [{"rtpExtensions": [], "ssrc": "10", '
      + '"ssrcGroups": [{"semantics": "FID", "ssrcs": ["10", "11"]}], "type": "video"}], "exchangeId": "3000000000"}')
  })

  it('escapes like json11 and round-trips through JSON.parse', () => {
    const text = json11Stringify({ b: 'quote " backslash \\ newline \n tab \t bell \u0007 sep \u2028 ünï', a: [true, null, 1] })
    expect(text).toBe('{"a": [true, null, 1], "b": "quote \\" backslash \\\\ newline \\n tab \\t bell \\u0007 sep \\u2028 ünï"}')
    expect(JSON.parse(text)).toEqual({ b: 'quote " backslash \\ newline \n tab \t bell \u0007 sep \u2028 ünï', a: [true, null, 1] })
  })
})
