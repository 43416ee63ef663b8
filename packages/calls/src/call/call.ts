import { randomInt } from 'node:crypto'

import { tl, User } from '@mtcute/core'

import { AbortError, CallFailedError, CallSecurityError, CallStateError } from '../errors.js'
import type { CallEndpoint, MediaSession, RtcServer } from '../engine/call-engine.js'
import { MediaState } from '../engine/call-engine.js'
import { parseCustomParameters } from '../signaling/custom-parameters.js'
import { bigIntToLong, longToBigInt } from '../signaling/long.js'
import type { CallTimeouts } from '../signaling/server-config.js'
import type { CallContext } from './call-context.js'
import { CallMedia } from './call-media.js'
import { ANSWERED_STATES, CallEndReason, PhoneCallState } from './call-state.js'
import { fromRemoteDiscard } from './end-reasons.js'
import { SignalingRelay } from './signaling-relay.js'
import type { AgreedKey, CalleeSecret, CallerSecret } from './key-exchange.js'
import { createCalleeSecret, createCallerSecret, finishCallee, finishCaller } from './key-exchange.js'
import { checkCallOptions, checkMediaPaths, type CallOptionsInput } from './media-options.js'

export interface CallInit {
  isOutgoing: boolean
  peerId: number
  peer: User | null
}

/**
 * One 1:1 call, outgoing or incoming. Created by `CallManager`; users get it from
 * `client.calls.call()` (once established) or the `incomingCall` event (while ringing).
 */
export class Call extends CallMedia {
  readonly isOutgoing: boolean
  /** The other party's user id. */
  readonly peerId: number
  private _peer: User | null
  private _libraryVersion: string | null = null

  private callerSecret: CallerSecret | null = null
  private calleeSecret: CalleeSecret | null = null
  private gAHash: Uint8Array | null = null
  private key: AgreedKey | null = null
  private keyVerified = false
  private timeouts: CallTimeouts | null = null
  private readonly signaling: SignalingRelay

  /** @internal Created by `CallManager`. */
  constructor(ctx: CallContext, init: CallInit) {
    super(ctx, init.isOutgoing ? PhoneCallState.Requesting : PhoneCallState.Ringing)
    this.isOutgoing = init.isOutgoing
    this.peerId = init.peerId
    this._peer = init.peer
    this.signaling = new SignalingRelay(
      ctx.client,
      () => this.inputPhoneCall(),
      (error) => void this.discard(CallEndReason.Disconnected, error),
    )
  }

  /** The other party, when Telegram sent its user object (always for incoming calls). */
  get peer(): User | null {
    return this._peer
  }

  /** The four key emojis both sides see (empty until the keys are agreed and checked). */
  get emojis(): readonly string[] {
    return this.keyVerified ? this.key!.emojis : []
  }

  /** The key fingerprint both sides agreed on (null until then). */
  get keyFingerprint(): bigint | null {
    return this.keyVerified ? this.key!.fingerprint : null
  }

  /** libtgvoip version the server negotiated (`phoneCall.protocol.libraryVersions[0]`). */
  get libraryVersion(): string | null {
    return this._libraryVersion
  }

  /**
   * Answers an incoming call: exchanges keys and starts the media. `source`/`sink` take
   * sources, sinks, an `AudioPlayer` or file paths; `dataSaving`/`networkType`/`bitrate`
   * override the manager's for this call. Paths are checked before Telegram hears of the
   * answer: one that cannot be opened rejects with `AudioDecodeError`/`AudioEncodeError`/
   * `FfmpegNotFoundError` and the call keeps ringing. Resolves once established, or once
   * the call ended normally before that (a hang-up racing the answer: see `endReason`);
   * rejects only when the call failed (`CallFailedError`, `CallSecurityError`, ...).
   */
  async accept(options: CallOptionsInput = {}): Promise<this> {
    if (this.isOutgoing || this.state !== PhoneCallState.Ringing) {
      throw new CallStateError(`Cannot accept a${this.isOutgoing ? 'n outgoing' : ''} call in state '${this.state}'`)
    }
    const checked = checkCallOptions(options, this.ctx.engine !== undefined)
    checkMediaPaths(checked)
    this.useOptions(checked)
    const established = this.waitEstablished(true)
    this.setState(PhoneCallState.ExchangingKeys)
    void this.runAccept()
    return established
  }

  /** Rejects an incoming call (reason `declined`, or `busy`). */
  async decline(reason: CallEndReason.Declined | CallEndReason.Busy = CallEndReason.Declined): Promise<void> {
    if (this.isOutgoing) throw new CallStateError('Cannot decline an outgoing call; use hangup()')
    await this.discard(reason)
  }

  /** @internal An `incomingCall` handler failed and nobody answered: decline, keeping the error. */
  declineAfterHandlerError(error: Error): void {
    if (this.state === PhoneCallState.Ringing) void this.discard(CallEndReason.Declined, error)
  }

  /** @internal The outgoing flow (`options` checked by the manager): resolves once established, rejects with a typed error. */
  startOutgoing(user: tl.TypeInputUser, options: CallOptionsInput, signal?: AbortSignal): Promise<this> {
    this.useOptions(options)
    const established = this.waitEstablished()
    if (signal) {
      // Detached once settled: aborting an established call is not this signal's job.
      const onAbort = (): void => {
        const reason = ANSWERED_STATES.has(this.state) ? CallEndReason.HungUp : CallEndReason.Missed
        void this.discard(reason, new AbortError(undefined, { cause: signal.reason }))
      }
      if (signal.aborted) onAbort()
      else {
        signal.addEventListener('abort', onAbort, { once: true })
        const detach = (): void => signal.removeEventListener('abort', onAbort)
        established.then(detach, detach)
      }
    }
    void this.runRequest(user)
    return established
  }

  /** @internal An incoming call from `updatePhoneCall{phoneCallRequested}`. */
  initIncoming(requested: tl.RawPhoneCallRequested): void {
    this._id = longToBigInt(requested.id)
    this.accessHash = requested.accessHash
    this.gAHash = requested.gAHash
  }

  /** @internal Starts ringing locally: sends `phone.receivedCall` at once and arms the ring timeout. */
  async ring(): Promise<void> {
    const received = this.ctx.client.call({ _: 'phone.receivedCall', peer: this.inputPhoneCall() }).then(
      () => undefined,
      (err: unknown) => {
        if (tl.RpcError.is(err, 'CALL_ALREADY_DISCARDED')) this.finish(CallEndReason.Missed)
        else this.ctx.log.warn('phone.receivedCall failed for call %s: %s', this.id, err)
      },
    )
    const timeouts = await this.ctx.config.getTimeouts()
    this.timeouts ??= timeouts
    if (this.state === PhoneCallState.Ringing) this.setPhaseTimer(timeouts.ringTimeoutMs, () => void this.discard(CallEndReason.Missed))
    await received
  }

  /**
   * The other side (or the server) discarded the call. A lost connection is a failure on
   * both sides, whichever noticed first, so both report `failed` with `CallFailedError`.
   */
  private finishRemoteDiscard(reason: tl.TypePhoneCallDiscardReason | undefined): void {
    const endReason = fromRemoteDiscard(reason, {
      isOutgoing: this.isOutgoing,
      answered: ANSWERED_STATES.has(this.state),
      ringingIncoming: !this.isOutgoing && this.state === PhoneCallState.Ringing,
    })
    const error = endReason === CallEndReason.Disconnected ? new CallFailedError('The other side lost the connection') : undefined
    this.finish(endReason, error)
  }

  /** @internal Every `phoneCall*` update for this call. Duplicates and stale updates are no-ops. */
  handleUpdate(pc: tl.TypePhoneCall): void {
    if (this.isFinished) return
    switch (pc._) {
      case 'phoneCallDiscarded':
        this.noteDiscardFlags(pc)
        if (this.state === PhoneCallState.HangingUp) return
        this.finishRemoteDiscard(pc.reason)
        return
      case 'phoneCallWaiting':
        if (!this.isOutgoing || (this.state !== PhoneCallState.Requesting && this.state !== PhoneCallState.Waiting)) return
        // Outgoing updates are only routed here once runRequest stored the timeouts.
        if (pc.receiveDate) this.startRinging(this.timeouts!)
        else this.setState(PhoneCallState.Waiting)
        return
      case 'phoneCallAccepted':
        if (this.isOutgoing && this.callerSecret && !this.key && this.state !== PhoneCallState.HangingUp) void this.onAccepted(pc)
        return
      case 'phoneCall':
        if (this.state === PhoneCallState.ExchangingKeys && !this.keyVerified) void this.onConfirmed(pc)
    }
  }

  /** @internal A blob from `updatePhoneCallSignalingData`, for the media engine. */
  receiveSignalingData(data: Uint8Array): void {
    if (!this.isFinished) this.signaling.receive(data)
  }

  /** Called once when the call finishes: secrets and the key are no longer needed. */
  protected override releaseSecrets(): void {
    this.key?.key.fill(0)
    if (this.callerSecret) this.callerSecret.secret = 0n
    if (this.calleeSecret) this.calleeSecret.secret = 0n
  }

  private async runRequest(user: tl.TypeInputUser): Promise<void> {
    try {
      const [dh, timeouts] = await Promise.all([this.ctx.dh.get(), this.ctx.config.getTimeouts()])
      if (await this.flushPendingDiscard()) return
      this.timeouts = timeouts
      if (this.ctx.engine) void this.ctx.config.getCallConfig() // warm the cache the engine will need
      this.callerSecret = createCallerSecret(dh)
      const res = await this.ctx.client.call({
        _: 'phone.requestCall',
        userId: user,
        randomId: randomInt(0x7fffffff),
        gAHash: this.callerSecret.gAHash,
        protocol: this.ctx.protocol,
      })
      const rawPeer = res.users.find((u) => u.id === this.peerId)
      if (rawPeer?._ === 'user') this._peer = new User(rawPeer)
      this._id = longToBigInt(res.phoneCall.id)
      if ('accessHash' in res.phoneCall) this.accessHash = res.phoneCall.accessHash
      // Armed before replaying early updates: a replayed receipt must be able to replace it
      // with the ring timer, not be overwritten by it.
      this.setPhaseTimer(timeouts.receiveTimeoutMs, () => void this.discard(CallEndReason.Missed))
      this.ctx.registerId(this)
      // Updates that overtook the response were just replayed and may have ended the call.
      if (this.isFinished || (await this.flushPendingDiscard())) return
      this.handleUpdate(res.phoneCall)
    } catch (err) {
      if (this.isFinished) return
      const error = err instanceof CallSecurityError ? err : new CallFailedError('Could not request the call', { cause: err })
      if (await this.flushPendingDiscard()) return
      this.finish(CallEndReason.Disconnected, error)
    }
  }

  /** The callee's device has the call: the receive timeout gives way to the ring timeout. */
  private startRinging(timeouts: CallTimeouts): void {
    this.setState(PhoneCallState.Ringing)
    if (this.state === PhoneCallState.Ringing) this.setPhaseTimer(timeouts.ringTimeoutMs, () => void this.discard(CallEndReason.Missed))
  }

  private async onAccepted(accepted: tl.RawPhoneCallAccepted): Promise<void> {
    this.setState(PhoneCallState.ExchangingKeys)
    try {
      this.key = finishCaller(this.callerSecret!, accepted.gB)
    } catch (err) {
      void this.discard(CallEndReason.Disconnected, err as Error)
      return
    }
    this.callerSecret!.secret = 0n
    this.setPhaseTimer(this.timeouts!.receiveTimeoutMs, () => this.failConnection('The server did not confirm the call in time'))
    try {
      const res = await this.ctx.client.call({
        _: 'phone.confirmCall',
        peer: this.inputPhoneCall(),
        gA: this.callerSecret!.gA,
        keyFingerprint: bigIntToLong(this.key.fingerprint),
        protocol: this.ctx.protocol,
      })
      this.handleUpdate(res.phoneCall)
    } catch (err) {
      if (tl.RpcError.is(err, 'CALL_ALREADY_DISCARDED')) this.finish(CallEndReason.HungUp, new CallFailedError('The call was discarded while confirming', { cause: err }))
      else this.failConnection('phone.confirmCall failed', err)
    }
  }

  private async runAccept(): Promise<void> {
    try {
      const [dh, timeouts] = await Promise.all([this.ctx.dh.get(), this.ctx.config.getTimeouts()])
      if (this.state !== PhoneCallState.ExchangingKeys) return
      this.timeouts = timeouts
      if (this.ctx.engine) void this.ctx.config.getCallConfig() // warm the cache the engine will need
      this.calleeSecret = createCalleeSecret(dh)
      this.setPhaseTimer(timeouts.receiveTimeoutMs, () => this.failConnection('The caller did not confirm the call in time'))
      const res = await this.ctx.client.call({
        _: 'phone.acceptCall',
        peer: this.inputPhoneCall(),
        gB: this.calleeSecret.gB,
        protocol: this.ctx.protocol,
      })
      this.handleUpdate(res.phoneCall)
    } catch (err) {
      if (this.isFinished || this.state === PhoneCallState.HangingUp) return
      if (tl.RpcError.is(err, 'CALL_ALREADY_ACCEPTED')) {
        // Not a failure: the user answered, on another device.
        this.finish(CallEndReason.AcceptedElsewhere)
      } else if (tl.RpcError.is(err, 'CALL_ALREADY_DISCARDED')) {
        // The caller hung up before our answer arrived: a missed call, not a failure.
        this.finish(CallEndReason.Missed)
      } else if (err instanceof CallSecurityError) {
        void this.discard(CallEndReason.Disconnected, err)
      } else {
        this.failConnection('phone.acceptCall failed', err)
      }
    }
  }

  private async onConfirmed(pc: tl.RawPhoneCall): Promise<void> {
    if (!this.isOutgoing) {
      if (!this.calleeSecret || !this.gAHash) return
      try {
        this.key = finishCallee(this.calleeSecret, pc.gAOrB, this.gAHash, longToBigInt(pc.keyFingerprint))
      } catch (err) {
        void this.discard(CallEndReason.Disconnected, err as Error)
        return
      }
      this.calleeSecret.secret = 0n
    } else if (!this.key || longToBigInt(pc.keyFingerprint) !== this.key.fingerprint) {
      void this.discard(CallEndReason.Disconnected, new CallSecurityError('The server echoed a different key fingerprint'))
      return
    }
    this.keyVerified = true
    this._libraryVersion = pc.protocol.libraryVersions[0] ?? null
    await this.startMedia(pc)
  }

  /**
   * Hands the key and endpoints to the engine. Without an engine the call is signaling-only:
   * it is established as soon as both sides hold the same key.
   */
  private async startMedia(pc: tl.RawPhoneCall): Promise<void> {
    this.setState(PhoneCallState.Connecting)
    const engine = this.ctx.engine
    if (!engine) {
      this.clearPhaseTimer()
      this.setState(PhoneCallState.Established)
      return
    }
    const serverConfig = await this.ctx.config.getCallConfig()
    const timeouts = this.timeouts!
    if (this.state !== PhoneCallState.Connecting) return
    this.setPhaseTimer(timeouts.connectTimeoutMs, () => this.failConnection('The media connection timed out'))
    try {
      const session = engine.createSession({
        callId: this.id,
        // The engine gets its own copy: ours is wiped when the call finishes.
        key: Uint8Array.from(this.key!.key),
        isOutgoing: this.isOutgoing,
        endpoints: pc.connections.flatMap((c) => (c._ === 'phoneConnection' ? [toEndpoint(c)] : [])),
        rtcServers: pc.connections.flatMap((c) => (c._ === 'phoneConnectionWebrtc' ? [toRtcServer(c)] : [])),
        allowP2p: pc.p2pAllowed ?? false,
        maxLayer: pc.protocol.maxLayer,
        libraryVersion: this._libraryVersion ?? '',
        connectTimeoutMs: timeouts.connectTimeoutMs,
        packetTimeoutMs: timeouts.packetTimeoutMs,
        serverConfig,
        customParameters: parseCustomParameters(pc.customParameters, this.ctx.log),
        network: this.network,
      })
      this._session = session
      let lastError: Error | undefined
      session.on('error', (err) => (lastError = err))
      session.on('stateChange', (_old, next) => this.onMediaState(session, next, lastError))
      this.signaling.attach(session)
      session.start()
      this.signaling.deliverTo(session)
      this.attachMedia(session)
    } catch (err) {
      this.failConnection('The media engine could not start', err)
    }
  }

  private onMediaState(session: MediaSession, next: MediaState, lastError: Error | undefined): void {
    if (this._session !== session || this.isFinished || this.state === PhoneCallState.HangingUp) return
    switch (next) {
      case MediaState.Established:
        this.clearPhaseTimer()
        this.setState(PhoneCallState.Established)
        return
      case MediaState.Reconnecting:
        this.setState(PhoneCallState.Reconnecting)
        return
      case MediaState.Failed:
      case MediaState.Closed:
        this.failConnection(`The media session ${next === MediaState.Failed ? 'failed' : 'closed unexpectedly'}`, lastError)
    }
  }
}

function toEndpoint(c: tl.RawPhoneConnection): CallEndpoint {
  return { id: longToBigInt(c.id), ip: c.ip, ipv6: c.ipv6, port: c.port, peerTag: c.peerTag, tcp: c.tcp ?? false }
}

function toRtcServer(c: tl.RawPhoneConnectionWebrtc): RtcServer {
  return {
    id: longToBigInt(c.id),
    ip: c.ip,
    ipv6: c.ipv6,
    port: c.port,
    username: c.username,
    password: c.password,
    turn: c.turn ?? false,
    stun: c.stun ?? false,
  }
}
