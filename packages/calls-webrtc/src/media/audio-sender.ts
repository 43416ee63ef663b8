/**
 * Our outgoing audio: 960-sample frames queue up (writeFrame() resolves while there is
 * room, so a producer is paced by this clock), and each 20 ms slot encodes one with the
 * libtgvoip engine's Opus encoder (on libuv's thread pool, batched with the other calls'
 * frames: `EncodeBatcher`) into one RTP packet with our SSRC and the payload type the peer
 * accepted. Until the peer accepted our channel and the transport is up, frames
 * wait (a greeting is not played into the void); muted slots consume frames and send
 * nothing, as tgcalls does (§4.5); an empty queue sends silence so the peer's playout
 * clock keeps running.
 */
import { randomInt } from 'node:crypto'
import { OPUS_FRAME_SAMPLES, type OpusEncoder } from '@tgvoip/calls-native/codec'
import { RtpHeader } from 'werift'
import type { AudioChannel } from './audio-negotiation.js'
import { sharedEncodeBatcher } from './encode-batcher.js'
import { InvalidMediaParameterError, MediaTransportClosedError } from './media-errors.js'

/** Frames queued ahead of the clock: 60 ms of lead keeps latency low and absorbs event-loop hiccups. */
const QUEUE_FRAMES = 3
/**
 * Frames of ours being encoded at once. Normally one (an encode takes well under a
 * millisecond); if the thread pool falls this far behind, a slot's audio is dropped, like
 * a slot the event loop missed, rather than sent late.
 */
const MAX_ENCODING = 4
const SILENCE = new Int16Array(OPUS_FRAME_SAMPLES)

export type RtpTransmit = (header: RtpHeader, payload: Buffer) => void

/** What a slot decided about its packet before the encode: RTP timestamp and marker. */
interface SlotTag {
  timestamp: number
  marker: boolean
}

export class AudioSender {
  readonly ssrc = randomInt(1, 0x1_0000_0000)
  packetsSent = 0
  /** RTP payload octets, as the sender report counts them. */
  payloadBytesSent = 0
  /** Packets the simulated loss dropped on purpose. */
  packetsDropped = 0
  private sequenceNumber = randomInt(0, 0x1_0000)
  private timestamp = randomInt(0, 0x1_0000_0000)
  private readonly queue: Int16Array[] = []
  /** Our frames handed to the encoder pool and not back yet. */
  private encoding = 0
  private readonly waiting: (() => void)[] = []
  private channel: AudioChannel | undefined
  private ready = false
  private muted = false
  private talkspurtStart = true
  private closed = false

  constructor(
    private readonly encoder: OpusEncoder,
    private readonly transmit: RtpTransmit,
    private readonly dropPacket: () => boolean = () => false,
  ) {}

  /** The RTP timestamp of the next slot (for sender reports). */
  get rtpTimestamp(): number {
    return this.timestamp
  }

  /** Whether slots run: the peer accepted our channel and SRTP is up. */
  get flowing(): boolean {
    return this.ready && this.channel !== undefined && !this.closed
  }

  setChannel(channel: AudioChannel | undefined): void {
    this.channel = channel
  }

  setReady(ready: boolean): void {
    this.ready = ready
  }

  setMuted(muted: boolean): void {
    if (muted && !this.muted) this.talkspurtStart = true
    this.muted = muted
  }

  write(frame: Int16Array): Promise<void> {
    if (this.closed) return Promise.reject(new MediaTransportClosedError('writeFrame() after close()'))
    if (!(frame instanceof Int16Array) || frame.length !== OPUS_FRAME_SAMPLES) {
      return Promise.reject(new InvalidMediaParameterError(`a frame is an Int16Array of ${OPUS_FRAME_SAMPLES} samples`))
    }
    this.queue.push(frame)
    if (this.queue.length < QUEUE_FRAMES) return Promise.resolve()
    return new Promise((resolve) => this.waiting.push(resolve))
  }

  /** One 20 ms slot of the send clock. */
  tick(): void {
    if (!this.flowing) return
    const frame = this.queue.shift() ?? SILENCE
    this.waiting.shift()?.()
    const timestamp = this.timestamp
    this.timestamp = (this.timestamp + OPUS_FRAME_SAMPLES) >>> 0
    if (this.muted) return
    if (this.encoding >= MAX_ENCODING) return
    const tag = { timestamp, marker: this.talkspurtStart }
    this.talkspurtStart = false
    this.encoding++
    sharedEncodeBatcher.encode(this.encoder, frame, (payload) => {
      this.encoding--
      // No payload: our encoder was closed meanwhile (or libopus refused the frame, a lost packet to the peer).
      if (payload) this.send(tag, payload)
    })
  }

  /** A slot's packet, encoded: sequence numbers are given in sending order. */
  private send(tag: SlotTag, payload: Buffer): void {
    if (!this.flowing) return
    const header = new RtpHeader({
      payloadType: this.channel!.payloadType,
      sequenceNumber: this.sequenceNumber,
      timestamp: tag.timestamp,
      ssrc: this.ssrc,
      marker: tag.marker,
    })
    this.sequenceNumber = (this.sequenceNumber + 1) & 0xffff
    this.packetsSent++
    this.payloadBytesSent += payload.length
    if (this.dropPacket()) {
      this.packetsDropped++
      return
    }
    this.transmit(header, payload)
  }

  /** Slots the event loop missed entirely: time moves on, their audio is not sent late. */
  skip(slots: number): void {
    if (!this.flowing) return
    for (let i = 0; i < slots; i++) {
      this.queue.shift()
      this.waiting.shift()?.()
    }
    this.timestamp = (this.timestamp + slots * OPUS_FRAME_SAMPLES) >>> 0
  }

  /** Releases every waiting writer; later writes reject. */
  close(): void {
    this.closed = true
    this.queue.length = 0
    for (const resolve of this.waiting.splice(0)) resolve()
  }
}
