/**
 * The boundary between call signaling and media. `CallManager` knows nothing about
 * packets or codecs: it hands an engine the negotiated key and the connections Telegram
 * gave out, and gets back a session that moves PCM audio. The libtgvoip-compatible
 * engine (`@tgvoip/calls-native`) is one implementation; a WebRTC-based one (tgcalls v2)
 * is another, and exchanges its own signaling blobs through the session's
 * `signalingData` event and `receiveSignalingData()`.
 *
 * Types only (and the `MediaState` enum): every engine package and `@tgvoip/calls` import it
 * from here, and `@tgvoip/calls` re-exports it unchanged.
 */

/** One relay or peer endpoint as Telegram hands it out (`phoneConnection`). */
export interface CallEndpoint {
  id: bigint
  ip: string
  ipv6: string
  port: number
  /** 16 bytes. */
  peerTag: Uint8Array
  tcp: boolean
}

/**
 * A STUN/TURN server Telegram hands out for the call (`phoneConnectionWebrtc`), used by
 * WebRTC-based engines (tgcalls v2).
 */
export interface RtcServer {
  id: bigint
  ip: string
  ipv6: string
  port: number
  username: string
  password: string
  turn: boolean
  stun: boolean
}

/** How much traffic a call may use, as in the official apps' settings (pytgvoip's `DataSaving`). */
export type DataSavingMode = 'never' | 'mobile' | 'always'

/** The network the call runs on (pytgvoip's `NetType`); slow and mobile ones lower the bitrate. */
export type NetworkType = 'wifi' | 'ethernet' | 'lte' | '3g' | 'edge' | 'gprs' | 'dialup' | 'other'

/** A SOCKS5 proxy (RFC 1928, with RFC 1929 username/password when given) for a call's media. */
export interface CallProxy {
  /** An IP address or a host name. */
  host: string
  port: number
  username?: string
  password?: string
}

/** Per-call network settings, resolved from the call's options over the manager's. */
export interface CallNetworkSettings {
  /** `'mobile'` saves data only on mobile network types (`lte`, `3g`, `edge`, `gprs`). */
  dataSaving: DataSavingMode
  /** Undefined: unknown, as libtgvoip starts. */
  networkType: NetworkType | undefined
  /**
   * The most this call may send, in bits per second; undefined lets the engine's own
   * limits (e.g. `VoIPServerConfig.setBitrateConfig()`) decide.
   */
  maxBitrate: number | undefined
  /**
   * Media goes only through this proxy (P2P off). An engine that cannot use it must fail
   * the call rather than connect directly.
   */
  proxy: CallProxy | undefined
}

export interface CallEngineSessionOptions {
  /** Telegram's call id, for logs and stats. */
  callId: bigint
  /** The 256-byte shared key from the DH exchange. */
  key: Uint8Array
  /** True on the caller's (admin's) side. */
  isOutgoing: boolean
  endpoints: CallEndpoint[]
  /** The call's `phoneConnectionWebrtc` entries (STUN/TURN servers). */
  rtcServers: RtcServer[]
  allowP2p: boolean
  /** `phoneCall.protocol.maxLayer`; both sides must use the same value. */
  maxLayer: number
  /** The library version negotiated by the server (`protocol.libraryVersions[0]`). */
  libraryVersion: string
  /** How long to wait for the first packet from the peer (`call_connect_timeout_ms`). */
  connectTimeoutMs: number
  /** How long the link may stay silent before the call fails (`call_packet_timeout_ms`). */
  packetTimeoutMs: number
  /** `phone.getCallConfig` JSON, already parsed. */
  serverConfig: Record<string, unknown>
  /** `phoneCall.custom_parameters` (server switches), parsed; `{}` when absent. */
  customParameters: Record<string, unknown>
  network: CallNetworkSettings
}

/** Audio frames crossing the engine boundary: 48 kHz mono s16, 20 ms = 960 samples. */
export const ENGINE_SAMPLE_RATE = 48_000
export const ENGINE_FRAME_SAMPLES = 960

export enum MediaState {
  Connecting = 'connecting',
  Established = 'established',
  Reconnecting = 'reconnecting',
  Failed = 'failed',
  Closed = 'closed',
}

export interface MediaStats {
  bytesSent: number
  bytesReceived: number
  packetsSent: number
  packetsReceived: number
  packetsLost: number
  /** Fraction 0..1 of incoming packets lost recently (a sliding window of a few seconds; `packetsLost` counts the whole call). */
  lossRate: number
  /** Round-trip time to the endpoint in use, in milliseconds (NaN when unknown). */
  rttMs: number
  /** Current jitter-buffer delay in milliseconds. */
  jitterMs: number
  /** Current outgoing audio bitrate in bits per second. */
  bitrate: number
  /** 0..4, like the official apps. */
  signalBars: number
}

export interface MediaSessionEvents {
  stateChange: [oldState: MediaState, newState: MediaState]
  signalBars: [bars: number]
  /** Emitted with the reason when the session enters `Failed`. */
  error: [error: Error]
  /**
   * A blob for the other side, which the `Call` sends with `phone.sendSignalingData`
   * (engines whose protocol signals through Telegram, e.g. tgcalls v2; never emitted by
   * the libtgvoip engine).
   */
  signalingData: [data: Uint8Array]
}

/** One call's media. Created by `CallEngine.createSession`, owned by the `Call`. */
export interface MediaSession {
  readonly state: MediaState
  on<E extends keyof MediaSessionEvents>(event: E, listener: (...args: MediaSessionEvents[E]) => void): this
  off<E extends keyof MediaSessionEvents>(event: E, listener: (...args: MediaSessionEvents[E]) => void): this
  /** Starts connecting. State events follow. */
  start(): void
  /**
   * Queues one outgoing frame (960 samples). Resolves when there is room for more, so a
   * producer that awaits it is paced by the engine's clock.
   */
  writeFrame(frame: Int16Array): Promise<void>
  /** Received audio, one 960-sample frame per 20 ms while the call is up. Ends on close. */
  frames(): AsyncIterable<Int16Array>
  /**
   * Muted: silence goes out, and queued audio is consumed at the normal pace and dropped
   * (so unmuting does not play what piled up meanwhile).
   */
  setMuted(muted: boolean): void
  /**
   * A blob from the other side (`updatePhoneCallSignalingData`), in the order Telegram
   * delivered it. Blobs that arrived before the session existed are fed right after
   * `start()`. Engines that do not signal ignore them.
   */
  receiveSignalingData(data: Uint8Array): void
  /** The network changed mid-call; the engine adapts its bitrate and tells the peer. */
  setNetworkType(type: NetworkType): void
  /** The engine saw problems that make a rating worthwhile (libtgvoip's `needRate()`). */
  needRate(): boolean
  /** The peer's capability bits from its handshake (0 until known). */
  peerCapabilities(): number
  stats(): MediaStats
  /** JSON the engine wants in `phone.saveCallDebug`. */
  debugLog(): string
  /** Relay id in use, for `phone.discardCall`'s `connectionId` (0n if none). */
  preferredRelayId(): bigint
  /** Stops everything and frees sockets; idempotent. */
  close(): void
}

export interface CallEngine {
  readonly name: string
  /** Layer and library version to advertise in `phoneCallProtocol`. */
  readonly maxLayer: number
  readonly minLayer: number
  readonly libraryVersions: readonly string[]
  /**
   * Loads and checks whatever the engine needs to run (native code, codecs), and throws
   * if it cannot. `CallManager` calls it once when it is created and reports a throw as
   * `EngineUnavailableError`, so no call is placed or answered by an engine that cannot
   * carry it. Synchronous: an engine with asynchronous set-up starts it in its constructor
   * and waits for it in `createSession`'s session.
   */
  load(): void
  createSession(options: CallEngineSessionOptions): MediaSession
}
