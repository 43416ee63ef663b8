/** Typed errors of the tgcalls v2 call engine (those of its signaling and media layers pass through unchanged). */

export class WebRtcEngineError extends Error {
  override name = 'WebRtcEngineError'
}

/**
 * `custom_parameters` switched on a mode this engine cannot honour (spec §1.4: both ends must
 * agree, and there is no in-band way to refuse), e.g. `network_use_mtproto`. The call fails
 * instead of running a protocol the peer does not speak.
 */
export class UnsupportedServerSwitchError extends WebRtcEngineError {
  override name = 'UnsupportedServerSwitchError'
  constructor(readonly parameter: string) {
    super(`the server switched on custom parameter "${parameter}", which this engine does not implement; the call cannot work`)
  }
}

/** The server chose a library version this engine does not speak. */
export class UnsupportedVersionError extends WebRtcEngineError {
  override name = 'UnsupportedVersionError'
}

/**
 * Every one of the first signaling blobs from the peer was rejected (failed authentication,
 * broken framing or JSON) and none was accepted: the blobs are altered on the way, or the
 * two sides do not share the key. `cause` is the last rejection.
 */
export class SignalingUnusableError extends WebRtcEngineError {
  override name = 'SignalingUnusableError'
}

/**
 * The call was to go through a SOCKS5 proxy, which this engine cannot do (werift has no
 * proxy client). It fails instead of connecting around the proxy; the libtgvoip engine
 * (2.4.4) carries proxied calls.
 */
export class ProxyNotSupportedError extends WebRtcEngineError {
  override name = 'ProxyNotSupportedError'
  constructor() {
    super('tgcalls v2 calls cannot go through a SOCKS5 proxy; use NativeCallEngine (2.4.4) for proxied calls')
  }
}
