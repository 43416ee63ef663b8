/** States of one call side's media transport. */
export enum MediaTransportState {
  /** Created; start() not called yet. */
  New = 'new',
  /** Gathering and checking candidates, DTLS handshake. */
  Connecting = 'connecting',
  /** ICE connected and DTLS-SRTP up (tgcalls' "Established", §7.1). */
  Connected = 'connected',
  /** ICE lost the path, or nothing arrived on it for a while; it may come back (tgcalls' "Reconnecting"). */
  Disconnected = 'disconnected',
  /** No connection within the watchdog time, or ICE/DTLS failed. Terminal. */
  Failed = 'failed',
  /** close() was called. Terminal. */
  Closed = 'closed',
}

/** Counters of one transport (cumulative since start). */
export interface MediaTransportStats {
  /** UDP payload bytes and datagrams of SRTP/SRTCP, both ways. */
  bytesSent: number
  bytesReceived: number
  packetsSent: number
  packetsReceived: number
  /** Audio RTP packets sent (including those dropped by simulatedLoss) and received. */
  audioPacketsSent: number
  audioPacketsReceived: number
  /** Peer audio packets that never arrived (RTP sequence gaps). */
  audioPacketsLost: number
  /** Fraction 0..1 of the peer's audio lost on the way to us. */
  lossRate: number
  /** Fraction 0..1 of our audio the peer reports lost (RTCP). */
  remoteLossRate: number
  /** Round-trip time from RTCP, ms (NaN until the first report). */
  rttMs: number
  /** Jitter-buffer playout delay, ms. */
  jitterDelayMs: number
  framesDecoded: number
  framesRecoveredByFec: number
  framesConcealed: number
  /** The candidate pair in use (`"udp 127.0.0.1:5000 host -> udp … relay"`), or '' before ICE connects. */
  selectedPair: string
  /** Milliseconds from start() to the first Connected, NaN before. */
  connectMs: number
  /** Outgoing audio payload bitrate over the last second, bit/s (0 while muted). */
  bitrate: number
  /** Our ICE role ('unknown' until the peer's InitialSetup) and DTLS role (§5.1). */
  iceRole: 'controlling' | 'controlled' | 'unknown'
  dtlsRole: 'client' | 'server' | 'auto'
}
