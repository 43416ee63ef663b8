import type { tl } from '@mtcute/core'

import { AbortError, CallBusyError, CallDeclinedError, CallFailedError, CallMissedError } from '../errors.js'
import { CallEndReason } from './call-state.js'

/** Our end reason as Telegram's discard reason. */
export function toDiscardReason(reason: CallEndReason): tl.TypePhoneCallDiscardReason {
  switch (reason) {
    case CallEndReason.Busy:
      return { _: 'phoneCallDiscardReasonBusy' }
    case CallEndReason.Missed:
      return { _: 'phoneCallDiscardReasonMissed' }
    case CallEndReason.Disconnected:
      return { _: 'phoneCallDiscardReasonDisconnect' }
    default:
      return { _: 'phoneCallDiscardReasonHangup' }
  }
}

/**
 * How the other side (or the server) ended the call, seen from our side. A hang-up before
 * the call was answered is a decline for the caller and a missed call for the callee; a
 * discard without a reason on a still-ringing incoming call means another device answered.
 */
export function fromRemoteDiscard(
  reason: tl.TypePhoneCallDiscardReason | undefined,
  ctx: { isOutgoing: boolean; answered: boolean; ringingIncoming: boolean },
): CallEndReason {
  switch (reason?._) {
    case 'phoneCallDiscardReasonBusy':
      return CallEndReason.Busy
    case 'phoneCallDiscardReasonMissed':
      return CallEndReason.Missed
    case 'phoneCallDiscardReasonDisconnect':
      return CallEndReason.Disconnected
    case undefined:
      if (ctx.ringingIncoming) return CallEndReason.AcceptedElsewhere
      return ctx.answered ? CallEndReason.HungUp : CallEndReason.Missed
    default:
      if (ctx.answered) return CallEndReason.HungUp
      return ctx.isOutgoing ? CallEndReason.Declined : CallEndReason.Missed
  }
}

/** The error `call()`/`accept()` reject with when a call ends before it is established. */
export function endToError(reason: CallEndReason, error: Error | null): Error {
  if (error) return error
  switch (reason) {
    case CallEndReason.Busy:
      return new CallBusyError()
    case CallEndReason.Declined:
      return new CallDeclinedError()
    case CallEndReason.Missed:
      return new CallMissedError()
    default:
      return new CallFailedError(`The call ended (${reason}) before it was established`)
  }
}

/** Aborts are the user's own choice: they end a call, they do not make it "failed". */
export function isFailure(error: Error | null): boolean {
  return error !== null && !(error instanceof AbortError)
}
