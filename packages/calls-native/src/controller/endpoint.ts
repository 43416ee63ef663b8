/** Relay endpoints as Telegram hands them out (`phoneConnection`), and their validation. */
import { isIPv4, isIPv6 } from 'node:net'
import { InvalidArgumentError, InvalidPeerTagError, MissingIpv4Error, NoEndpointsError } from '../errors.js'
import type { NativeEndpoint } from '../native/native-addon.js'

export interface Endpoint {
  /** `phoneConnection.id`. */
  id: bigint
  /** IPv4 address (required). */
  ip: string
  /** IPv6 address, or an empty string. */
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
    if (typeof endpoint.ip !== 'string' || !isIPv4(endpoint.ip)) {
      throw new MissingIpv4Error(`endpoint ${index} (id ${endpoint.id}) has no valid IPv4 address`)
    }
    if (endpoint.ipv6 && !isIPv6(endpoint.ipv6)) {
      throw new InvalidArgumentError(`endpoint ${index}: ipv6 "${endpoint.ipv6}" is not an IPv6 address`)
    }
    if (!Number.isInteger(endpoint.port) || endpoint.port <= 0 || endpoint.port > 65535) {
      throw new InvalidArgumentError(`endpoint ${index}: port must be 1..65535, got ${endpoint.port}`)
    }
    const tag = endpoint.peerTag ?? new Uint8Array(PEER_TAG_SIZE)
    if (!(tag instanceof Uint8Array) || tag.length !== PEER_TAG_SIZE) {
      throw new InvalidPeerTagError(`endpoint ${index}: peerTag must be ${PEER_TAG_SIZE} bytes`)
    }
    return { id: endpoint.id, ip: endpoint.ip, ipv6: endpoint.ipv6 ?? '', port: endpoint.port, peerTag: tag }
  })
}
