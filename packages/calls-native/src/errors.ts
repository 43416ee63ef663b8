/** Typed errors for bad arguments and misuse; the engine never throws from its thread. */

export class VoIPError extends Error {
  override name = 'VoIPError'
}

/** An argument has the wrong type, size or range. */
export class InvalidArgumentError extends VoIPError {
  override name = 'InvalidArgumentError'
}

/** The encryption key is not exactly 256 bytes. */
export class InvalidKeyError extends InvalidArgumentError {
  override name = 'InvalidKeyError'
}

/** An endpoint's peer tag is present but not 16 bytes. */
export class InvalidPeerTagError extends InvalidArgumentError {
  override name = 'InvalidPeerTagError'
}

/** setRemoteEndpoints() was given an empty list. */
export class NoEndpointsError extends InvalidArgumentError {
  override name = 'NoEndpointsError'
}

/** An endpoint has no (valid) IPv4 address. */
export class MissingIpv4Error extends InvalidArgumentError {
  override name = 'MissingIpv4Error'
}

/** connect() was called before the key and the endpoints were set. */
export class NotConfiguredError extends VoIPError {
  override name = 'NotConfiguredError'
}

/** The key or the endpoints were changed after connect(). */
export class AlreadyConnectedError extends VoIPError {
  override name = 'AlreadyConnectedError'
}

/** The controller was used after destroy(). */
export class ControllerDestroyedError extends VoIPError {
  override name = 'ControllerDestroyedError'
}
