/**
 * The signaling messages of `InstanceV2Impl` (§4) as typed values. Field names follow the wire;
 * numbers the wire carries as decimal strings (`exchangeId`, SSRCs) are numbers here, and every
 * optional wire field has its default filled in, so users never branch on absence.
 */

/** §4.2: ICE credentials and the DTLS fingerprint. */
export interface InitialSetupMessage {
  type: 'InitialSetup'
  ufrag: string
  pwd: string
  /** Google ICE renomination support; absent or non-boolean on the wire = false. */
  renomination: boolean
  /** Only element 0 is used by tgcalls. */
  fingerprints: DtlsFingerprint[]
}

/** `InitialSetup` without `@type`: what the media transport produces and consumes. */
export type TransportSetup = Omit<InitialSetupMessage, 'type'>

export interface DtlsFingerprint {
  /** e.g. `"sha-256"`. */
  hash: string
  /** `"actpass"` (caller), `"passive"` (callee), `"active"`. */
  setup: string
  /** Upper-case hex bytes separated by `:`. */
  fingerprint: string
}

/** §4.3: an offer of the sender's outgoing channels, or the answer to one (same `exchangeId`). */
export interface NegotiateChannelsMessage {
  type: 'NegotiateChannels'
  /** uint32 pairing an offer with its answer. */
  exchangeId: number
  contents: MediaContent[]
}

export type MediaContentType = 'audio' | 'video'

/** One one-directional channel, identified by its sender's primary SSRC. */
export interface MediaContent {
  type: MediaContentType
  /** uint32 primary SSRC. */
  ssrc: number
  /** Omitted on the wire when empty. */
  ssrcGroups: SsrcGroup[]
  /** Omitted on the wire when empty. */
  payloadTypes: PayloadType[]
  rtpExtensions: RtpExtension[]
}

export interface SsrcGroup {
  /** e.g. `"FID"` (primary + RTX). */
  semantics: string
  ssrcs: number[]
}

export interface PayloadType {
  id: number
  name: string
  clockrate: number
  /** 0 when absent; tgcalls writes 2 for opus. */
  channels: number
  feedbackTypes: FeedbackType[]
  /** fmtp parameters; values are always strings on the wire. */
  parameters: Record<string, string>
}

export interface FeedbackType {
  type: string
  /** `""` when there is none (the key is still mandatory on the wire). */
  subtype: string
}

export interface RtpExtension {
  id: number
  uri: string
}

/** §4.4: trickled ICE candidates (tgcalls sends one per message). */
export interface CandidatesMessage {
  type: 'Candidates'
  candidates: IceCandidate[]
}

export interface IceCandidate {
  /** The candidate attribute without `a=`, starting with `candidate:`. */
  sdpString: string
}

export type VideoState = 'inactive' | 'suspended' | 'active'
export type VideoRotation = 0 | 90 | 180 | 270

/** §4.5: the sender's mute, battery and video state. */
export interface MediaStateMessage {
  type: 'MediaState'
  muted: boolean
  lowBattery: boolean
  videoState: VideoState
  screencastState: VideoState
  videoRotation: VideoRotation
}

export type SignalingMessage = InitialSetupMessage | NegotiateChannelsMessage | CandidatesMessage | MediaStateMessage

export type SignalingMessageType = SignalingMessage['type']
