/**
 * A call's lifecycle, as `call.state` (strings). Not `@tgvoip/calls-native`'s `CallState`,
 * pytgvoip's numeric enum of the media engine's states. Outgoing: requesting -> waiting ->
 * ringing -> exchangingKeys -> connecting -> established. Incoming: ringing ->
 * exchangingKeys -> connecting -> established. Any state may go to hangingUp (we are
 * discarding), then ended or failed.
 */
export enum PhoneCallState {
  /** Outgoing: fetching the DH config and sending `phone.requestCall`. */
  Requesting = 'requesting',
  /** Outgoing: the server has the call; the callee's devices have not confirmed receipt yet. */
  Waiting = 'waiting',
  /** The callee's device is ringing (outgoing), or we are being called (incoming). */
  Ringing = 'ringing',
  /** Accepted: DH values are being exchanged and checked. */
  ExchangingKeys = 'exchangingKeys',
  /** Keys agreed; the media engine is connecting to the relays or the peer. */
  Connecting = 'connecting',
  Established = 'established',
  /** The media engine lost the link and is trying to get it back. */
  Reconnecting = 'reconnecting',
  /** We are discarding the call on the server. */
  HangingUp = 'hangingUp',
  /** Finished normally (`endReason` says how). */
  Ended = 'ended',
  /** Finished because something went wrong (`error` says what). */
  Failed = 'failed',
}

/** Why a call ended; `call.ended` resolves with it. */
export enum CallEndReason {
  /** The callee was busy (or declined as busy). */
  Busy = 'busy',
  /** The callee declined, or we declined an incoming call. */
  Declined = 'declined',
  /** Nobody answered in time, or the caller gave up before an answer. */
  Missed = 'missed',
  /** One side hung up a call that had been answered. */
  HungUp = 'hungUp',
  /** The other side's connection failed (it discarded the call as disconnected). */
  Disconnected = 'disconnected',
  /** An incoming call was answered on another device of the same account. */
  AcceptedElsewhere = 'acceptedElsewhere',
  /**
   * Something went wrong on our side or in between: the media connection, a security
   * check, the audio source or sink, the server. `call.error` says what.
   */
  Failed = 'failed',
}

export const TERMINAL_STATES: ReadonlySet<PhoneCallState> = new Set([PhoneCallState.Ended, PhoneCallState.Failed])

/** States in which the call has been answered (used to tell "declined" from "hung up"). */
export const ANSWERED_STATES: ReadonlySet<PhoneCallState> = new Set([
  PhoneCallState.ExchangingKeys,
  PhoneCallState.Connecting,
  PhoneCallState.Established,
  PhoneCallState.Reconnecting,
])
