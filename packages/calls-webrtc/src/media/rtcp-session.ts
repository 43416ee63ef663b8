/**
 * RTCP for our audio (rtcp-mux, §5.4): every second a sender report (while we send) or a
 * receiver report, with a report block about the peer's audio. From the peer's reports we
 * take the round-trip time (LSR/DLSR) and the loss it sees, which sets the encoder's FEC.
 */
import { compactNtp, ntpTime, RtcpRrPacket, RtcpSenderInfo, RtcpSrPacket, type RtcpPacket } from 'werift'
import type { AudioReceiver } from './audio-receiver.js'
import type { AudioSender } from './audio-sender.js'

const NTP_FRACTION = 65536
const MAX_CLOCK_ERROR_S = 0.005

export interface RtcpFeedback {
  /** The peer's loss of our audio, 0..1 (from its last report). */
  onRemoteLoss(fraction: number): void
}

export class RtcpSession {
  rttMs = Number.NaN
  remoteLossRate = 0
  reportsReceived = 0

  constructor(
    private readonly sender: AudioSender,
    private readonly receiver: AudioReceiver,
    private readonly feedback: RtcpFeedback,
  ) {}

  /** The report to send now. */
  report(nowMs: number): RtcpPacket {
    const stream = this.receiver.receiveStream
    const reports = stream && stream.packetsReceived > 0 ? [stream.reportBlock(nowMs)] : []
    if (this.sender.packetsSent === 0) return new RtcpRrPacket({ ssrc: this.sender.ssrc, reports })
    const senderInfo = new RtcpSenderInfo({
      ntpTimestamp: ntpTime(),
      rtpTimestamp: this.sender.rtpTimestamp,
      packetCount: this.sender.packetsSent >>> 0,
      octetCount: this.sender.payloadBytesSent >>> 0,
    })
    return new RtcpSrPacket({ ssrc: this.sender.ssrc, senderInfo, reports })
  }

  onRtcp(packet: RtcpPacket, nowMs: number): void {
    if (packet instanceof RtcpSrPacket) {
      const stream = this.receiver.receiveStream
      if (stream && packet.ssrc === stream.ssrc) stream.onSenderReport(packet.senderInfo.ntpTimestamp, nowMs)
    }
    if (!(packet instanceof RtcpSrPacket || packet instanceof RtcpRrPacket)) return
    for (const block of packet.reports) {
      if (block.ssrc !== this.sender.ssrc) continue
      this.reportsReceived++
      this.remoteLossRate = block.fractionLost / 256
      this.feedback.onRemoteLoss(this.remoteLossRate)
      if (block.lsr !== 0) {
        // Signed: our NTP clock has millisecond resolution, so a sub-millisecond round trip
        // (loopback) can come out slightly negative; that is 0, not a wrapped 18 hours.
        const rtt = ((compactNtp(ntpTime()) - block.lsr - block.dlsr) | 0) / NTP_FRACTION
        if (rtt > -MAX_CLOCK_ERROR_S && rtt < 60) this.rttMs = Math.max(0, rtt) * 1000
      }
    }
  }
}
