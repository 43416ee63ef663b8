import { readU16, readU32, writeU16, writeU32 } from '../bytes.js'
import { SignalingFramingError, SignalingPacketSizeError } from '../errors.js'
import { crc32c } from './crc32c.js'

/** Both ends use port 5000 (§3.3.2); a V3 blob therefore starts with 13 88 13 88. */
export const SCTP_PORT = 5000
export const COMMON_HEADER_BYTES = 12
/**
 * Packets over signaling stay within one MTU (1191 bytes for tgcalls); anything near the
 * 64 KiB SCTP-over-UDP ceiling is refused before it costs a copy and a checksum.
 */
const MAX_PACKET_BYTES = 64 * 1024
const CHUNK_HEADER_BYTES = 4

/** The chunk types this association implements (RFC 9260 §3.2). */
export const ChunkType = {
  Data: 0,
  Init: 1,
  InitAck: 2,
  Sack: 3,
  Heartbeat: 4,
  HeartbeatAck: 5,
  Abort: 6,
  CookieEcho: 10,
  CookieAck: 11,
} as const

export interface Chunk {
  type: number
  flags: number
  /** The chunk's value (after its 4-byte header, without padding). */
  value: Uint8Array
}

export interface SctpPacket {
  verificationTag: number
  chunks: Chunk[]
}

/** True if the blob carries the SCTP common header with ports 5000/5000 (§3.5). */
export function looksLikeSctp(blob: Uint8Array): boolean {
  return blob.length >= COMMON_HEADER_BYTES && readU16(blob, 0) === SCTP_PORT && readU16(blob, 2) === SCTP_PORT
}

function readChecksum(bytes: Uint8Array): number {
  // Stored least-significant byte first, as usrsctp, Linux and dcSCTP do (§3.3.2).
  return (bytes[8]! | (bytes[9]! << 8) | (bytes[10]! << 16) | (bytes[11]! << 24)) >>> 0
}

/**
 * Parses one blob as an SCTP packet: ports, CRC32c and chunk bounds are checked. What to do
 * with chunk types we do not implement is the association's business.
 */
export function parsePacket(bytes: Uint8Array): SctpPacket {
  if (bytes.length > MAX_PACKET_BYTES) throw new SignalingPacketSizeError(`SCTP packet of ${bytes.length} bytes`)
  if (!looksLikeSctp(bytes)) throw new SignalingFramingError('not an SCTP packet on ports 5000/5000')
  const withoutChecksum = Uint8Array.from(bytes)
  withoutChecksum.fill(0, 8, 12)
  if (crc32c(withoutChecksum) !== readChecksum(bytes)) throw new SignalingFramingError('SCTP checksum mismatch')
  const chunks: Chunk[] = []
  let offset = COMMON_HEADER_BYTES
  while (offset < bytes.length) {
    if (bytes.length - offset < CHUNK_HEADER_BYTES) throw new SignalingFramingError('truncated SCTP chunk header')
    const length = readU16(bytes, offset + 2)
    if (length < CHUNK_HEADER_BYTES || offset + length > bytes.length) {
      throw new SignalingFramingError(`SCTP chunk length ${length} out of bounds`)
    }
    chunks.push({ type: bytes[offset]!, flags: bytes[offset + 1]!, value: bytes.subarray(offset + CHUNK_HEADER_BYTES, offset + length) })
    offset += (length + 3) & ~3
  }
  if (chunks.length === 0) throw new SignalingFramingError('SCTP packet without chunks')
  return { verificationTag: readU32(bytes, 4), chunks }
}

/** One chunk's bytes: header, value, zero padding to 4 bytes. */
export function encodeChunk(type: number, flags: number, value: Uint8Array): Uint8Array {
  const length = CHUNK_HEADER_BYTES + value.length
  const out = new Uint8Array((length + 3) & ~3)
  out[0] = type
  out[1] = flags
  writeU16(out, 2, length)
  out.set(value, CHUNK_HEADER_BYTES)
  return out
}

/** Wraps encoded chunks into one packet with the common header and its checksum. */
export function encodePacket(verificationTag: number, chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(COMMON_HEADER_BYTES + chunks.reduce((sum, chunk) => sum + chunk.length, 0))
  writeU16(out, 0, SCTP_PORT)
  writeU16(out, 2, SCTP_PORT)
  writeU32(out, 4, verificationTag)
  let offset = COMMON_HEADER_BYTES
  for (const chunk of chunks) {
    out.set(chunk, offset)
    offset += chunk.length
  }
  const checksum = crc32c(out)
  out[8] = checksum
  out[9] = checksum >>> 8
  out[10] = checksum >>> 16
  out[11] = checksum >>> 24
  return out
}

/** Groups encoded chunks into as few packets as fit in `mtu` bytes each, order kept. */
export function bundleChunks(verificationTag: number, chunks: readonly Uint8Array[], mtu: number): Uint8Array[] {
  const packets: Uint8Array[] = []
  let current: Uint8Array[] = []
  let size = COMMON_HEADER_BYTES
  for (const chunk of chunks) {
    if (current.length > 0 && size + chunk.length > mtu) {
      packets.push(encodePacket(verificationTag, current))
      current = []
      size = COMMON_HEADER_BYTES
    }
    current.push(chunk)
    size += chunk.length
  }
  if (current.length > 0) packets.push(encodePacket(verificationTag, current))
  return packets
}
