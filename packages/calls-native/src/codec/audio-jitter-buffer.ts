/**
 * The libtgvoip engine's receive path for RTP audio: an adaptive jitter buffer, Opus
 * decoding, in-band FEC recovery of a lost packet from its successor, and concealment
 * (PLC). Packets go in with their RTP timestamp; 960-sample frames come out on the
 * caller's clock, silence until the peer's audio starts, so a consumer gets one frame per
 * 20 ms of wall time. The peer may send any Opus duration (tgcalls sends 60 ms).
 */
import { loadCodec, type NativeAudioJitterBuffer } from '../native/native-codec.js'
import { checkInteger, checkPacket } from './codec-errors.js'
import { NativeHolder } from './native-holder.js'

export interface AudioJitterBufferOptions {
  /** Playout delay before any jitter has been measured, ms. Default 60 (tgcalls' minimum is 50). */
  initialDelayMs?: number
  /** The delay never grows past this, ms. Default 600. */
  maxDelayMs?: number
}

export interface AudioJitterBufferStats {
  /** Frames decoded from their own packet. */
  framesPrimary: number
  /** Lost frames rebuilt from the next packet's in-band FEC. */
  framesInbandFec: number
  /** Lost frames concealed (PLC). */
  framesConcealed: number
  /** Frames of silence before the peer's audio started (or after it stopped). */
  framesSilence: number
  /** Payloads that are not Opus (dropped). */
  packetsInvalid: number
  /** Packets that came after their playout time. */
  packetsLate: number
  /** Playout slots whose packet never came. */
  packetsLost: number
  /** Fraction 0..1 of recent playout slots whose packet was missing. */
  lossRate: number
  /** Current playout delay, ms. */
  delayMs: number
  /** Duration of the peer's packets, ms. */
  packetMs: number
}

const MS_PER_SECOND = 1000

export class AudioJitterBuffer extends NativeHolder<NativeAudioJitterBuffer> {
  constructor(options: AudioJitterBufferOptions = {}) {
    const { initialDelayMs = 60, maxDelayMs = 600 } = options
    checkInteger(initialDelayMs, 'initialDelayMs', 0, 2000)
    checkInteger(maxDelayMs, 'maxDelayMs', initialDelayMs, 5000)
    const { AudioJitterBuffer: NativeJitterBuffer } = loadCodec()
    super('AudioJitterBuffer', new NativeJitterBuffer({ initialDelayMs, maxDelayMs }))
  }

  /**
   * One received packet. `pts` is its RTP timestamp (48 kHz) relative to the stream's
   * start, 0..2^32-1, increasing; a jump of more than 12 s restarts the buffer. `nowMs` is
   * a monotonic clock (performance.now() by default) shared with pull().
   */
  push(pts: number, payload: Uint8Array, nowMs = performance.now()): void {
    checkInteger(pts, 'pts', 0, 0xffff_ffff)
    checkPacket(payload, 'payload')
    this.open('push').push(pts, payload, nowMs / MS_PER_SECOND)
  }

  /** The 960-sample frames due by `nowMs` (decoded, FEC-recovered, concealed or silence). */
  pull(nowMs = performance.now()): Int16Array[] {
    return this.open('pull').pull(nowMs / MS_PER_SECOND)
  }

  /** A muted peer sends nothing: stop playout at once instead of concealing for a while. */
  setPeerMuted(muted: boolean): void {
    this.open('setPeerMuted').setPeerEnabled(!muted)
  }

  stats(): AudioJitterBufferStats {
    return this.open('stats').stats()
  }
}
