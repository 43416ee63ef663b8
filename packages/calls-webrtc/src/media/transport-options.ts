/** What a media transport is created with, and what it emits. */
import type { AudioJitterBufferOptions, OpusEncoderOptions } from '@tgvoip/calls-native/codec'
import type { MediaConnectionError } from './media-errors.js'
import type { RtcServer } from '@tgvoip/calls-native/engine'
import type { IceCandidate } from '../signaling/messages/types.js'
import type { MediaTransportState } from './transport-state.js'

export interface MediaTransportOptions {
  /** The caller's side (`admin_id` is us): ICE controlling, DTLS client, data-channel opener. */
  isOutgoing: boolean
  /** The call's `phoneConnectionWebrtc` entries (STUN/TURN). */
  rtcServers?: readonly RtcServer[]
  /** `phoneCall.p2p_allowed`; false gathers and signals relay candidates only. Default true. */
  allowP2p?: boolean
  /**
   * Gather host candidates on 127.0.0.1 only, with every socket bound there. For tests and
   * the fake Telegram; never for a real call (the peer cannot reach a loopback address).
   */
  loopback?: boolean
  /** Opus settings of our audio (default 32 kbit/s, 10 % expected loss; FEC always on). */
  encoder?: OpusEncoderOptions
  jitterBuffer?: AudioJitterBufferOptions
  /** No connection for this long since start() or since the path was lost ⇒ Failed (§7.1). Default 20000. */
  connectTimeoutMs?: number
  /** Nothing received on the selected path for this long ⇒ Disconnected until it is heard again. Default 10000. */
  silenceTimeoutMs?: number
  /** Drops this fraction (0..1) of our outgoing audio RTP, seeded (the demo's --loss, tests). */
  simulatedLoss?: { rate: number; seed?: number }
}

export interface MediaTransportEvents {
  stateChange: [oldState: MediaTransportState, newState: MediaTransportState]
  /** Our ICE credentials changed (an ICE restart): send `localSetup` again, before the candidates that follow. */
  localSetupChanged: []
  /** A local candidate to send in a `Candidates` message. */
  candidate: [candidate: IceCandidate]
  /** One received 960-sample frame, every 20 ms once connected. */
  frame: [frame: Int16Array]
  /** The data channel opened: send our MediaState now (§4.5). */
  dataChannelOpen: []
  /** A text message from the data channel (the peer's MediaState JSON). */
  dataMessage: [text: string]
  /** Why the transport entered Failed (emitted only when someone listens). */
  error: [error: MediaConnectionError]
}
