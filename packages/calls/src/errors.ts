/**
 * Every failure a user of `@tgvoip/calls` can see is one of these classes, so callers can
 * branch with `instanceof` instead of parsing messages.
 */

/**
 * Base class of all errors thrown by `@tgvoip/calls`. Not to be confused with
 * `@tgvoip/calls-native`'s `CallError`, pytgvoip's numeric enum of engine failures.
 */
export class PhoneCallError extends Error {
  override name = 'PhoneCallError'
}

/** The other side declined the call (hung up before answering). */
export class CallDeclinedError extends PhoneCallError {
  override name = 'CallDeclinedError'
  constructor(message = 'The call was declined') {
    super(message)
  }
}

/** Nobody answered before the ring or receive timeout, or the other side reported it missed. */
export class CallMissedError extends PhoneCallError {
  override name = 'CallMissedError'
  constructor(message = 'The call was not answered') {
    super(message)
  }
}

/** The other side is busy (already in a call, or declined as busy). */
export class CallBusyError extends PhoneCallError {
  override name = 'CallBusyError'
  constructor(message = 'The other side is busy') {
    super(message)
  }
}

/** The call could not be set up or broke down; `cause` says why (an RPC error, a timeout, the engine). */
export class CallFailedError extends PhoneCallError {
  override name = 'CallFailedError'
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
  }
}

/**
 * The call's audio source or sink threw (a file that cannot be decoded, a full disk, a
 * `CallbackSink` callback that threw). The call is hung up; `cause` is the original error.
 */
export class CallAudioError extends PhoneCallError {
  override name = 'CallAudioError'
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
  }
}

/**
 * Every `incomingCall` handler ran, at least one threw or rejected, and none answered: the
 * call was declined instead of ringing until the timeout. `cause` is the handler's error.
 */
export class CallHandlerError extends PhoneCallError {
  override name = 'CallHandlerError'
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
  }
}

/**
 * The key exchange failed a security check (bad DH prime or generator, `g_a`/`g_b` out of
 * range, `g_a` hash or key fingerprint mismatch). The call is discarded and the key is never used.
 */
export class CallSecurityError extends PhoneCallError {
  override name = 'CallSecurityError'
}

/** The caller's `AbortSignal` fired; the call was discarded on the server. */
export class AbortError extends PhoneCallError {
  override name = 'AbortError'
  constructor(message = 'The call was aborted', options?: { cause?: unknown }) {
    super(message, options)
  }
}

/** `entersState` gave up: the timeout passed before the call reached the state. */
export class CallStateTimeoutError extends PhoneCallError {
  override name = 'CallStateTimeoutError'
}

/** A method was called in a state that does not allow it (e.g. `accept()` on an outgoing call). */
export class CallStateError extends PhoneCallError {
  override name = 'CallStateError'
}

/**
 * The media engine cannot run here (e.g. the native addon has no build for this platform,
 * or a library it links is missing). Thrown when the `CallManager` is created, before any
 * call exists; `cause` is the loader's error.
 */
export class EngineUnavailableError extends PhoneCallError {
  override name = 'EngineUnavailableError'
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
  }
}

/** Options passed to `CallManager`, `callsPlugin`, `call()` or `accept()` are invalid. */
export class CallOptionsError extends PhoneCallError {
  override name = 'CallOptionsError'
}
