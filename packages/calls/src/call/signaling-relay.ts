import type { ITelegramClient, tl } from '@mtcute/core'

import type { MediaSession } from '../engine/call-engine.js'
import { CallFailedError } from '../errors.js'

/**
 * Blobs that arrive before the media session exists are kept, up to these bounds: an engine
 * that signals (tgcalls v2) starts only once the key is confirmed, while the other side may
 * already be sending. Beyond the bounds the oldest are dropped; the engine's own framing
 * (acks, retransmission) recovers them.
 */
const MAX_PENDING_BLOBS = 64
const MAX_PENDING_BYTES = 256 * 1024

/**
 * Carries one call's engine signaling through Telegram: the session's `signalingData` blobs
 * go out with `phone.sendSignalingData`, and blobs from `updatePhoneCallSignalingData` go
 * into the session, buffered until it exists.
 */
export class SignalingRelay {
  private pending: Uint8Array[] = []
  private pendingBytes = 0
  private session: MediaSession | null = null

  constructor(
    private readonly client: ITelegramClient,
    private readonly peer: () => tl.TypeInputPhoneCall,
    private readonly onFailure: (error: CallFailedError) => void,
  ) {}

  /** A blob from the other side. */
  receive(data: Uint8Array): void {
    if (this.session) {
      this.session.receiveSignalingData(data)
      return
    }
    this.pending.push(data)
    this.pendingBytes += data.length
    while (this.pending.length > MAX_PENDING_BLOBS || this.pendingBytes > MAX_PENDING_BYTES) {
      this.pendingBytes -= this.pending.shift()!.length
    }
  }

  /** Before `session.start()`: the session may signal as soon as it starts. */
  attach(session: MediaSession): void {
    session.on('signalingData', (data) => this.send(data))
  }

  /** After `session.start()`: buffered blobs go in, in order, and later ones directly. */
  deliverTo(session: MediaSession): void {
    this.session = session
    const pending = this.pending
    this.pending = []
    this.pendingBytes = 0
    for (const data of pending) session.receiveSignalingData(data)
  }

  private send(data: Uint8Array): void {
    // Not serialized: every signaling framing tolerates reordering, and waiting for each
    // answer would add a round trip per blob to the call's set-up.
    this.client.call({ _: 'phone.sendSignalingData', peer: this.peer(), data }).then(
      (accepted) => {
        // Telegram's apps treat a refused blob as a failed call: the peer will never see it.
        if (!accepted) this.fail(new CallFailedError('Telegram refused the call signaling data'))
      },
      (err: unknown) => this.fail(new CallFailedError('phone.sendSignalingData failed', { cause: err })),
    )
  }

  private fail(error: CallFailedError): void {
    this.onFailure(error)
  }
}
