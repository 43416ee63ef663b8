import { DEFAULT_SCTP_TIMERS } from './sctp/association.js'
import type { SctpTimers } from './sctp/association.js'

/** The `InstanceV2Impl` library versions this signaling layer speaks (§1.1). */
export const SIGNALING_VERSIONS = ['7.0.0', '8.0.0', '12.0.0', '13.0.0'] as const
export type SignalingVersion = (typeof SIGNALING_VERSIONS)[number]

export function isSignalingVersion(version: string): version is SignalingVersion {
  return (SIGNALING_VERSIONS as readonly string[]).includes(version)
}

/** How messages travel in blobs (§3). */
export enum FramingKind {
  /** V1, 7.0.0: one packet per blob, plain JSON, no retransmission. */
  Raw = 'raw',
  /** V2, 8.0.0: records with acks and resends. */
  Reliable = 'reliable',
  /** V3, 12.0.0/13.0.0: gzip, carried by SCTP. */
  Sctp = 'sctp',
  /** V3 under `network_signaling_nosctp`: gzip, one packet per blob, no retransmission. */
  GzipRaw = 'gzipRaw',
}

/** `custom_parameters` as parsed JSON (§1.4); `{}` when the call had none. */
export type CustomParameters = Readonly<Record<string, unknown>>

/** A boolean switch is on only if present and JSON `true` (§1.4). */
function switchOn(parameters: CustomParameters, key: string): boolean {
  return parameters[key] === true
}

/** An integer switch counts only if it is a positive JSON number; 0 means the default. */
function positiveInt(parameters: CustomParameters, key: string, fallback: number): number {
  const value = parameters[key]
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : fallback
}

export function framingFor(version: SignalingVersion, parameters: CustomParameters): FramingKind {
  // network_kcp_experiment forces V3 whatever the version says (§1.4).
  const v3 = version === '12.0.0' || version === '13.0.0' || switchOn(parameters, 'network_kcp_experiment')
  if (v3) return switchOn(parameters, 'network_signaling_nosctp') ? FramingKind.GzipRaw : FramingKind.Sctp
  return version === '7.0.0' ? FramingKind.Raw : FramingKind.Reliable
}

/** SCTP timers with the server's overrides applied (§1.4). */
export function sctpTimersFrom(parameters: CustomParameters): SctpTimers {
  return {
    t1InitMs: positiveInt(parameters, 'network_sctp_t1_init_ms', DEFAULT_SCTP_TIMERS.t1InitMs),
    t1CookieMs: positiveInt(parameters, 'network_sctp_t1_cookie_ms', DEFAULT_SCTP_TIMERS.t1CookieMs),
    maxBackoffMs: positiveInt(parameters, 'network_sctp_max_backoff_ms', DEFAULT_SCTP_TIMERS.maxBackoffMs),
  }
}
