import { randomBytes } from 'node:crypto'

import type { CandidatesMessage, InitialSetupMessage, MediaStateMessage, NegotiateChannelsMessage, SignalingMessage } from '../../../src/index.js'
import { seededRandom } from './blob-pipe.js'

export function initialSetup(setup: 'actpass' | 'passive'): InitialSetupMessage {
  return {
    type: 'InitialSetup',
    ufrag: randomBytes(2).toString('hex'),
    pwd: randomBytes(12).toString('hex'),
    renomination: false,
    fingerprints: [{ hash: 'sha-256', setup, fingerprint: [...randomBytes(32)].map(b => b.toString(16).padStart(2, '0').toUpperCase()).join(':') }],
  }
}

export function audioOffer(exchangeId: number, ssrc: number): NegotiateChannelsMessage {
  return {
    type: 'NegotiateChannels',
    exchangeId,
    contents: [{
      type: 'audio',
      ssrc,
      ssrcGroups: [],
      payloadTypes: [{
        id: 111,
        name: 'opus',
        clockrate: 48_000,
        channels: 2,
        feedbackTypes: [{ type: 'transport-cc', subtype: '' }],
        parameters: { minptime: '10', useinbandfec: '1' },
      }],
      rtpExtensions: [{ id: 2, uri: 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time' }],
    }],
  }
}

export function candidate(index: number): CandidatesMessage {
  return {
    type: 'Candidates',
    candidates: [{ sdpString: `candidate:${1000 + index} 1 udp 2122260224 10.0.0.${index % 250} ${40_000 + index} typ host generation 0 ufrag abcd network-id 1 network-cost 50` }],
  }
}

/**
 * Random-looking candidates that gzip cannot shrink much: several SCTP fragments in V3. Seeded,
 * so that the packet count — and with it a seeded relay's choices — is the same on every run.
 */
export function bulkyCandidates(count: number): CandidatesMessage {
  const random = seededRandom(count)
  const noise = () => Buffer.from(Array.from({ length: 24 }, () => Math.floor(random() * 256))).toString('base64')
  return {
    type: 'Candidates',
    candidates: Array.from({ length: count }, () => ({ sdpString: `candidate:${noise()} 1 udp 1 127.0.0.1 1 typ host` })),
  }
}

export function mediaState(muted: boolean): MediaStateMessage {
  return { type: 'MediaState', muted, lowBattery: false, videoState: 'inactive', screencastState: 'inactive', videoRotation: 0 }
}

/** A call's worth of signaling from one side: setup, offer, a stream of candidates, mute toggles. */
export function callScript(setup: 'actpass' | 'passive', ssrc: number): SignalingMessage[] {
  return [
    initialSetup(setup),
    audioOffer(ssrc ^ 0x5a5a, ssrc),
    ...Array.from({ length: 12 }, (_, i) => candidate(i)),
    bulkyCandidates(60),
    mediaState(true),
    mediaState(false),
  ]
}
