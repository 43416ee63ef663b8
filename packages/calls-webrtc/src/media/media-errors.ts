/** Typed errors of the v2 media transport. */

export class MediaTransportError extends Error {
  override name = 'MediaTransportError'
}

/** An argument or a remote parameter is malformed (bad SDP candidate, bad fingerprint, bad PCM). */
export class InvalidMediaParameterError extends MediaTransportError {
  override name = 'InvalidMediaParameterError'
}

/** P2P is not allowed and the call has no usable TURN server: nothing could ever connect. */
export class NoRelayServerError extends MediaTransportError {
  override name = 'NoRelayServerError'
}

/** ICE or DTLS failed (including a certificate that does not match the signaled fingerprint). */
export class MediaConnectionError extends MediaTransportError {
  override name = 'MediaConnectionError'
}

/** Used after close(). */
export class MediaTransportClosedError extends MediaTransportError {
  override name = 'MediaTransportClosedError'
}
