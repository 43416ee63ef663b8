import type { SignalingError } from '../errors.js'

/** What a framing hands back to the channel that owns it. */
export interface FramingOutput {
  /** One blob for `phone.sendSignalingData`. */
  sendBlob(blob: Uint8Array): void
  /** One message payload as the peer framed it (JSON text, or gzip/zlib of it). */
  deliver(payload: Uint8Array): void
  /** A blob was dropped, or something went wrong on a timer; the framing keeps working. */
  reportError(error: SignalingError): void
}

/** One of the §3 framings: turns message payloads into blobs and back. */
export interface Framing {
  /** Frames and sends one message's JSON bytes. Throws `SignalingSendError` if it cannot fit. */
  send(json: Uint8Array): void
  /** Handles one incoming blob; problems are reported, never thrown. */
  receive(blob: Uint8Array): void
  /** Stops every timer; later calls do nothing. */
  close(): void
}
