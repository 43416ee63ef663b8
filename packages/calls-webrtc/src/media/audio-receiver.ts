/**
 * The peer's audio: RTP packets of the negotiated channel (demultiplexed by SSRC only,
 * §5.4, and checked against the accepted payload type) go into the libtgvoip engine's
 * jitter buffer; its 960-sample output (decoded, FEC-recovered, concealed or silence) is
 * pulled on the transport's clock.
 */
import type { AudioJitterBuffer } from '@tgvoip/calls-native/codec'
import type { RtpPacket } from 'werift'
import type { AudioChannel } from './audio-negotiation.js'
import { RtpReceiveStream } from './rtp-receive-stream.js'

const CLOCK_RATE = 48_000
/**
 * Timestamps become jitter-buffer pts relative to the first packet, offset by 10 s so a
 * packet reordered before the first one still lands on the increasing scale.
 */
const PTS_ORIGIN_OFFSET = 10 * CLOCK_RATE

export class AudioReceiver {
  /** RTP packets whose SSRC or payload type is not the negotiated one (dropped). */
  packetsUnknown = 0
  private channel: AudioChannel | undefined
  private stream: RtpReceiveStream | undefined
  private ptsOrigin: number | undefined

  constructor(private readonly jitter: AudioJitterBuffer) {}

  get receiveStream(): RtpReceiveStream | undefined {
    return this.stream
  }

  setChannel(channel: AudioChannel | undefined): void {
    if (channel?.ssrc !== this.channel?.ssrc) {
      this.stream = channel ? new RtpReceiveStream(channel.ssrc, CLOCK_RATE) : undefined
      this.ptsOrigin = undefined
    }
    this.channel = channel
  }

  onRtp(packet: RtpPacket, nowMs: number): void {
    const { header, payload } = packet
    if (!this.channel || !this.stream || header.ssrc !== this.channel.ssrc || header.payloadType !== this.channel.payloadType) {
      this.packetsUnknown++
      return
    }
    if (!this.stream.track(header.sequenceNumber, header.timestamp, payload.length, nowMs)) return
    if (payload.length === 0) return
    this.ptsOrigin ??= (header.timestamp - PTS_ORIGIN_OFFSET) >>> 0
    this.jitter.push((header.timestamp - this.ptsOrigin) >>> 0, payload, nowMs)
  }

  setPeerMuted(muted: boolean): void {
    this.jitter.setPeerMuted(muted)
  }

  pull(nowMs: number): Int16Array[] {
    return this.jitter.pull(nowMs)
  }
}
