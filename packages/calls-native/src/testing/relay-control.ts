/**
 * The unencrypted relay control datagrams of spec §10.3: recognising client requests
 * and building the SELF_INFO and PEER_INFO replies.
 */
import { isIPv4, isIPv6 } from 'node:net'

export const PEER_TAG_SIZE = 16
const CONTROL_MARKER_END = 28
const SELF_INFO_ID = 0xc01572c7
const PEER_INFO_ID = 0x27d9371c

export type RelayRequest =
  | { kind: 'ping'; queryId: Uint8Array }
  | { kind: 'publicEndpoints' }
  | { kind: 'unknownControl' }
  | { kind: 'data' }

// Shared: data is nearly every datagram, and the relay classifies each one.
const DATA: RelayRequest = { kind: 'data' }

/** Classifies a datagram that is already known to be at least 32 bytes long. */
export function classifyDatagram(datagram: Buffer): RelayRequest {
  for (let i = PEER_TAG_SIZE; i < CONTROL_MARKER_END; i++) {
    if (datagram[i] !== 0xff) return DATA
  }
  const code = datagram.readInt32LE(CONTROL_MARKER_END)
  if (code === -2 && datagram.length >= 40) return { kind: 'ping', queryId: datagram.subarray(32, 40) }
  if (code === -1) return { kind: 'publicEndpoints' }
  return { kind: 'unknownControl' }
}

function ipv4Bytes(address: string): Buffer {
  const plain = address.startsWith('::ffff:') ? address.slice(7) : address
  if (!isIPv4(plain)) return Buffer.alloc(4)
  return Buffer.from(plain.split('.').map(Number))
}

/** The 16 bytes of an IPv6 address ("::" shorthand and a %zone allowed). */
function ipv6Bytes(address: string): Buffer {
  const [head = '', tail] = address.split('%')[0]!.split('::')
  const groups = (part: string): string[] => (part ? part.split(':') : [])
  const before = groups(head)
  const after = tail === undefined ? [] : groups(tail)
  const all = [...before, ...Array<string>(8 - before.length - after.length).fill('0'), ...after]
  const out = Buffer.alloc(16)
  all.forEach((group, i) => out.writeUInt16BE(Number.parseInt(group, 16), i * 2))
  return out
}

function controlHeader(tag: Uint8Array, id: number, size: number): Buffer {
  const out = Buffer.alloc(size)
  out.set(tag.subarray(0, PEER_TAG_SIZE), 0)
  out.fill(0xff, PEER_TAG_SIZE, CONTROL_MARKER_END)
  out.writeUInt32LE(id, CONTROL_MARKER_END)
  return out
}

/** SELF_INFO (64 bytes): date, echoed query id, the client's address (IPv4 as IPv4-mapped IPv6). */
export function buildSelfInfo(tag: Uint8Array, queryId: Uint8Array, address: string, port: number): Buffer {
  const out = controlHeader(tag, SELF_INFO_ID, 64)
  out.writeInt32LE(Math.floor(Date.now() / 1000), 32)
  out.set(queryId.subarray(0, 8), 36)
  if (isIPv6(address) && !address.startsWith('::ffff:')) {
    ipv6Bytes(address).copy(out, 44)
  } else {
    out.fill(0xff, 54, 56)
    ipv4Bytes(address).copy(out, 56)
  }
  out.writeInt32LE(port, 60)
  return out
}

/** PEER_INFO (48 bytes): the requester's and the other side's public IPv4 endpoints. */
export function buildPeerInfo(
  tag: Uint8Array,
  my: { address: string; port: number },
  peer: { address: string; port: number },
): Buffer {
  const out = controlHeader(tag, PEER_INFO_ID, 48)
  ipv4Bytes(my.address).copy(out, 32)
  out.writeInt32LE(my.port, 36)
  ipv4Bytes(peer.address).copy(out, 40)
  out.writeInt32LE(peer.port, 44)
  return out
}
