import type { Framing, FramingOutput } from './framing.js'
import type { RawPackets } from './raw-packets.js'

/**
 * One raw packet per blob, no acknowledgement and no retransmission: V1 (7.0.0, plain JSON,
 * §3.1) and V3 under `network_signaling_nosctp` (gzip, §3.3.3). A lost blob loses its message.
 */
export class DirectRawFraming implements Framing {
  private closed = false

  constructor(
    private readonly packets: RawPackets,
    private readonly output: FramingOutput,
  ) {}

  send(json: Uint8Array): void {
    if (!this.closed) this.output.sendBlob(this.packets.seal(json))
  }

  receive(blob: Uint8Array): void {
    if (!this.closed) this.packets.openInto(blob, this.output)
  }

  close(): void {
    this.closed = true
  }
}
