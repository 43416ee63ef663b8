/** Relay endpoints as Telegram hands them out (`phoneConnection`), and their validation. */
import { isIPv4, isIPv6 } from 'node:net'
import { InvalidArgumentError, InvalidPeerTagError, MissingAddressError, NoEndpointsError } from '../errors.js'
import type { NativeEndpoint } from '../native/native-addon.js'

export interface Endpoint {
  /** `phoneConnection.id`. */
  id: bigint
  /** IPv4 address, or an empty string for an IPv6-only relay. */
  ip: string
  /** IPv6 address, or an empty string. With both, the call keeps the family that answers first. */
  ipv6: string
  port: number
  /** 16 bytes; null/undefined means an all-zero tag. */
  peerTag?: Uint8Array | null
}

const PEER_TAG_SIZE = 16

export function validateEndpoints(endpoints: readonly Endpoint[]): NativeEndpoint[] {
  if (!Array.isArray(endpoints) || endpoints.length === 0) {
    throw new NoEndpointsError('setRemoteEndpoints() needs at least one endpoint')
  }
  return endpoints.map((endpoint, index) => {
    if (typeof endpoint.id !== 'bigint') throw new InvalidArgumentError(`endpoint ${index}: id must be a bigint`)
    const ip = endpoint.ip ?? ''
    const ipv6 = endpoint.ipv6 ?? ''
    if (typeof ip !== 'string' || (ip && !isIPv4(ip))) {
      throw new InvalidArgumentError(`endpoint ${index}: ip "${String(ip)}" is not an IPv4 address`)
    }
    if (typeof ipv6 !== 'string' || (ipv6 && !isIPv6(ipv6))) {
      throw new InvalidArgumentError(`endpoint ${index}: ipv6 "${String(ipv6)}" is not an IPv6 address`)
    }
    if (!ip && !ipv6) throw new MissingAddressError(`endpoint ${index} (id ${endpoint.id}) has neither an IPv4 nor an IPv6 address`)
    if (!Number.isInteger(endpoint.port) || endpoint.port <= 0 || endpoint.port > 65535) {
      throw new InvalidArgumentError(`endpoint ${index}: port must be 1..65535, got ${endpoint.port}`)
    }
    const tag = endpoint.peerTag ?? new Uint8Array(PEER_TAG_SIZE)
    if (!(tag instanceof Uint8Array) || tag.length !== PEER_TAG_SIZE) {
      throw new InvalidPeerTagError(`endpoint ${index}: peerTag must be ${PEER_TAG_SIZE} bytes`)
    }
    return { id: endpoint.id, ip, ipv6, port: endpoint.port, peerTag: tag }
  })
}
