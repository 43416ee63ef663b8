/** The public stats object and the one-line debug string built from native counters. */
import { CallState } from '../enums.js'
import type { NativeStats } from '../native/native-addon.js'

export interface Stats {
  /** pytgvoip's four byte counters; this engine does not split by network kind, so all traffic is in the *Wifi ones. */
  bytesSentWifi: number
  bytesSentMobile: number
  bytesRecvdWifi: number
  bytesRecvdMobile: number
  packetsSent: number
  packetsReceived: number
  /** Datagrams dropped as unauthenticated, from unknown sources or malformed. */
  packetsDropped: number
  /** Incoming audio frames that did not arrive in time (repaired or concealed). */
  audioFramesLost: number
  framesRecoveredByExtraFec: number
  framesRecoveredByInbandFec: number
  framesConcealed: number
  /**
   * Extra-FEC copies never played: not valid 60 ms Opus, or sent by a peer whose copies
   * have been garbage once (libtgvoip 2.4.4's always are), after which all are ignored.
   */
  fecCopiesRejected: number
  /** Incoming audio packets that arrived after their playout time. */
  audioPacketsLate: number
  /** 60 ms audio packets sent. */
  audioFramesSent: number
  /** Of those, sent as silence because the producer had not queued a whole 60 ms in time. */
  sendUnderruns: number
  /** With `liveInput`: 60 ms blocks of stale input dropped to keep the delay down. */
  staleBlocksDropped: number
  /**
   * 60 ms send slots skipped because the engine thread fell more than two behind (it
   * stalled, or carries more calls than its CPU can encode): nothing was sent in them, and
   * with `liveInput` their queued audio was dropped. The peer conceals the gap.
   */
  sendSlotsSkipped: number
  /**
   * 60 ms frames encoded at Opus complexity 5 instead of 10 (about half the CPU) because
   * the engine thread was more than 15 ms behind its schedule: it carries nearly as many
   * calls as its CPU can encode, or another process took its CPU. Persistently above a
   * few per cent of `audioFramesSent`, the thread carries too many calls.
   */
  reducedComplexityFrames: number
  /** Recent incoming loss, 0..1. */
  lossRate: number
  /** Outgoing loss derived from acks, 0..1. */
  sendLossRate: number
  /** Round trip through the relay in use (NaN until measured). */
  rttMs: number
  jitterBufferDelayMs: number
  jitterBufferPackets: number
  bitrate: number
  extraEcLevel: number
  signalBars: number
  /** connect() to ESTABLISHED in seconds (NaN until established). */
  connectTimeSeconds: number
  peerVersion: number
  /** Outgoing audio waiting in the input ring, in ms. */
  sendQueueMs: number
  /** Decoded audio not yet taken by JS, in ms. */
  receiveQueueMs: number
  /**
   * Where packets go now: a relay's id, or the local ids of the P2P endpoints
   * (P2P_INET_ENDPOINT_ID, P2P_LAN_ENDPOINT_ID, P2P_IPV6_ENDPOINT_ID).
   */
  currentEndpointId: bigint
  /** Local UDP port of the call's socket (0 before connect()). */
  localPort: number
}

/** Local ids of the peer-to-peer endpoints (spec §10.1: 'P2P4', 'LAN4' and 'P2P6' << 32). */
export const P2P_INET_ENDPOINT_ID = 0x50325034n << 32n
export const P2P_LAN_ENDPOINT_ID = 0x4c414e34n << 32n
export const P2P_IPV6_ENDPOINT_ID = 0x50325036n << 32n

const finite = (value: number | undefined): number => (value === undefined || value < 0 ? Number.NaN : value)

export function toStats(s: Partial<NativeStats>, queuedIn = 0, queuedOut = 0): Stats {
  return {
    bytesSentWifi: s.bytesSent ?? 0,
    bytesSentMobile: 0,
    bytesRecvdWifi: s.bytesReceived ?? 0,
    bytesRecvdMobile: 0,
    packetsSent: s.packetsSent ?? 0,
    packetsReceived: s.packetsReceived ?? 0,
    packetsDropped: s.packetsDropped ?? 0,
    audioFramesLost: s.packetsLost ?? 0,
    framesRecoveredByExtraFec: s.framesExtraFec ?? 0,
    framesRecoveredByInbandFec: s.framesInbandFec ?? 0,
    framesConcealed: s.framesConcealed ?? 0,
    fecCopiesRejected: s.fecRejected ?? 0,
    audioPacketsLate: s.packetsLate ?? 0,
    audioFramesSent: s.framesSent ?? 0,
    sendUnderruns: s.sendUnderruns ?? 0,
    staleBlocksDropped: s.staleBlocksDropped ?? 0,
    sendSlotsSkipped: s.sendSlotsSkipped ?? 0,
    reducedComplexityFrames: s.reducedComplexityFrames ?? 0,
    lossRate: s.lossRate ?? 0,
    sendLossRate: s.sendLossRate ?? 0,
    rttMs: finite(s.rttMs),
    jitterBufferDelayMs: s.jitterDelayMs ?? 0,
    jitterBufferPackets: s.jitterPackets ?? 0,
    bitrate: s.bitrate ?? 0,
    extraEcLevel: s.extraEcLevel ?? 0,
    signalBars: s.signalBars ?? 0,
    connectTimeSeconds: finite(s.connectSeconds),
    peerVersion: s.peerVersion ?? 0,
    localPort: s.localPort ?? 0,
    currentEndpointId: s.currentEndpointId ?? 0n,
    sendQueueMs: queuedIn / 48,
    receiveQueueMs: queuedOut / 48,
  }
}

/** A round trip for the one-line descriptions: '?' until measured (NaN or negative). */
export function formatRtt(ms: number | undefined): string {
  return ms !== undefined && ms >= 0 ? `${ms.toFixed(0)} ms` : '?'
}

export function describeStats(s: Partial<NativeStats>, state: CallState): string {
  return (
    `state ${CallState[state]}, relay ${s.currentEndpointId ?? 0n}, rtt ${formatRtt(s.rttMs)}, ` +
    `jitter ${(s.jitterDelayMs ?? 0).toFixed(0)} ms, loss ${((s.lossRate ?? 0) * 100).toFixed(1)}%, ` +
    `bitrate ${s.bitrate ?? 0} bps, extra EC ${s.extraEcLevel ?? 0}, ` +
    `sent ${s.packetsSent ?? 0} pkts / ${s.bytesSent ?? 0} B, recvd ${s.packetsReceived ?? 0} pkts / ${s.bytesReceived ?? 0} B`
  )
}
