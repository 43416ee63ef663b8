/**
 * Opus encoding off the JS thread, in order: each frame is encoded on libuv's thread pool
 * (`OpusEncoder.encodeAsync`), one at a time per encoder, so packets come out in the order
 * their slots ran. With many calls on one event loop the encodes (about two thirds of a
 * call's CPU) then run beside the JS thread instead of delaying every other call's timers,
 * packets and playout.
 */
import type { OpusEncoder } from '@tgvoip/calls-native/codec'

/**
 * Frames waiting behind the encode in flight. Normally none (an encode takes well under a
 * millisecond); if the pool falls this far behind, the oldest waiting frame is dropped,
 * like a slot the event loop missed, rather than sending audio late.
 */
const MAX_WAITING = 4

export interface EncodedFrame<Tag> {
  tag: Tag
  payload: Buffer
}

export class OrderedEncoder<Tag> {
  /** Frames dropped because the pool fell behind, and encodes libopus refused. */
  framesDropped = 0
  private readonly waiting: { frame: Int16Array; tag: Tag }[] = []
  private busy = false
  private closed = false

  constructor(
    private readonly encoder: OpusEncoder,
    private readonly deliver: (encoded: EncodedFrame<Tag>) => void,
  ) {}

  /** Encodes `frame`; `deliver` gets its packet with `tag` once every earlier frame's went out. */
  push(frame: Int16Array, tag: Tag): void {
    if (this.closed) return
    if (this.waiting.length >= MAX_WAITING) {
      this.waiting.shift()
      this.framesDropped++
    }
    this.waiting.push({ frame, tag })
    if (!this.busy) void this.drain()
  }

  /** Later frames are ignored and a result still in flight is discarded. */
  close(): void {
    this.closed = true
    this.waiting.length = 0
  }

  private async drain(): Promise<void> {
    this.busy = true
    for (let next = this.waiting.shift(); next && !this.closed; next = this.waiting.shift()) {
      let packet: Uint8Array
      try {
        packet = await this.encoder.encodeAsync(next.frame)
      } catch {
        // Closed under us, or libopus refused this frame: the peer sees one lost packet.
        this.framesDropped++
        continue
      }
      if (this.closed) break
      this.deliver({ tag: next.tag, payload: Buffer.from(packet.buffer, packet.byteOffset, packet.byteLength) })
    }
    this.busy = false
  }
}
