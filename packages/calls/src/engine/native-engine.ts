/**
 * The `CallEngine` backed by `@tgvoip/calls-native`: our libtgvoip-compatible engine
 * (protocol 9, layer 92). Each session is one `VoIPController`; its numeric call states
 * map onto `MediaState`, and PCM frames move through the controller's ring buffers.
 */
import { lookup } from 'node:dns/promises'
import { EventEmitter } from 'node:events'
import { mkdirSync } from 'node:fs'
import { isIP } from 'node:net'
import { join } from 'node:path'
import {
  CallError,
  CallState,
  ProxyUnreachableError,
  type ProxyError,
  DataSaving,
  EngineThreads,
  NetType,
  VoIPController,
  VoIPServerConfig,
  loadNativeAddon,
  type Endpoint,
} from '@tgvoip/calls-native'
import {
  MediaState,
  type CallEngine,
  type CallEngineSessionOptions,
  type CallProxy,
  type DataSavingMode,
  type MediaSession,
  type MediaSessionEvents,
  type MediaStats,
  type NetworkType,
} from './call-engine.js'

/** Why a native media session failed: the engine's `CallError`. */
export class NativeMediaError extends Error {
  override name = 'NativeMediaError'
  constructor(readonly callError: CallError) {
    super(`the media connection failed: ${CallError[callError] ?? callError}`)
  }
}

/**
 * Telegram gave only TCP-only connections. The engine talks to UDP relays and derives
 * their TCP copies itself when UDP is blocked (spec §10.5), so TCP-only entries are left out.
 */
export class NoUdpEndpointsError extends Error {
  override name = 'NoUdpEndpointsError'
}

function toMediaState(state: CallState): MediaState {
  switch (state) {
    case CallState.ESTABLISHED:
      return MediaState.Established
    case CallState.RECONNECTING:
      return MediaState.Reconnecting
    case CallState.FAILED:
      return MediaState.Failed
    default:
      return MediaState.Connecting
  }
}

const DATA_SAVING: Record<DataSavingMode, DataSaving> = {
  never: DataSaving.NEVER,
  mobile: DataSaving.MOBILE,
  always: DataSaving.ALWAYS,
}

/** 'other' is a network libtgvoip knows nothing about: neither mobile nor slow. */
const NET_TYPE: Record<NetworkType, NetType> = {
  wifi: NetType.WIFI,
  ethernet: NetType.ETHERNET,
  lte: NetType.LTE,
  '3g': NetType.NET_3G,
  edge: NetType.EDGE,
  gprs: NetType.GPRS,
  dialup: NetType.DIALUP,
  other: NetType.OTHER_HIGH_SPEED,
}

/** libtgvoip's `debugCtl` request that caps one call's bitrate. */
const DEBUG_CTL_MAX_BITRATE = 1

/** Options for the native engine; they apply to every call it carries. */
export interface NativeCallEngineOptions {
  /**
   * A directory for per-call logs: `<callId>.log` (states, endpoints without secrets, errors,
   * final stats), and with `debug` also a live `<callId>.status` dump. Created if missing.
   * Without it no files are written.
   */
  logsDir?: string
  /** Adds the status dump and per-second packet statistics to the call logs. */
  debug?: boolean
  /**
   * How many engine threads calls are spread over (1..64; `EngineThreads.set` of
   * `@tgvoip/calls-native`). Process-wide, for calls created from then on. Default: the
   * number of CPUs, at most 8.
   */
  engineThreads?: number
}

/**
 * Both ends of a call share its id, and a bot testing itself offline runs both in one
 * process: the file names say which end wrote them.
 */
function logFiles({ logsDir, debug }: NativeCallEngineOptions, session: CallEngineSessionOptions) {
  if (!logsDir) return {}
  const base = join(logsDir, `${session.callId}-${session.isOutgoing ? 'outgoing' : 'incoming'}`)
  return { logFilePath: `${base}.log`, statusDumpPath: debug ? `${base}.status` : '' }
}

class NativeMediaSession extends EventEmitter<MediaSessionEvents> implements MediaSession {
  private readonly controller: VoIPController
  private current = MediaState.Connecting
  private readonly proxy: CallProxy | undefined
  /** The proxy's last complaint; it names the failure when the call fails with CallError.PROXY. */
  private proxyError: ProxyError | null = null
  /** The proxy's host name could not be resolved, so the engine never started connecting. */
  private proxyLookupError: ProxyUnreachableError | null = null

  constructor(options: CallEngineSessionOptions, engineOptions: NativeCallEngineOptions) {
    super()
    this.controller = new VoIPController({ debug: engineOptions.debug })
    const endpoints: Endpoint[] = options.endpoints
      .filter((e) => !e.tcp)
      .map((e) => ({ id: e.id, ip: e.ip, ipv6: e.ipv6, port: e.port, peerTag: e.peerTag }))
    try {
      if (endpoints.length === 0) throw new NoUdpEndpointsError('Telegram gave no UDP relay for this call')
      VoIPServerConfig.setConfig(options.serverConfig)
      this.controller.setConfig({
        initTimeout: options.connectTimeoutMs / 1000,
        recvTimeout: options.packetTimeoutMs / 1000,
        dataSavingMode: DATA_SAVING[options.network.dataSaving],
        callId: options.callId,
        ...logFiles(engineOptions, options),
      })
      if (options.network.networkType) this.controller.setNetworkType(NET_TYPE[options.network.networkType])
      if (options.network.maxBitrate) this.controller.debugCtl(DEBUG_CTL_MAX_BITRATE, options.network.maxBitrate)
      this.controller.setEncryptionKey(options.key, options.isOutgoing)
      this.controller.setRemoteEndpoints(endpoints, options.allowP2p, false, options.maxLayer)
    } catch (err) {
      this.controller.destroy()
      throw err
    }
    this.proxy = options.network.proxy
    this.controller.on('stateChange', (_old, next) => this.moveTo(toMediaState(next)))
    this.controller.on('signalBars', (bars) => this.emit('signalBars', bars))
    this.controller.on('proxyError', (error) => (this.proxyError = error))
  }

  get state(): MediaState {
    return this.current
  }

  start(): void {
    this.controller.start()
    if (!this.proxy) this.controller.connect()
    else if (isIP(this.proxy.host)) this.connectThrough(this.proxy, this.proxy.host)
    else void this.resolveProxyAndConnect(this.proxy)
  }

  /** The engine takes the proxy's IP address; a host name is looked up first. */
  private async resolveProxyAndConnect(proxy: CallProxy): Promise<void> {
    let address: string
    try {
      address = (await lookup(proxy.host)).address
    } catch (err) {
      this.proxyLookupError = new ProxyUnreachableError(`the proxy host ${proxy.host} cannot be resolved: ${(err as Error).message}`)
      this.moveTo(MediaState.Failed)
      return
    }
    if (this.current === MediaState.Connecting) this.connectThrough(proxy, address)
  }

  private connectThrough(proxy: CallProxy, address: string): void {
    this.controller.setProxy(address, proxy.port, proxy.username, proxy.password)
    this.controller.connect()
  }

  writeFrame(frame: Int16Array): Promise<void> {
    return this.controller.writeAudio(frame)
  }

  frames(): AsyncIterable<Int16Array> {
    return this.controller.receivedFrames()
  }

  setMuted(muted: boolean): void {
    if (this.current !== MediaState.Closed) this.controller.setMicMute(muted)
  }

  /** libtgvoip negotiates in its own packets, never through Telegram: nothing to do. */
  receiveSignalingData(): void {}

  setNetworkType(type: NetworkType): void {
    if (this.current !== MediaState.Closed) this.controller.setNetworkType(NET_TYPE[type])
  }

  needRate(): boolean {
    return this.controller.needRate()
  }

  peerCapabilities(): number {
    return this.controller.getPeerCapabilities()
  }

  stats(): MediaStats {
    const s = this.controller.getStats()
    return {
      bytesSent: s.bytesSentWifi + s.bytesSentMobile,
      bytesReceived: s.bytesRecvdWifi + s.bytesRecvdMobile,
      packetsSent: s.packetsSent,
      packetsReceived: s.packetsReceived,
      packetsLost: s.audioFramesLost,
      lossRate: s.lossRate,
      rttMs: s.rttMs,
      jitterMs: s.jitterBufferDelayMs,
      bitrate: s.bitrate,
      signalBars: s.signalBars,
    }
  }

  debugLog(): string {
    return this.controller.getDebugLog()
  }

  preferredRelayId(): bigint {
    return this.controller.getPreferredRelayId()
  }

  close(): void {
    if (this.current === MediaState.Closed) return
    this.controller.destroy()
    this.moveTo(MediaState.Closed)
  }

  /** A proxy failure says more (unreachable, refused password, ...) than CallError.PROXY. */
  private failureOf(callError: CallError): Error {
    return callError === CallError.PROXY && this.proxyError ? this.proxyError : new NativeMediaError(callError)
  }

  private moveTo(next: MediaState): void {
    const old = this.current
    if (old === next || old === MediaState.Closed) return
    // 'error' without a listener would throw: the state change alone is enough then.
    if (next === MediaState.Failed && this.listenerCount('error') > 0) {
      this.emit('error', this.proxyLookupError ?? this.failureOf(this.controller.getLastError()))
    }
    this.current = next
    this.emit('stateChange', old, next)
  }
}

export class NativeCallEngine implements CallEngine {
  readonly name = 'tgvoip-native'
  readonly maxLayer = VoIPController.CONNECTION_MAX_LAYER
  readonly minLayer = 65
  readonly libraryVersions: readonly string[] = [VoIPController.LIBTGVOIP_VERSION]

  constructor(private readonly options: NativeCallEngineOptions = {}) {
    // Created once, here, so a directory that cannot exist is reported to whoever configured it.
    if (options.logsDir) mkdirSync(options.logsDir, { recursive: true })
    if (options.engineThreads !== undefined) EngineThreads.set(options.engineThreads)
  }

  /** Loads the addon: throws the loader's error when there is no usable build. */
  load(): void {
    loadNativeAddon()
  }

  createSession(options: CallEngineSessionOptions): MediaSession {
    return new NativeMediaSession(options, this.options)
  }
}
