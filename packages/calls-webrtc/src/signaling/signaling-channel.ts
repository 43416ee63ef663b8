import { EventEmitter } from 'node:events'

import { inflateIfCompressed } from './compression.js'
import type { SignalingError } from './errors.js'
import {
  asSignalingError,
  SignalingAuthError,
  SignalingConfigError,
  SignalingKeyMismatchError,
  SignalingListenerError,
  SignalingSendError,
} from './errors.js'
import { DirectRawFraming } from './framing/direct-raw-framing.js'
import type { Framing, FramingOutput } from './framing/framing.js'
import { RawPackets } from './framing/raw-packets.js'
import { ReliableFraming } from './framing/reliable-framing.js'
import { SctpFraming } from './framing/sctp-framing.js'
import { decodeMessage, encodeMessage } from './messages/codec.js'
import type { SignalingMessage } from './messages/types.js'
import { PacketCipher } from './packet-cipher.js'
import { SctpState } from './sctp/association.js'
import { looksLikeSctp } from './sctp/packet.js'
import type { CustomParameters, SignalingVersion } from './versions.js'
import { FramingKind, framingFor, isSignalingVersion, sctpTimersFrom } from './versions.js'

/** Beyond this many messages without hearing from the peer, §3.5 detection is given up. */
const MAX_MESSAGES_BEFORE_DETECTION = 256
/**
 * This many authentication failures before any success mean the keys differ. More than one,
 * so that a single altered blob at call start is not mistaken for a key mismatch.
 */
const AUTH_FAILURES_FOR_KEY_MISMATCH = 3

export interface SignalingChannelOptions {
  /** The 256-byte call key. */
  key: Uint8Array
  /** True on the caller's (admin's) side: selects the direction offsets and who starts SCTP. */
  isOutgoing: boolean
  /** The negotiated library version (`phoneCall.protocol.library_versions[0]`). */
  version: SignalingVersion
  /** Parsed `phoneCall.custom_parameters` (§1.4); `{}` when absent. */
  customParameters?: CustomParameters
}

export enum SignalingChannelState {
  /** V3 only: the SCTP association is being set up; messages sent now are queued. */
  Connecting = 'connecting',
  Open = 'open',
  Closed = 'closed',
}

export interface SignalingChannelEvents {
  /** One blob to pass to `phone.sendSignalingData`. */
  outgoingBlob: [blob: Uint8Array]
  /** One decoded message from the peer, in the order the peer sent them. */
  message: [message: SignalingMessage]
  /** An incoming blob or message was dropped (see the error classes); the channel keeps working. */
  error: [error: SignalingError]
  stateChange: [oldState: SignalingChannelState, newState: SignalingChannelState]
}

/**
 * The signaling of one tgcalls v2 call: encrypts, frames and (for V2/V3) reliably delivers
 * the JSON messages of §4 over the opaque blobs Telegram relays between the two sides.
 *
 * Wire it with `channel.on('outgoingBlob', blob => phone.sendSignalingData(...))` and
 * `channel.receiveBlob(update.data)`. Incoming problems are reported on `error` and never
 * thrown; `send` throws only for a message that can never be sent (`SignalingSendError`).
 */
export class SignalingChannel extends EventEmitter<SignalingChannelEvents> {
  readonly version: SignalingVersion
  private readonly isOutgoing: boolean
  private readonly customParameters: CustomParameters
  private readonly cipher: PacketCipher
  private framing: Framing
  private framingKindValue: FramingKind
  private stateValue: SignalingChannelState
  /**
   * §3.5: while true, an SCTP blob from the peer switches a V1/V2 channel to V3. Cleared by
   * the first authenticated payload (the framing is then settled) or a full replay log.
   */
  private mayDetectSctp: boolean
  /** Messages sent while `mayDetectSctp`, to repeat after a switch. */
  private sentBeforeDetection: Uint8Array[] = []
  /** True once a payload from the peer passed authentication. */
  private peerAuthenticated = false
  private authFailuresBeforeSuccess = 0

  constructor(options: SignalingChannelOptions) {
    super()
    if (!isSignalingVersion(options.version)) {
      throw new SignalingConfigError(`unsupported signaling version ${JSON.stringify(options.version)}`)
    }
    this.version = options.version
    this.isOutgoing = options.isOutgoing
    this.customParameters = options.customParameters ?? {}
    this.cipher = new PacketCipher(options.key, options.isOutgoing)
    this.framingKindValue = framingFor(this.version, this.customParameters)
    this.stateValue = this.framingKindValue === FramingKind.Sctp ? SignalingChannelState.Connecting : SignalingChannelState.Open
    this.mayDetectSctp = this.framingKindValue === FramingKind.Raw || this.framingKindValue === FramingKind.Reliable
    this.framing = this.createFraming(this.framingKindValue)
  }

  get state(): SignalingChannelState {
    return this.stateValue
  }

  /** The framing in use; it can change once, from V1/V2 to V3, if the peer's first blob is SCTP (§3.5). */
  get framingKind(): FramingKind {
    return this.framingKindValue
  }

  /**
   * Sends one message (queued while V3's association comes up). Does nothing after `close()`.
   * Throws `SignalingSendError` if the message is malformed or too large for the framing.
   */
  send(message: SignalingMessage): void {
    if (this.stateValue === SignalingChannelState.Closed) return
    const json = encodeMessage(message)
    try {
      // What we send must be what a strict tgcalls parser accepts (e.g. SSRCs within uint32).
      decodeMessage(json)
    } catch (err) {
      throw new SignalingSendError(`refusing to send an invalid ${message.type}`, { cause: err })
    }
    this.framing.send(json)
    if (this.mayDetectSctp) {
      this.sentBeforeDetection.push(json)
      if (this.sentBeforeDetection.length > MAX_MESSAGES_BEFORE_DETECTION) this.settleFraming()
    }
  }

  /** Handles one blob from `updatePhoneCallSignalingData`. Never throws. */
  receiveBlob(blob: Uint8Array): void {
    if (this.stateValue === SignalingChannelState.Closed) return
    try {
      if (this.mayDetectSctp && looksLikeSctp(blob)) this.switchToSctp()
      this.framing.receive(blob)
    } catch (err) {
      this.reportError(asSignalingError(err))
    }
  }

  /** Stops all timers and drops everything in flight; idempotent. */
  close(): void {
    if (this.stateValue === SignalingChannelState.Closed) return
    // Closed first, so the framing's own shutdown is not reported as a state of ours.
    this.setState(SignalingChannelState.Closed)
    this.framing.close()
  }

  private createFraming(kind: FramingKind): Framing {
    const output: FramingOutput = {
      sendBlob: blob => this.emitSafely('outgoingBlob', blob),
      deliver: payload => this.deliver(payload),
      reportError: error => this.onFramingError(error),
    }
    switch (kind) {
      case FramingKind.Raw:
        return new DirectRawFraming(new RawPackets(this.cipher, false), output)
      case FramingKind.GzipRaw:
        return new DirectRawFraming(new RawPackets(this.cipher, true), output)
      case FramingKind.Reliable:
        return new ReliableFraming(this.cipher, output)
      case FramingKind.Sctp:
        return new SctpFraming(new RawPackets(this.cipher, true), this.isOutgoing, sctpTimersFrom(this.customParameters), output,
          (_old, state) => {
            if (this.stateValue === SignalingChannelState.Closed) return
            this.setState(state === SctpState.Established ? SignalingChannelState.Open : SignalingChannelState.Connecting)
          })
    }
  }

  /**
   * The peer speaks V3 although the version said otherwise (an old 9.0.0 build, a mis-set
   * switch): talk SCTP from now on and repeat what the peer could not have understood.
   */
  private switchToSctp(): void {
    const replay = this.sentBeforeDetection
    this.settleFraming()
    this.framing.close()
    this.framingKindValue = FramingKind.Sctp
    this.setState(SignalingChannelState.Connecting)
    this.framing = this.createFraming(FramingKind.Sctp)
    for (const json of replay) this.framing.send(json)
  }

  private settleFraming(): void {
    this.mayDetectSctp = false
    this.sentBeforeDetection = []
  }

  private deliver(payload: Uint8Array): void {
    this.peerAuthenticated = true
    this.settleFraming()
    let message: SignalingMessage | null
    try {
      message = decodeMessage(inflateIfCompressed(payload))
    } catch (err) {
      this.reportError(asSignalingError(err))
      return
    }
    // null: a well-formed message of a type we do not know, ignored like tgcalls does (§4.1).
    if (message !== null) this.emitSafely('message', message)
  }

  private onFramingError(error: SignalingError): void {
    this.reportError(error)
    if (error instanceof SignalingAuthError && !this.peerAuthenticated && ++this.authFailuresBeforeSuccess === AUTH_FAILURES_FOR_KEY_MISMATCH) {
      this.reportError(new SignalingKeyMismatchError(`the first ${AUTH_FAILURES_FOR_KEY_MISMATCH} packets from the peer failed authentication: the call keys (or roles) differ`))
    }
  }

  private setState(state: SignalingChannelState): void {
    if (state === this.stateValue) return
    const old = this.stateValue
    this.stateValue = state
    this.emitSafely('stateChange', old, state)
  }

  /**
   * Emits without letting a throwing listener unwind into our timers or protocol state: the
   * throw is reported as a `SignalingListenerError` instead.
   */
  private emitSafely<E extends 'outgoingBlob' | 'message' | 'stateChange'>(event: E, ...args: SignalingChannelEvents[E]): void {
    try {
      const emit = this.emit.bind(this) as (name: string, ...values: unknown[]) => boolean
      emit(event, ...args)
    } catch (err) {
      this.reportError(new SignalingListenerError(`a ${event} listener threw`, { cause: err }))
    }
  }

  /** `error` is emitted only when someone listens: EventEmitter would throw it otherwise. */
  private reportError(error: SignalingError): void {
    if (this.listenerCount('error') === 0) return
    try {
      this.emit('error', error)
    } catch {
      // An error listener that throws has nobody left to tell; keep the channel alive.
    }
  }
}
