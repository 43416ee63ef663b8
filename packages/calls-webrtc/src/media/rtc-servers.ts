/**
 * The call's `phoneConnectionWebrtc` entries as werift ICE servers (§6.1). werift's agent
 * takes one STUN and one TURN server (§5.8): IPv4 entries first, as tgcalls lists them;
 * without a STUN entry no STUN server is used at all (werift would otherwise ask Google's).
 */
import { isIP } from 'node:net'
import type { RtcServer } from '@tgvoip/calls-native/engine'

export interface IceServerChoice {
  stun?: readonly [string, number]
  turn?: { address: readonly [string, number]; username: string; password: string }
}

function addresses(server: RtcServer): (readonly [string, number])[] {
  return [server.ip, server.ipv6].filter((ip) => isIP(ip) !== 0).map((ip) => [ip, server.port] as const)
}

function validPort(server: RtcServer): boolean {
  return Number.isInteger(server.port) && server.port > 0 && server.port < 65536
}

export function chooseIceServers(servers: readonly RtcServer[]): IceServerChoice {
  const usable = servers.filter(validPort)
  const stun = usable.filter((s) => s.stun).flatMap(addresses)[0]
  const turnServer = usable.find((s) => s.turn && s.username !== '' && s.password !== '' && addresses(s).length > 0)
  const choice: IceServerChoice = {}
  if (stun) choice.stun = stun
  if (turnServer) {
    choice.turn = { address: addresses(turnServer)[0]!, username: turnServer.username, password: turnServer.password }
  }
  return choice
}
