/**
 * werift ICE agent options for one call side: the call's STUN/TURN servers (§6.1),
 * relay-only gathering when P2P is not allowed (§5.2), and the loopback mode that tests
 * and the fake Telegram need (werift skips internal interfaces for host candidates).
 */
import type { IceOptions } from 'werift'
import { NoRelayServerError } from './media-errors.js'
import type { RtcServer } from '@tgvoip/calls-native/engine'
import { chooseIceServers } from './rtc-servers.js'

export const LOOPBACK_ADDRESS = '127.0.0.1'

export interface IcePolicy {
  rtcServers: readonly RtcServer[]
  allowP2p: boolean
  loopback: boolean
}

export interface IceSetup {
  options: Partial<IceOptions>
  /** Without a STUN entry werift must not fall back to its built-in public server. */
  useStun: boolean
  relayOnly: boolean
}

export function iceSetup({ rtcServers, allowP2p, loopback }: IcePolicy): IceSetup {
  const { stun, turn } = chooseIceServers(rtcServers)
  if (!allowP2p && !turn) throw new NoRelayServerError('P2P is not allowed and the call has no TURN server with credentials')
  const options: Partial<IceOptions> = { useIpv4: true, useIpv6: !loopback, forceTurn: !allowP2p }
  if (stun) options.stunServer = stun
  if (turn) Object.assign(options, { turnServer: turn.address, turnUsername: turn.username, turnPassword: turn.password })
  if (loopback) {
    // Every socket on 127.0.0.1, and 127.0.0.1 as a host candidate address: nothing leaves the machine.
    options.additionalHostAddresses = [LOOPBACK_ADDRESS]
    options.interfaceAddresses = { udp4: LOOPBACK_ADDRESS }
  }
  return { options, useStun: stun !== undefined, relayOnly: !allowP2p }
}
