/**
 * What the media transport and the signaling layer exchange, shaped exactly like the
 * tgcalls v2 JSON messages (spec §4) minus their `@type`, so a message body maps onto
 * these objects field by field.
 */

/** `InitialSetup.fingerprints[]` (§4.2). */
export interface DtlsFingerprint {
  /** Hash function, e.g. `"sha-256"`. */
  hash: string
  /** The caller sends `"actpass"`, the callee `"passive"`. */
  setup: string
  /** Upper-case hex bytes separated by `:` (RFC 4572). */
  fingerprint: string
}

/** `InitialSetup` without `@type` (§4.2): ICE credentials and the DTLS certificate. */
export interface TransportSetup {
  ufrag: string
  pwd: string
  renomination: boolean
  fingerprints: DtlsFingerprint[]
}

/** `PayloadType.feedbackTypes[]` (§4.3): both keys always present (`subtype` may be `""`). */
export interface FeedbackType {
  type: string
  subtype: string
}

/** `MediaContent.payloadTypes[]` (§4.3). */
export interface PayloadType {
  id: number
  name: string
  clockrate: number
  channels?: number
  feedbackTypes?: FeedbackType[]
  /** fmtp parameters; values are always strings. */
  parameters?: Record<string, string>
}

/** `MediaContent.rtpExtensions[]` (§4.3). */
export interface RtpExtension {
  id: number
  uri: string
}

/** `MediaContent.ssrcGroups[]` (§4.3; video only). */
export interface SsrcGroup {
  semantics: string
  ssrcs: string[]
}

/** One channel of `NegotiateChannels.contents` (§4.3), identified by its sender's SSRC. */
export interface MediaContent {
  type: 'audio' | 'video'
  /** Decimal uint32. */
  ssrc: string
  ssrcGroups?: SsrcGroup[]
  payloadTypes?: PayloadType[]
  rtpExtensions?: RtpExtension[]
}

/** One element of `Candidates.candidates` (§4.4). */
export interface SignaledCandidate {
  /** `candidate:<foundation> 1 udp <priority> <address> <port> typ <type> …` (no `a=`). */
  sdpString: string
}

/** One `phoneConnectionWebrtc` entry of the call (§1.3, §6.1). */
export interface RtcServer {
  id: bigint
  ip: string
  ipv6: string
  port: number
  username: string
  password: string
  turn: boolean
  stun: boolean
}
