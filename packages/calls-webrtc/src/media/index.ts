// The media layer of the tgcalls v2 engine (spec §5): one call side's ICE/DTLS-SRTP/RTP/SCTP over werift.
// Its parameters are the §4 message bodies, typed once in signaling/messages/types.ts.
export { WebRtcMediaTransport } from './media-transport.js'
export type { MediaTransportEvents, MediaTransportOptions } from './transport-options.js'
export { MediaTransportState } from './transport-state.js'
export type { MediaTransportStats } from './transport-state.js'
export { OPUS_PAYLOAD_TYPE } from './audio-negotiation.js'
export {
  InvalidMediaParameterError,
  MediaConnectionError,
  MediaTransportClosedError,
  MediaTransportError,
  NoRelayServerError,
} from './media-errors.js'
