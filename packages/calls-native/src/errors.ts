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

/** An endpoint has neither an IPv4 nor an IPv6 address. */
export class MissingAddressError extends InvalidArgumentError {
  override name = 'MissingAddressError'
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

/** Why the SOCKS5 proxy failed the call; the numbers are the engine's. */
export enum ProxyFailureReason {
  UNREACHABLE = 1,
  AUTH_REFUSED = 2,
  UDP_UNSUPPORTED = 3,
  CONNECT_REFUSED = 4,
}

/** The SOCKS5 proxy set with setProxy() failed; emitted as `proxyError`. */
export abstract class ProxyError extends VoIPError {
  abstract readonly reason: ProxyFailureReason
}

/** No connection to the proxy, it closed or timed out during the handshake, or it is not SOCKS5. */
export class ProxyUnreachableError extends ProxyError {
  override name = 'ProxyUnreachableError'
  readonly reason = ProxyFailureReason.UNREACHABLE
}

/** The proxy refused the credentials (RFC 1929), or asked for credentials none were given for. */
export class ProxyAuthError extends ProxyError {
  override name = 'ProxyAuthError'
  readonly reason = ProxyFailureReason.AUTH_REFUSED
}

/** The proxy does not relay UDP: not fatal, the call falls back to TCP relays through the proxy. */
export class ProxyUdpUnsupportedError extends ProxyError {
  override name = 'ProxyUdpUnsupportedError'
  readonly reason = ProxyFailureReason.UDP_UNSUPPORTED
}

/** The proxy refused a CONNECT to a relay (its rules, or it cannot reach the relay). */
export class ProxyConnectRefusedError extends ProxyError {
  override name = 'ProxyConnectRefusedError'
  readonly reason = ProxyFailureReason.CONNECT_REFUSED
}

/** The error class for a failure the engine reported about the proxy at `proxy` (host:port). */
export function proxyErrorFromReason(reason: number, proxy: string): ProxyError {
  switch (reason) {
    case ProxyFailureReason.AUTH_REFUSED:
      return new ProxyAuthError(`the proxy ${proxy} refused the username/password (or wants one)`)
    case ProxyFailureReason.UDP_UNSUPPORTED:
      return new ProxyUdpUnsupportedError(`the proxy ${proxy} does not relay UDP; relays are used over TCP through it`)
    case ProxyFailureReason.CONNECT_REFUSED:
      return new ProxyConnectRefusedError(`the proxy ${proxy} refused to connect to a relay`)
    default:
      return new ProxyUnreachableError(`the proxy ${proxy} cannot be reached or does not speak SOCKS5`)
  }
}
