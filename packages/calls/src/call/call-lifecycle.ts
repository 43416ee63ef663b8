import { EventEmitter } from 'node:events'

import { tl } from '@mtcute/core'

import type { MediaSession, MediaStats } from '../engine/call-engine.js'
import { CallFailedError, CallStateError } from '../errors.js'
import { bigIntToLong } from '../signaling/long.js'
import { updatesOf } from '../signaling/updates-of.js'
import { emitIsolated } from '../util/emit-isolated.js'
import { entersState } from '../util/enters-state.js'
import type { CallContext } from './call-context.js'
import { CallEndReason, PhoneCallState, TERMINAL_STATES } from './call-state.js'
import { endToError, isFailure, toDiscardReason } from './end-reasons.js'
import type { MediaPump } from './media-pump.js'

export interface CallEvents {
  stateChange: [oldState: PhoneCallState, newState: PhoneCallState]
  /** Telegram asks for a rating of this (ended) call: answer with `call.rate()`. */
  needRating: []
  /** Telegram asked for the engine's debug log; it is being sent with `phone.saveCallDebug`. */
  needDebug: []
  /** The connection quality changed: 0 (none) to 4 bars, like the official apps. */
  signalBars: [bars: number]
  /** The current source ran out of audio (e.g. the file ended); silence is sent until `play()`. */
  sourceEnd: []
}

/**
 * The state machine, timers and teardown shared by both directions: entering states,
 * discarding on the server exactly once, and freeing the media session. The protocol steps
 * live in `Call`.
 */
export abstract class CallLifecycle extends EventEmitter<CallEvents> {
  protected _id = 0n
  protected _session: MediaSession | null = null
  private _endReason: CallEndReason | null = null
  private _error: Error | null = null
  protected accessHash: tl.Long | null = null
  protected pump: MediaPump | null = null
  protected lastStats: MediaStats | null = null
  protected lastDebugLog: string | null = null
  protected lastMediaInfo = { needRate: false, peerCapabilities: 0 }
  private _state: PhoneCallState
  private phaseTimer: NodeJS.Timeout | null = null
  private establishedAt: number | null = null
  private endedAt: number | null = null
  private pendingDiscard: { reason: CallEndReason; error: Error | undefined } | null = null
  private needRating = false
  private debugRequested = false
  private resolveEnded!: (reason: CallEndReason) => void

  /**
   * Resolves with the end reason when the call is over (never rejects): `'failed'` when
   * something went wrong (`error` says what), else how it ended normally.
   */
  readonly ended: Promise<CallEndReason> = new Promise((resolve) => {
    this.resolveEnded = resolve
  })

  protected constructor(
    protected readonly ctx: CallContext,
    initialState: PhoneCallState,
  ) {
    super()
    this._state = initialState
  }

  get state(): PhoneCallState {
    return this._state
  }

  /** Telegram's call id (0n until the server assigned one to an outgoing call). */
  get id(): bigint {
    return this._id
  }

  /** The end reason once `ended`/`failed`, else null. */
  get endReason(): CallEndReason | null {
    return this._endReason
  }

  /** Why the call failed (or was aborted), else null. */
  get error(): Error | null {
    return this._error
  }

  /** The media session while the call has one (null without an engine and after the end). */
  get session(): MediaSession | null {
    return this._session
  }

  /** Seconds the call has been (or was) established; 0 if it never was. */
  get duration(): number {
    if (this.establishedAt === null) return 0
    return Math.floor(((this.endedAt ?? Date.now()) - this.establishedAt) / 1000)
  }

  get isFinished(): boolean {
    return TERMINAL_STATES.has(this._state)
  }

  /**
   * Resolves once the call is in `state`; rejects with `CallStateTimeoutError` on timeout,
   * `AbortError` when the signal fires, or `CallStateTimeoutError` if the call ends first.
   */
  entersState(state: PhoneCallState, timeoutOrSignal: number | AbortSignal): Promise<this> {
    return entersState<PhoneCallState, this>(this, state, timeoutOrSignal, TERMINAL_STATES)
  }

  /** Ends the call: discards it on the server (with the relay in use) and frees the media. */
  async hangup(reason: CallEndReason = CallEndReason.HungUp): Promise<void> {
    await this.discard(reason)
  }

  /** Rates a finished call (1-5 stars), as Telegram asks through the `needRating` event. */
  async rate(rating: number, comment = ''): Promise<void> {
    if (!Number.isInteger(rating) || rating < 1 || rating > 5) {
      throw new CallStateError('Rating must be an integer from 1 to 5')
    }
    if (!this.accessHash) throw new CallStateError('The call never reached the server')
    const res = await this.ctx.client.call({ _: 'phone.setCallRating', peer: this.inputPhoneCall(), rating, comment })
    this.ctx.client.handleClientUpdate(res)
  }

  protected inputPhoneCall(): tl.RawInputPhoneCall {
    return { _: 'inputPhoneCall', id: bigIntToLong(this._id), accessHash: this.accessHash! }
  }

  protected setState(next: PhoneCallState): void {
    const old = this._state
    if (old === next) return
    this._state = next
    if (next === PhoneCallState.Established && this.establishedAt === null) this.establishedAt = Date.now()
    this.safeEmit('stateChange', old, next)
  }

  /** One timer per phase (receive, ring, key exchange, connect); never armed once the call is ending. */
  protected setPhaseTimer(ms: number, onExpire: () => void): void {
    this.clearPhaseTimer()
    if (this.isFinished || this._state === PhoneCallState.HangingUp) return
    this.phaseTimer = setTimeout(onExpire, ms)
  }

  protected clearPhaseTimer(): void {
    if (this.phaseTimer) clearTimeout(this.phaseTimer)
    this.phaseTimer = null
  }

  /**
   * Settles with this call once established, or with the typed error explaining why not.
   * `normalEndResolves`: a call that ended without an error (a hang-up racing the media
   * start) resolves too; that is the answerer's view, for whom only a failure is an error.
   */
  protected waitEstablished(normalEndResolves = false): Promise<this> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        if (this._state === PhoneCallState.Established) resolve(this)
        else if (this.isFinished && normalEndResolves && this.error === null) resolve(this)
        else if (this.isFinished) reject(endToError(this.endReason!, this.error))
        else return false
        this.off('stateChange', check)
        return true
      }
      if (!check()) this.on('stateChange', check)
    })
  }

  /**
   * Ends the call from our side: enters `hangingUp`, frees media, sends `phone.discardCall`
   * (duration, reason, relay id) and finishes. Before the server knows the call (an outgoing
   * request in flight) the discard is deferred until the id arrives. Idempotent.
   */
  protected async discard(reason: CallEndReason, error?: Error): Promise<void> {
    if (this.isFinished || this._state === PhoneCallState.HangingUp) {
      await this.ended
      return
    }
    const duration = this.duration
    const relayId = this._session?.preferredRelayId() ?? 0n
    this.setState(PhoneCallState.HangingUp)
    this.stopMedia()
    if (!this.accessHash) {
      this.pendingDiscard = { reason, error }
      await this.ended
      return
    }
    await this.sendDiscard(reason, duration, relayId)
    this.finish(reason, error)
  }

  /** Called by the outgoing flow once the request settles: performs a discard deferred by `discard()`. */
  protected async flushPendingDiscard(): Promise<boolean> {
    const pending = this.pendingDiscard
    if (!pending) return false
    this.pendingDiscard = null
    if (this.accessHash) await this.sendDiscard(pending.reason, 0, 0n)
    this.finish(pending.reason, pending.error)
    return true
  }

  private async sendDiscard(reason: CallEndReason, duration: number, relayId: bigint): Promise<void> {
    try {
      const res = await this.ctx.client.call({
        _: 'phone.discardCall',
        peer: this.inputPhoneCall(),
        duration,
        reason: toDiscardReason(reason),
        connectionId: bigIntToLong(relayId),
      })
      for (const update of updatesOf(res)) {
        if (update._ === 'updatePhoneCall' && update.phoneCall._ === 'phoneCallDiscarded') this.noteDiscardFlags(update.phoneCall)
      }
      this.ctx.client.handleClientUpdate(res)
    } catch (err) {
      // Already over on the server (the other side was faster): nothing left to discard.
      if (tl.RpcError.is(err, 'CALL_ALREADY_DECLINED') || tl.RpcError.is(err, 'CALL_ALREADY_DISCARDED')) return
      this.ctx.log.warn('phone.discardCall failed for call %s: %s', this.id, err)
    }
  }

  /** Remembers what Telegram asks for after a call; acted upon once the call finished. */
  protected noteDiscardFlags(discarded: tl.RawPhoneCallDiscarded): void {
    if (discarded.id.toString() !== this.id.toString()) return
    if (discarded.needRating) this.needRating = true
    if (discarded.needDebug && !this.debugRequested) {
      this.debugRequested = true
      void this.saveDebug()
    }
  }

  protected finish(reason: CallEndReason, error?: Error): void {
    if (this.isFinished) return
    this.clearPhaseTimer()
    this.stopMedia()
    this.releaseSecrets()
    const failed = isFailure(error ?? null)
    const endReason = failed ? CallEndReason.Failed : reason
    this._endReason = endReason
    this._error = error ?? null
    this.endedAt = Date.now()
    this.setState(failed ? PhoneCallState.Failed : PhoneCallState.Ended)
    // `ended` waits for the sink to close, so a recording is complete once it resolves.
    void (this.pump?.stop() ?? Promise.resolve()).then(() => this.resolveEnded(endReason))
    this.ctx.onFinished(this)
    if (this.needRating) this.safeEmit('needRating')
    if (this.debugRequested) this.safeEmit('needDebug')
  }

  protected safeEmit<E extends keyof CallEvents>(event: E, ...args: CallEvents[E]): void {
    emitIsolated(this, this.ctx.log, event, args)
  }

  /** Drops key material once the call is over. */
  protected abstract releaseSecrets(): void

  /** Records the engine's debug log before closing: `phone.saveCallDebug` may ask for it later. */
  protected stopMedia(): void {
    void this.pump?.stop()
    const session = this._session
    if (!session) return
    this._session = null
    try {
      this.lastStats = session.stats()
      this.lastDebugLog = session.debugLog()
      this.lastMediaInfo = { needRate: session.needRate(), peerCapabilities: session.peerCapabilities() }
    } catch (err) {
      this.ctx.log.warn('engine stats()/debugLog()/needRate()/peerCapabilities() threw: %s', err)
    }
    try {
      session.close()
    } catch (err) {
      this.ctx.log.warn('engine close() threw: %s', err)
    }
  }

  private async saveDebug(): Promise<void> {
    // Wait until the session is closed so the log covers the whole call.
    await this.ended
    if (this.lastDebugLog === null) {
      this.ctx.log.debug('call %s: server asked for a debug log but no engine ran', this.id)
      return
    }
    try {
      await this.ctx.client.call({
        _: 'phone.saveCallDebug',
        peer: this.inputPhoneCall(),
        debug: { _: 'dataJSON', data: this.lastDebugLog },
      })
    } catch (err) {
      this.ctx.log.warn('phone.saveCallDebug failed for call %s: %s', this.id, err)
    }
  }

  /** A media failure or timeout: discard as disconnected, surface `CallFailedError`. */
  protected failConnection(message: string, cause?: unknown): void {
    void this.discard(CallEndReason.Disconnected, new CallFailedError(message, { cause }))
  }
}
