// @tgvoip/calls-webrtc: the tgcalls v2 engine (see README.md).
export * from './signaling/index.js'
export {
  InvalidMediaParameterError,
  MediaConnectionError,
  MediaTransportClosedError,
  MediaTransportError,
  MediaTransportState,
  NoRelayServerError,
  OPUS_PAYLOAD_TYPE,
  WebRtcMediaTransport,
} from './media/index.js'
export type {
  MediaTransportEvents,
  MediaTransportOptions,
  MediaTransportStats,
  RtcServer,
  SignaledCandidate,
  TransportSetup,
} from './media/index.js'
