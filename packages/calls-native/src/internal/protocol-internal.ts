/**
 * Typed access to the addon's `internal` export: the pure protocol codecs (plus the raw
 * Opus classes), for tests (spec vectors, capture conformance) and tools. Not part of the
 * public API; the controller does all of this inside the engine thread.
 */
import { loadAddon } from '../native/native-addon.js'
import { loadCodec, type NativeCodec, type NativeOpusDecoder } from '../native/native-codec.js'

export interface AesKeyIv {
  key: Uint8Array
  iv: Uint8Array
}

export type OpenDatagramResult =
  | { ok: true; packet: Uint8Array; plaintext: Uint8Array }
  | { ok: false; error: string }

export interface ParsedExtra {
  type: number
  payload: Uint8Array
  streamFlags?: { streamId: number; flags: number }
  lanEndpoint?: { ip: string; port: number }
  networkChanged?: { flags: number }
  ipv6Endpoint?: { ip: string; port: number }
}

export interface ParsedFecEntry {
  pts: number
  data: Uint8Array
}

export interface ParsedStreamData {
  streamId: number
  pts: number
  data: Uint8Array
  keyframe: boolean
  fragmented: boolean
  /** Oldest first; the last entry is a low-bitrate copy of this record's own frame. */
  fec: ParsedFecEntry[]
}

export interface ParsedInit {
  protocolVersion: number
  minProtocolVersion: number
  flags: number
  audioCodecs: number[]
  videoDecoderCount: number
}

export interface ParsedInitAck {
  protocolVersion: number
  minProtocolVersion: number
  streams: { id: number; type: number; codec: number; frameDurationMs: number; enabled: boolean }[]
}

export type ParsedPacket =
  | {
      ok: true
      type: number
      ackId: number
      seq: number
      recentMask: number
      recvTs?: number
      extras: ParsedExtra[]
      body: Uint8Array
      /** Set when the type-specific body does not parse (the header still counts). */
      bodyError?: string
      init?: ParsedInit
      initAck?: ParsedInitAck
      pongSeq?: number
      streamData?: ParsedStreamData[]
    }
  | { ok: false; error: string }

export interface PacketHeaderInput {
  type: number
  ackId?: number
  seq: number
  recentMask?: number
  extras?: { type: number; payload: Uint8Array }[]
  recvTs?: number
}

export type RelayControlKind =
  | 'udp_ping'
  | 'public_endpoints_request'
  | 'self_info'
  | 'peer_info'
  | 'unknown'

export interface SelfInfo {
  date: number
  queryId: bigint
  /** Dotted IPv4 when the relay reported an IPv4-mapped address, else IPv6 text. */
  ip: string
  port: number
}

export interface PeerInfo {
  myIp: string
  myPort: number
  peerIp: string
  peerPort: number
}

export interface ParsedRelayControl {
  kind: RelayControlKind
  tag: Uint8Array
  code: number
  queryId: bigint
  selfInfo?: SelfInfo
  peerInfo?: PeerInfo
}

/** The public decoder class, without the typed-error wrapper (tests feed it raw bytes). */
export type OpusDecoderHandle = NativeOpusDecoder

/** One end of an obfuscated TCP relay connection (spec §10.6). */
export interface TcpObfuscatedCodecHandle {
  /** The client's 64-byte connection header (empty on the relay side). */
  readonly header: Uint8Array
  /** Frames and encrypts one datagram (size a multiple of 4). */
  encodeFrame(datagram: Uint8Array): Uint8Array
  /** Decrypts received stream bytes; returns the complete frames. Throws on a frame over 1500 bytes. */
  feed(bytes: Uint8Array): Uint8Array[]
}

export interface ProtocolInternal {
  sha1(data: Uint8Array): Uint8Array
  sha256(data: Uint8Array): Uint8Array
  kdf2(key: Uint8Array, msgKey: Uint8Array, x: 0 | 8): AesKeyIv
  kdfLegacy(key: Uint8Array, msgKey: Uint8Array, x: 0 | 8): AesKeyIv
  msgKey(key: Uint8Array, plaintext: Uint8Array, x: 0 | 8): Uint8Array
  aesIgeEncrypt(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array
  aesIgeDecrypt(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array
  keyFingerprint(key: Uint8Array): Uint8Array
  callId(key: Uint8Array): Uint8Array
  /** Encrypts a packet as sent by the given side; random padding unless `padding` is given. */
  sealPacket(
    key: Uint8Array,
    senderIsOutgoing: boolean,
    packet: Uint8Array,
    prefix: Uint8Array | null,
    padding?: Uint8Array,
  ): Uint8Array
  /** Authenticates and decrypts a datagram sent by the given side. */
  openDatagram(
    key: Uint8Array,
    senderIsOutgoing: boolean,
    datagram: Uint8Array,
    prefix: Uint8Array | null,
  ): OpenDatagramResult
  parsePacket(packet: Uint8Array): ParsedPacket
  encodePacket(header: PacketHeaderInput, body?: Uint8Array): Uint8Array
  encodeInit(init?: { protocolVersion?: number; minProtocolVersion?: number; flags?: number }): Uint8Array
  encodeInitAck(initAck?: {
    protocolVersion?: number
    minProtocolVersion?: number
    audioEnabled?: boolean
  }): Uint8Array
  encodeStreamData(record: { streamId?: number; pts: number; data: Uint8Array; fec?: Uint8Array[] }): Uint8Array
  encodePong(pingSeq: number): Uint8Array
  parseRelayControl(datagram: Uint8Array): ParsedRelayControl | null
  encodeUdpPing(tag: Uint8Array, queryId: bigint): Uint8Array
  encodePublicEndpointsRequest(tag: Uint8Array): Uint8Array
  encodeSelfInfoReply(tag: Uint8Array, info: SelfInfo): Uint8Array
  encodePeerInfoReply(tag: Uint8Array, info: PeerInfo): Uint8Array
  OpusDecoder: NativeCodec['OpusDecoder']
  OpusEncoder: NativeCodec['OpusEncoder']
  /** 'client' with a random (or given) nonce, or 'relay' from the client's header. */
  TcpObfuscatedCodec: new (role: 'client' | 'relay', nonceOrHeader?: Uint8Array) => TcpObfuscatedCodecHandle
}

/** Packet types of the short header (spec §5). */
export const PacketType = {
  Init: 1,
  InitAck: 2,
  StreamData: 4,
  Ping: 6,
  Pong: 7,
  StreamDataX2: 8,
  StreamDataX3: 9,
  Nop: 14,
} as const

/** The `internal` export of the same addon the controller loads, plus the Opus classes of `codec`. */
export function loadProtocolInternal(): ProtocolInternal {
  const internal = (loadAddon() as unknown as { internal: Omit<ProtocolInternal, 'OpusDecoder' | 'OpusEncoder'> }).internal
  const { OpusDecoder, OpusEncoder } = loadCodec()
  return { ...internal, OpusDecoder, OpusEncoder }
}
