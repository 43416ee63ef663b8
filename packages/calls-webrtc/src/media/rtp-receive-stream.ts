/**
 * Per-source receive statistics of RFC 3550 (A.1 sequence tracking, A.8 interarrival
 * jitter) and the report block our RTCP carries about the peer's audio, which the peer's
 * sender uses for its loss and RTT estimates.
 */
import { compactNtp, RtcpReceiverInfo } from 'werift'

const SEQ_MOD = 0x1_0000
const MAX_DROPOUT = 3000
const MAX_MISORDER = 100

export class RtpReceiveStream {
  packetsReceived = 0
  bytesReceived = 0
  private baseSeq = -1
  private cycles = 0
  private maxSeq = 0
  private expectedPrior = 0
  private receivedPrior = 0
  private jitter = 0
  private lastTransit: number | undefined
  private lastSrCompact = 0
  private lastSrAt = 0

  constructor(
    readonly ssrc: number,
    private readonly clockRate: number,
  ) {}

  /** Counts one packet; false for a duplicate or a packet from before a restart. */
  track(sequenceNumber: number, rtpTimestamp: number, payloadBytes: number, nowMs: number): boolean {
    if (this.baseSeq < 0) {
      this.baseSeq = this.maxSeq = sequenceNumber
    } else {
      const delta = (sequenceNumber - this.maxSeq + SEQ_MOD) % SEQ_MOD
      if (delta === 0) return false
      if (delta < MAX_DROPOUT) {
        if (sequenceNumber < this.maxSeq) this.cycles += SEQ_MOD
        this.maxSeq = sequenceNumber
      } else if (delta <= SEQ_MOD - MAX_MISORDER) {
        // A jump this large is a restarted sender: count from here.
        this.baseSeq = this.maxSeq = sequenceNumber
        this.cycles = this.expectedPrior = this.receivedPrior = this.packetsReceived = 0
      }
    }
    this.packetsReceived++
    this.bytesReceived += payloadBytes
    const transit = (nowMs * this.clockRate) / 1000 - rtpTimestamp
    if (this.lastTransit !== undefined) {
      let d = Math.abs(transit - this.lastTransit)
      if (d > 0x8000_0000) d = 0x1_0000_0000 - d
      this.jitter += (d - this.jitter) / 16
    }
    this.lastTransit = transit
    return true
  }

  /** Remembers the peer's last sender report (for LSR/DLSR, which give it the RTT). */
  onSenderReport(ntpTimestamp: bigint, nowMs: number): void {
    this.lastSrCompact = compactNtp(ntpTimestamp)
    this.lastSrAt = nowMs
  }

  get expected(): number {
    return this.baseSeq < 0 ? 0 : this.cycles + this.maxSeq - this.baseSeq + 1
  }

  get packetsLost(): number {
    return Math.max(0, this.expected - this.packetsReceived)
  }

  /** The RTCP report block about this source; also starts the next loss interval. */
  reportBlock(nowMs: number): RtcpReceiverInfo {
    const expected = this.expected
    const expectedInterval = expected - this.expectedPrior
    const lostInterval = expectedInterval - (this.packetsReceived - this.receivedPrior)
    this.expectedPrior = expected
    this.receivedPrior = this.packetsReceived
    const fraction = expectedInterval <= 0 || lostInterval <= 0 ? 0 : Math.floor((lostInterval * 256) / expectedInterval)
    return new RtcpReceiverInfo({
      ssrc: this.ssrc,
      fractionLost: Math.min(255, fraction),
      packetsLost: Math.min(0x7f_ffff, this.packetsLost),
      highestSequence: (this.cycles + this.maxSeq) >>> 0,
      jitter: Math.floor(this.jitter) >>> 0,
      lsr: this.lastSrCompact,
      dlsr: this.lastSrCompact === 0 ? 0 : Math.floor(((nowMs - this.lastSrAt) / 1000) * 65536) >>> 0,
    })
  }
}
