import { EventEmitter } from 'node:events'

import type { InputPeerLike, ITelegramClient, PeersIndex, RawUpdateInfo, tl } from '@mtcute/core'
import { User } from '@mtcute/core'
import { resolveUser } from '@mtcute/core/methods.js'
import type { Logger } from '@mtcute/core/utils.js'

import type { CallAudioSink, CallAudioSource } from '../call/audio-types.js'
import type { CallEngine } from '../engine/call-engine.js'
import { Call } from '../call/call.js'
import { checkCallOptions, checkMediaPaths } from '../call/media-options.js'
import type { CallNetworkOptions } from '../call/network-options.js'
import type { CallContext } from '../call/call-context.js'
import type { CallLifecycle } from '../call/call-lifecycle.js'
import { CallEndReason } from '../call/call-state.js'
import { CallHandlerError, CallOptionsError, EngineUnavailableError } from '../errors.js'
import { DhConfigCache } from '../signaling/dh-config-cache.js'
import { longToBigInt } from '../signaling/long.js'
import { buildProtocol } from '../signaling/protocol.js'
import { ServerConfig } from '../signaling/server-config.js'
import { emitIsolated } from '../util/emit-isolated.js'
import { RecentIds } from '../util/recent-ids.js'
import type { CallManagerOptions, ResolvedCallManagerOptions } from './options.js'
import { resolveCallManagerOptions } from './options.js'

export interface CallManagerEvents {
  /** Someone is calling: `call.accept()` or `call.decline()`. Handler errors are caught and logged. */
  incomingCall: [call: Call]
  /** We started calling someone (emitted before the call is established). */
  outgoingCall: [call: Call]
}

/** `call()`'s options; `dataSaving`, `networkType` and `bitrate` override the manager's for this call. */
export interface OutgoingCallOptions extends CallNetworkOptions {
  /** Aborting before the call is established discards it and rejects with `AbortError`. */
  signal?: AbortSignal
  /** Where the other side's audio goes: a sink, or a file path (`.wav`, `.raw`, any ffmpeg format). */
  sink?: CallAudioSink | string
}

/** How long `client.destroy()` waits for our hang-ups to reach Telegram before tearing down. */
const DESTROY_HANGUP_TIMEOUT_MS = 5_000

/**
 * Telegram 1:1 calls for one client: places calls, answers them, and routes
 * `updatePhoneCall` updates to them. Works over any mtcute `ITelegramClient` (the updates
 * loop must run, as `client.start()` does). Use `callsPlugin()` for `client.calls`.
 */
export class CallManager extends EventEmitter<CallManagerEvents> {
  readonly options: ResolvedCallManagerOptions
  private readonly log: Logger
  private readonly ctx: CallContext
  private readonly byId = new Map<bigint, Call>()
  private readonly requesting = new Set<Call>()
  private readonly finishedIds = new RecentIds(4096)
  // Updates can overtake the `phone.requestCall` response that tells us the call's id.
  private readonly early = new Map<bigint, tl.TypePhoneCall[]>()
  private destroyed = false

  constructor(
    readonly client: ITelegramClient,
    options: CallManagerOptions = {},
  ) {
    super()
    this.options = resolveCallManagerOptions(options)
    loadEngine(this.options.engine)
    this.log = client.log.create('calls')
    this.ctx = {
      client,
      log: this.log,
      engine: this.options.engine,
      protocol: buildProtocol(this.options.engine),
      dh: new DhConfigCache(client),
      config: new ServerConfig(client, this.log, this.options.timeouts),
      network: this.options.network,
      registerId: (call) => this.registerId(call),
      onFinished: (call) => this.forget(call),
    }
    client.onRawUpdate.add(this.onRawUpdate)
    this.hookClientDestroy()
    // Fallback when the client is torn down some other way: at least free the media.
    client.stopSignal.addEventListener('abort', () => void this.destroy(), { once: true })
  }

  /** Calls that have not finished yet. */
  get activeCalls(): Call[] {
    return [...this.requesting, ...this.byId.values()]
  }

  /**
   * Calls `user` (anything mtcute resolves: id, username, `'me'`, TL user) and resolves with
   * the `Call` once established. `source` is an audio source, an `AudioPlayer` or a file
   * path/URL (`.raw` is s16le 48 kHz mono, others play through ffmpeg). Paths are checked
   * before the peer is rung: one that cannot be opened throws `AudioDecodeError`/
   * `AudioEncodeError`/`FfmpegNotFoundError` and nothing is sent. Rejects with
   * `CallDeclinedError`, `CallBusyError`, `CallMissedError`, `CallSecurityError`,
   * `CallFailedError`, `CallAudioError` or `AbortError`.
   */
  async call(user: InputPeerLike, source?: CallAudioSource | string, options: OutgoingCallOptions = {}): Promise<Call> {
    if (this.destroyed) throw new CallOptionsError('This CallManager was destroyed')
    const { signal, ...rest } = options
    const callOptions = checkCallOptions({ ...rest, source }, this.options.engine !== undefined)
    if (signal !== undefined && !(signal instanceof AbortSignal)) {
      throw new CallOptionsError('signal must be an AbortSignal')
    }
    checkMediaPaths(callOptions)
    const inputUser = await resolveUser(this.client, user)
    if (inputUser._ !== 'inputUser' && inputUser._ !== 'inputUserFromMessage') {
      throw new CallOptionsError('Cannot call yourself')
    }
    const raw = await this.client.storage.peers.getCompleteById(inputUser.userId)
    const call = new Call(this.ctx, {
      isOutgoing: true,
      peerId: inputUser.userId,
      peer: raw?._ === 'user' ? new User(raw) : null,
    })
    this.requesting.add(call)
    this.safeEmit('outgoingCall', call)
    return call.startOutgoing(inputUser, callOptions, signal)
  }

  /** Stops listening for updates and hangs up every unfinished call. */
  async destroy(): Promise<void> {
    if (this.destroyed) return
    this.destroyed = true
    this.client.onRawUpdate.remove(this.onRawUpdate)
    await Promise.all(this.activeCalls.map((call) => call.hangup(CallEndReason.HungUp)))
  }

  /**
   * mtcute's `destroy()` closes the connection first, after which `phone.discardCall` can no
   * longer be sent and the other side would keep ringing or talking to nobody. So the
   * client's own `destroy` is wrapped: hang everything up (bounded), then tear down.
   */
  private hookClientDestroy(): void {
    const client = this.client as ITelegramClient & { destroy(): Promise<void> }
    const original = client.destroy
    const hangUpFirst = async (): Promise<void> => {
      if (!this.destroyed && !client.stopSignal.aborted) {
        let timer: NodeJS.Timeout | undefined
        const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, DESTROY_HANGUP_TIMEOUT_MS)))
        await Promise.race([this.destroy(), timeout]).finally(() => clearTimeout(timer))
      }
      await original.call(client)
    }
    Object.defineProperty(client, 'destroy', { configurable: true, writable: true, value: hangUpFirst })
  }

  // The emitter that calls this is synchronous and unguarded: throwing here would hide the
  // update from other listeners and restart mtcute's updates loop.
  private readonly onRawUpdate = (info: RawUpdateInfo): void => {
    try {
      if (info.update._ === 'updatePhoneCall') this.route(info.update.phoneCall, info.peers)
      else if (info.update._ === 'updatePhoneCallSignalingData') this.routeSignaling(info.update)
    } catch (err) {
      this.log.error('handling a phone call update failed: %s', err)
    }
  }

  private route(pc: tl.TypePhoneCall, peers: PeersIndex): void {
    const id = longToBigInt(pc.id)
    const call = this.byId.get(id)
    if (call) {
      call.handleUpdate(pc)
      return
    }
    if (this.finishedIds.has(id) || this.destroyed) return
    const selfId = this.client.storage.self.getCached(true)?.userId
    if (pc._ === 'phoneCallRequested' && pc.adminId !== selfId) {
      this.onIncoming(pc, peers)
    } else if (this.requesting.size > 0 && pc._ !== 'phoneCallRequested') {
      // Bounded: only our own in-flight requests can legitimately produce these.
      const list = this.early.get(id) ?? []
      if (list.length < 8 && (list.length > 0 || this.early.size < 64)) {
        list.push(pc)
        this.early.set(id, list)
      }
    }
  }

  /** Engine signaling for a known call. A call that has no session yet buffers it. */
  private routeSignaling(update: tl.RawUpdatePhoneCallSignalingData): void {
    const call = this.byId.get(longToBigInt(update.phoneCallId))
    if (call) call.receiveSignalingData(update.data)
    else this.log.debug('signaling data for unknown call %s dropped', longToBigInt(update.phoneCallId))
  }

  private onIncoming(pc: tl.RawPhoneCallRequested, peers: PeersIndex): void {
    const raw = peers.users.get(pc.adminId)
    const call = new Call(this.ctx, { isOutgoing: false, peerId: pc.adminId, peer: raw?._ === 'user' ? new User(raw) : null })
    call.initIncoming(pc)
    const busy = this.activeCalls.length >= this.options.maxConcurrentCalls
    this.byId.set(call.id, call)
    if (busy) {
      this.log.info('declining call %s from %d as busy (%d calls active)', call.id, pc.adminId, this.byId.size - 1)
      void call.decline(CallEndReason.Busy)
      return
    }
    void call.ring()
    this.emitIncoming(call)
  }

  private registerId(call: Call): void {
    this.requesting.delete(call)
    this.byId.set(call.id, call)
    const early = this.early.get(call.id)
    this.early.delete(call.id)
    if (this.requesting.size === 0) this.early.clear()
    for (const pc of early ?? []) call.handleUpdate(pc)
  }

  private forget(call: CallLifecycle): void {
    this.requesting.delete(call as Call)
    if (this.byId.get(call.id) === call) this.byId.delete(call.id)
    if (call.id !== 0n) this.finishedIds.add(call.id)
  }

  /**
   * Like `safeEmit`, but a handler that throws or rejects while the call is still ringing
   * (nobody answered) declines it with `CallHandlerError`: a crashed bot must not leave the
   * caller ringing until the timeout. A handler failing after another one answered is only logged.
   */
  private emitIncoming(call: Call): void {
    const decline = (err: unknown): void =>
      call.declineAfterHandlerError(new CallHandlerError('An incomingCall handler failed before answering', { cause: err }))
    let firstSyncError: { error: unknown } | null = null
    for (const listener of this.rawListeners('incomingCall') as Array<(call: Call) => unknown>) {
      try {
        const result = listener.call(this, call)
        if (result instanceof Promise) {
          result.catch((err: unknown) => {
            this.log.error('an incomingCall listener rejected: %s', err)
            decline(err)
          })
        }
      } catch (err) {
        this.log.error('an incomingCall listener threw: %s', err)
        firstSyncError ??= { error: err }
      }
    }
    // Only after every handler ran: a later one may still answer.
    if (firstSyncError) decline(firstSyncError.error)
  }

  private safeEmit<E extends keyof CallManagerEvents>(event: E, ...args: CallManagerEvents[E]): void {
    emitIsolated(this, this.log, event, args)
  }
}

/** The engine is loaded now, so that one that cannot run is reported before any call is placed or answered. */
function loadEngine(engine: CallEngine | undefined): void {
  try {
    engine?.load()
  } catch (err) {
    throw new EngineUnavailableError(`The media engine '${engine!.name}' cannot run here: ${(err as Error)?.message ?? String(err)}`, { cause: err })
  }
}
