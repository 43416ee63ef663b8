/**
 * One call's media engine, mirroring pytgvoip's `VoIPController` (camelCased). The
 * native half runs on one of the process's engine threads; this class validates arguments,
 * turns engine events into `stateChange` / `signalBars` events (and the seed's handler
 * lists), and exposes audio as callbacks, a write-with-backpressure API, a Readable and
 * async iterators.
 */
import { EventEmitter } from 'node:events'
import type { Readable, Writable } from 'node:stream'
import { CallError, CallState, type NetType } from '../enums.js'
import { AlreadyConnectedError, ControllerDestroyedError, InvalidArgumentError, InvalidKeyError, NotConfiguredError, proxyErrorFromReason, type ProxyError } from '../errors.js'
import { NativeEventKind, type NativeCall, type NativeStats } from '../native/native-addon.js'
import { optionalPath, validateConfig, validateLogFileConfig, type VoIPConfig } from './call-config.js'
import { CallLog } from './call-log.js'
import { validateEndpoints, type Endpoint } from './endpoint.js'
import { registerTarget, setKeepAlive, unregisterTarget, type EngineEventTarget } from './event-registry.js'
import { describeProxy, validateProxy, type NativeProxy } from './proxy.js'
import { PcmIo, RING_CAPACITY_SAMPLES, type RecvAudioFrameCallback, type SendAudioFrameCallback } from './pcm-io.js'
import { describeStats, toStats, type Stats } from './stats.js'

export interface VoIPControllerOptions {
  /** Accepted for pytgvoip compatibility; this engine keeps no persistent state. */
  persistentStateFile?: string
  /** Turns on the status dump (with a logsDir) and per-second packet stats by default (see VoIPConfig). */
  debug?: boolean
  /** Where setConfig() puts `<callId>.log` (and `<callId>.status` with `debug`); created if missing. */
  logsDir?: string
  /**
   * How far ahead (ms) the send-audio callback keeps the outgoing ring filled. More
   * lead survives a busier JS event loop; less lead means lower latency. Default 120.
   */
  sendLeadMs?: number
  /**
   * The outgoing audio is live (a microphone-like source writing 20 ms frames as they
   * are captured, e.g. with tryWriteAudio()). The engine then drops input that has
   * fallen a whole packet behind, trading completeness for delay. Leave it off for
   * files and other sources that write ahead. Default false.
   */
  liveInput?: boolean
}

export interface VoIPControllerEvents {
  stateChange: [oldState: CallState, newState: CallState]
  signalBars: [bars: number]
  /**
   * The SOCKS5 proxy failed: a ProxyUnreachableError or ProxyAuthError (the call then
   * fails with CallError.PROXY, or reconnects if the proxy comes back mid-call), or a
   * ProxyUdpUnsupportedError (the call goes on over TCP relays through the proxy).
   */
  proxyError: [error: ProxyError]
}

const KEY_SIZE = 256

export class VoIPController extends EventEmitter<VoIPControllerEvents> implements EngineEventTarget, Disposable {
  static readonly LIBTGVOIP_VERSION = '2.4.4'
  static readonly CONNECTION_MAX_LAYER = 92

  readonly persistentStateFile: string
  readonly callStateChangedHandlers: Array<(state: CallState) => void> = []
  readonly signalBarsChangedHandlers: Array<(bars: number) => void> = []

  private readonly native: NativeCall
  private readonly handle: number
  private readonly pcm: PcmIo
  private readonly callLog: CallLog
  private currentState = CallState.WAIT_INIT
  private lastError = CallError.UNKNOWN
  private hasKey = false
  private hasEndpoints = false
  private connected = false
  private destroyed = false
  private establishedAtMs = 0
  private lastStats: Partial<NativeStats> = {}
  private proxy: NativeProxy | undefined
  private lastProxyError: ProxyError | null = null

  constructor(options: VoIPControllerOptions = {}) {
    super()
    this.persistentStateFile = optionalPath(options.persistentStateFile, 'persistentStateFile') ?? ''
    this.callLog = new CallLog(options, { debugString: () => this.getDebugString(), stats: () => this.getStats() })
    const leadMs = options.sendLeadMs ?? 120
    if (!Number.isFinite(leadMs) || leadMs < 40 || leadMs > 900) {
      throw new InvalidArgumentError(`sendLeadMs must be within 40..900, got ${leadMs}`)
    }
    const { addon, handle } = registerTarget(this)
    this.handle = handle
    this.native = new addon.NativeCall(handle)
    if (options.liveInput) this.native.setLiveInput(true)
    this.pcm = new PcmIo(this.native, Math.round((leadMs / 1000) * 48_000))
  }

  /** The engine thread (0-based, see EngineThreads) that carries this call for its whole life. */
  get engineThread(): number {
    return this.native.engineThread()
  }

  get state(): CallState {
    return this.currentState
  }

  /** Seconds since the call became established (0 before that). */
  get callDuration(): number {
    return this.establishedAtMs ? Math.floor((Date.now() - this.establishedAtMs) / 1000) : 0
  }

  /** Kept for pytgvoip parity: audio I/O needs no separate start, so this only checks liveness. */
  start(): void {
    this.assertAlive()
  }

  connect(): void {
    this.assertAlive()
    if (!this.hasKey || !this.hasEndpoints) {
      throw new NotConfiguredError('call setEncryptionKey() and setRemoteEndpoints() before connect()')
    }
    if (this.connected) return
    this.connected = true
    setKeepAlive(this.handle, true)
    this.native.connect()
    this.callLog.connected()
  }

  setConfig(config: VoIPConfig): void {
    this.assertAlive()
    const nativeConfig = validateConfig(config)
    const logFiles = validateLogFileConfig(config)
    this.native.configure(nativeConfig)
    this.callLog.configure(nativeConfig, logFiles)
  }

  setEncryptionKey(key: Uint8Array, isOutgoing: boolean): void {
    this.assertAlive()
    this.assertNotConnected('setEncryptionKey')
    if (!(key instanceof Uint8Array) || key.length !== KEY_SIZE) {
      throw new InvalidKeyError(`the encryption key must be exactly ${KEY_SIZE} bytes`)
    }
    this.native.setEncryptionKey(key, Boolean(isOutgoing))
    this.hasKey = true
  }

  setRemoteEndpoints(endpoints: Endpoint[], allowP2p: boolean, tcp: boolean, connectionMaxLayer: number): void {
    this.assertAlive()
    this.assertNotConnected('setRemoteEndpoints')
    if (!Number.isInteger(connectionMaxLayer) || connectionMaxLayer <= 0) {
      throw new InvalidArgumentError(`connectionMaxLayer must be a positive integer, got ${connectionMaxLayer}`)
    }
    const valid = validateEndpoints(endpoints)
    this.native.setRemoteEndpoints(valid, Boolean(allowP2p), Boolean(tcp))
    this.hasEndpoints = true
    this.callLog.endpoints(valid, Boolean(allowP2p), Boolean(tcp), connectionMaxLayer)
  }

  /**
   * pytgvoip's set_proxy: reach every relay through this SOCKS5 proxy (UDP relays
   * through UDP ASSOCIATE, TCP relays through CONNECT) and turn P2P off. `address` must
   * be an IP address. Before connect().
   */
  setProxy(address: string, port: number, username?: string, password?: string): void {
    this.assertAlive()
    this.assertNotConnected('setProxy')
    const proxy = validateProxy({ host: address, port, username, password })
    this.native.setProxy(proxy)
    this.proxy = proxy
    this.callLog.proxy(describeProxy(proxy), proxy.username !== '')
  }

  /** The last failure the proxy reported (null if none, or no proxy). */
  getLastProxyError(): ProxyError | null {
    return this.lastProxyError
  }

  setMicMute(mute: boolean): void {
    this.assertAlive()
    this.native.setMicMute(Boolean(mute))
    this.callLog.micMute(Boolean(mute))
  }

  setNetworkType(type: NetType): void {
    this.assertAlive()
    if (!Number.isInteger(type) || type < 0 || type > 11) throw new InvalidArgumentError(`unknown NetType ${type}`)
    this.native.setNetworkType(type)
  }

  /** 1: max bitrate (bps), 2: expected packet loss (%), 3: P2P toggle, 4: echo cancellation. */
  debugCtl(request: number, param: number): void {
    this.assertAlive()
    if (!Number.isInteger(request) || !Number.isInteger(param)) {
      throw new InvalidArgumentError('debugCtl() takes two integers')
    }
    this.native.debugCtl(request, param)
  }

  getStats(): Stats {
    if (this.destroyed) return toStats(this.lastStats)
    return toStats(this.native.getStats(), RING_CAPACITY_SAMPLES - this.native.inputFree(), this.native.outputAvailable())
  }

  getDebugString(): string {
    return describeStats(this.nativeStats(), this.currentState)
  }

  /** JSON with the call's counters, for `phone.saveCallDebug`. */
  getDebugLog(): string {
    return this.destroyed ? JSON.stringify({ state: CallState[this.currentState] }) : this.native.getDebugLog()
  }

  getLastError(): CallError {
    return this.lastError
  }

  /** The relay in use, for `phone.discardCall`'s `connection_id` (0n if unknown). */
  getPreferredRelayId(): bigint {
    return this.nativeStats().preferredRelayId ?? 0n
  }

  needRate(): boolean {
    return this.nativeStats().needRate ?? false
  }

  /** The peer's INIT flags (group-call and video capability bits). */
  getPeerCapabilities(): number {
    return this.nativeStats().peerCapabilities ?? 0
  }

  /** pytgvoip's pull callback: asked for `length` bytes of s16le PCM; short results are padded. */
  setSendAudioFrameCallback(callback: SendAudioFrameCallback | null): void {
    this.pcm.setSendCallback(callback)
  }

  /** pytgvoip's push callback: gets each received 20 ms frame as s16le bytes. */
  setRecvAudioFrameCallback(callback: RecvAudioFrameCallback | null): void {
    this.pcm.setRecvCallback(callback)
  }

  /** Queues PCM (48 kHz mono s16); resolves once all of it is in the engine's ring. */
  writeAudio(pcm: Int16Array): Promise<void> {
    return this.pcm.write(pcm)
  }

  /** Queues what fits right now; returns the number of samples accepted. */
  tryWriteAudio(pcm: Int16Array): number {
    return this.pcm.tryWrite(pcm)
  }

  /** Writable for outgoing s16le PCM bytes (backpressure follows the engine clock). */
  createAudioWritable(): Writable {
    return this.pcm.createWritable()
  }

  /** Readable of received s16le PCM bytes; ends on destroy(). A consumer more than `highWaterMark` bytes behind loses audio. */
  createAudioReadable(highWaterMark?: number): Readable {
    return this.pcm.createReadable(highWaterMark)
  }

  /** Received audio as 960-sample frames; ends on destroy(). */
  receivedFrames(maxBufferedFrames?: number): AsyncIterableIterator<Int16Array> {
    return this.pcm.frames(maxBufferedFrames)
  }

  /**
   * Stops the call, closes its socket and ends every audio stream. Idempotent. The call
   * log's summary and the final status dump are written in the background: await
   * logsClosed() before reading or uploading them.
   */
  destroy(): void {
    if (this.destroyed) return
    const debugLog = this.callLog.active ? this.native.getDebugLog() : ''
    this.lastStats = this.native.getStats()
    this.destroyed = true
    this.native.destroy()
    unregisterTarget(this.handle, this)
    this.pcm.close()
    void this.callLog.close({
      state: this.currentState,
      lastError: this.lastError,
      durationSeconds: this.callDuration,
      stats: this.getStats(),
      debugString: this.getDebugString(),
      debugLog,
    })
  }

  /** Resolves after destroy() once the call log and status dump are complete and closed. */
  logsClosed(): Promise<void> {
    return this.callLog.closed()
  }

  [Symbol.dispose](): void {
    this.destroy()
  }

  /** @internal Engine events, routed by the event registry. */
  onEngineEvent(kind: number, a: number, b: number): void {
    if (this.destroyed) return
    switch (kind) {
      case NativeEventKind.StateChanged:
        this.changeState(a as CallState, b as CallError)
        break
      case NativeEventKind.SignalBars:
        this.callLog.signalBars(a)
        for (const handler of this.signalBarsChangedHandlers) handler(a)
        this.emit('signalBars', a)
        break
      case NativeEventKind.AudioReady:
        this.pcm.onAudioReady()
        break
      case NativeEventKind.InputSpace:
        this.pcm.onInputSpace()
        break
      case NativeEventKind.ProxyError:
        this.onProxyError(a)
        break
    }
  }

  private changeState(state: CallState, error: CallError): void {
    const old = this.currentState
    if (old === state) return
    this.currentState = state
    if (state === CallState.ESTABLISHED && !this.establishedAtMs) this.establishedAtMs = Date.now()
    if (state === CallState.FAILED) {
      this.lastError = error
      // A failed call does nothing more; it must not keep the process alive.
      setKeepAlive(this.handle, false)
    }
    this.callLog.stateChanged(old, state, error)
    for (const handler of this.callStateChangedHandlers) handler(state)
    this.emit('stateChange', old, state)
  }

  private onProxyError(reason: number): void {
    const error = proxyErrorFromReason(reason, this.proxy ? describeProxy(this.proxy) : 'proxy')
    this.lastProxyError = error
    this.callLog.proxyError(error)
    this.emit('proxyError', error)
  }

  private nativeStats(): Partial<NativeStats> {
    return this.destroyed ? this.lastStats : this.native.getStats()
  }

  private assertNotConnected(method: string): void {
    if (this.connected) throw new AlreadyConnectedError(`${method}() must be called before connect()`)
  }

  private assertAlive(): void {
    if (this.destroyed) throw new ControllerDestroyedError('this VoIPController was destroyed')
  }
}

