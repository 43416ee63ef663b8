/**
 * `custom_parameters` (spec §1.4) as far as the engine is concerned: the signaling layer
 * applies the framing switches itself; here the one we cannot honour fails the call, and our
 * own test switch turns on loopback media.
 */
import { UnsupportedServerSwitchError } from './engine-errors.js'

/**
 * Set by `FakeTelegram` only (real Telegram never sends a `tgvoip_` key): media runs on
 * 127.0.0.1 host candidates, which werift otherwise never gathers and a real peer could
 * never reach.
 */
export const TEST_LOOPBACK_PARAMETER = 'tgvoip_test_loopback'

/** Switches of §1.4 whose mode we do not implement (§10: no DTLS/SRTP, media framed with the call key). */
const UNSUPPORTED = ['network_use_mtproto']

/** Every key §1.4 lists: the others are tuning we may ignore, or handled by the signaling layer. */
const KNOWN = new Set([
  ...UNSUPPORTED,
  'network_standalone_reflectors',
  'network_kcp_experiment',
  'network_signaling_nosctp',
  'network_sctp_t1_init_ms',
  'network_sctp_t1_cookie_ms',
  'network_sctp_max_backoff_ms',
  'network_skip_initial_ping',
  'network_use_default_route',
  'network_enable_shared_socket',
  'network_reflector_resolve_remote_candidate_ip',
  'network_disable_stun_when_unconfigured',
  'network_reference_use_addtrack',
  TEST_LOOPBACK_PARAMETER,
])

export interface ServerSwitches {
  loopback: boolean
  /** Keys §1.4 does not list, for the debug log (tgcalls logs them too). */
  unknownKeys: string[]
}

/** Throws `UnsupportedServerSwitchError` for a mode we cannot run; a boolean switch is on only when JSON `true`. */
export function readServerSwitches(parameters: Readonly<Record<string, unknown>>): ServerSwitches {
  for (const key of UNSUPPORTED) if (parameters[key] === true) throw new UnsupportedServerSwitchError(key)
  return {
    loopback: parameters[TEST_LOOPBACK_PARAMETER] === true,
    unknownKeys: Object.keys(parameters).filter((key) => !KNOWN.has(key)),
  }
}
