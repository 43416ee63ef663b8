/**
 * Everything the signaling layer reports is one of these classes. Errors about incoming
 * blobs are emitted on `SignalingChannel`'s `error` event and the blob is dropped; the channel
 * keeps working. Errors about the caller's own misuse (bad key, unknown version, a message too
 * large to send) are thrown synchronously.
 */

/** Base class of every signaling error. */
export class SignalingError extends Error {
  override name = 'SignalingError'
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
  }
}

/** The channel was built with a key that is not 256 bytes, or a version it does not speak. */
export class SignalingConfigError extends SignalingError {
  override name = 'SignalingConfigError'
}

/** A blob is shorter than the smallest or longer than the largest packet accepted (§2.3). */
export class SignalingPacketSizeError extends SignalingError {
  override name = 'SignalingPacketSizeError'
}

/**
 * A packet's msg_key does not match its decrypted content: the peer uses another key (wrong
 * DH result, wrong role) or the blob was altered on the way.
 */
export class SignalingAuthError extends SignalingError {
  override name = 'SignalingAuthError'
}

/**
 * The peer's first blobs all fail authentication and none ever passed: the two sides do not
 * share the key (or both think they are the caller). Emitted once; the call cannot work.
 */
export class SignalingKeyMismatchError extends SignalingAuthError {
  override name = 'SignalingKeyMismatchError'
}

/**
 * A packet's counter was seen before or is older than the replay window (§2.5). Transports
 * duplicate blobs routinely, so this is informational: nothing is delivered twice.
 */
export class SignalingReplayError extends SignalingError {
  override name = 'SignalingReplayError'
}

/** An authenticated packet whose records, SCTP chunks or compressed payload are malformed. */
export class SignalingFramingError extends SignalingError {
  override name = 'SignalingFramingError'
}

/** A message's JSON is not valid JSON or breaks the field rules of §4 (the message is ignored). */
export class SignalingMessageError extends SignalingError {
  override name = 'SignalingMessageError'
  constructor(
    message: string,
    /** The message's `@type` when it could be read. */
    readonly messageType: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

/**
 * An outgoing message cannot be sent: it does not fit the framing's size limits, or too many
 * messages are waiting for the peer's acknowledgement.
 */
export class SignalingSendError extends SignalingError {
  override name = 'SignalingSendError'
}

/**
 * The peer aborted the SCTP association carrying signaling, or restarted it with new tags.
 * The channel reconnects by itself; messages the peer had not acknowledged are sent again.
 */
export class SignalingAssociationError extends SignalingError {
  override name = 'SignalingAssociationError'
}

/** The 30-bit packet counter ran out; the channel stops sending (as tgcalls does). */
export class SignalingCounterExhaustedError extends SignalingError {
  override name = 'SignalingCounterExhaustedError'
}

/** A listener of the channel's `outgoingBlob` or `message` event threw; `cause` is what it threw. */
export class SignalingListenerError extends SignalingError {
  override name = 'SignalingListenerError'
}

/** `err` itself if it is a signaling error, else wrapped in one: nothing untyped escapes. */
export function asSignalingError(err: unknown): SignalingError {
  return err instanceof SignalingError ? err : new SignalingError('internal signaling error', { cause: err })
}
