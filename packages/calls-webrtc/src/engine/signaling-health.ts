/**
 * Tells a peer that cannot be heard apart from a hostile blob: after the peer's first message
 * got through, rejected blobs are only dropped (the signaling layer already does that); before
 * it, a run of rejections means the key differs or every blob is altered on the way, and the
 * call cannot work.
 */
import {
  SignalingAssociationError,
  SignalingKeyMismatchError,
  SignalingListenerError,
  SignalingReplayError,
  type SignalingError,
} from '../signaling/errors.js'
import { SignalingUnusableError } from './engine-errors.js'

/** Rejected blobs before any accepted one that make the call fail (the key check fires at 3 authentication failures). */
const REJECTIONS_BEFORE_UNUSABLE = 8

export class SignalingHealth {
  /** Rejected blobs and messages by error class, for the debug log. */
  readonly rejected: Record<string, number> = {}
  private heardPeer = false
  private rejectionsBeforePeer = 0

  /** A message from the peer was accepted. */
  accepted(): void {
    this.heardPeer = true
  }

  /** Counts one signaling error; returns the error that must fail the call, if it is one. */
  judge(error: SignalingError): Error | undefined {
    this.rejected[error.name] = (this.rejected[error.name] ?? 0) + 1
    if (error instanceof SignalingKeyMismatchError) return error
    // Duplicates are normal, an SCTP restart recovers by itself, a listener fault is ours.
    const benign = error instanceof SignalingReplayError || error instanceof SignalingAssociationError || error instanceof SignalingListenerError
    if (this.heardPeer || benign) return undefined
    if (++this.rejectionsBeforePeer < REJECTIONS_BEFORE_UNUSABLE) return undefined
    return new SignalingUnusableError(
      `the peer's first ${REJECTIONS_BEFORE_UNUSABLE} signaling blobs were all rejected (last: ${error.message}): altered on the way or a different key`,
      { cause: error },
    )
  }
}
