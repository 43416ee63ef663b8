import { SctpAssociation } from '../sctp/association.js'
import type { SctpState, SctpTimers } from '../sctp/association.js'
import type { Framing, FramingOutput } from './framing.js'
import type { RawPackets } from './raw-packets.js'

/**
 * V3 framing of 12.0.0/13.0.0 (§3.3): each message is gzip-compressed, encrypted as a raw
 * packet and sent as one user message of an SCTP association whose packets are the blobs.
 * The caller starts the association at once; the callee waits for the first blob or the first
 * message of its own, as the newest tgcalls does.
 */
export class SctpFraming implements Framing {
  private readonly association: SctpAssociation

  constructor(
    private readonly packets: RawPackets,
    isOutgoing: boolean,
    timers: SctpTimers,
    output: FramingOutput,
    onStateChange: (oldState: SctpState, newState: SctpState) => void,
  ) {
    this.association = new SctpAssociation({
      sendPacket: packet => output.sendBlob(packet),
      deliverMessage: packet => packets.openInto(packet, output),
      reportError: error => output.reportError(error),
      stateChanged: onStateChange,
    }, timers)
    // Deferred so the owner can attach its listeners before the first INIT goes out.
    if (isOutgoing) queueMicrotask(() => this.association.connect())
  }

  send(json: Uint8Array): void {
    const packet = this.packets.seal(json)
    this.association.connect()
    this.association.sendMessage(packet)
  }

  receive(blob: Uint8Array): void {
    this.association.connect()
    this.association.receivePacket(blob)
  }

  close(): void {
    this.association.close()
  }
}
