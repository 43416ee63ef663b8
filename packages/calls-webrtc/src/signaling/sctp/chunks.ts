import { readU16, readU32, writeU16, writeU32 } from '../bytes.js'
import { SignalingFramingError } from '../errors.js'
import { ChunkType, encodeChunk } from './packet.js'

/* Values of the chunks the association uses (RFC 9260 §3.3). */

const STATE_COOKIE_PARAM = 7
const INIT_FIXED_BYTES = 16
const DATA_HEADER_BYTES = 12

/** DATA flags. */
export const DATA_END = 0x01
export const DATA_BEGIN = 0x02
/** ABORT flag: the verification tag is the sender's own (reflected). */
export const ABORT_TAG_REFLECTED = 0x01

/** "WebRTC binary": the PPID of every signaling message (§3.3.1). */
export const PPID_BINARY = 53

export interface InitParams {
  initiateTag: number
  receiverWindow: number
  outboundStreams: number
  inboundStreams: number
  initialTsn: number
}

export interface InitAckParams extends InitParams {
  cookie: Uint8Array
}

export interface DataChunk {
  tsn: number
  streamId: number
  ssn: number
  ppid: number
  begin: boolean
  end: boolean
  userData: Uint8Array
}

export interface SackChunk {
  cumulativeTsnAck: number
  receiverWindow: number
  /** Offsets from the cumulative TSN, inclusive, as on the wire. */
  gapBlocks: Array<{ start: number; end: number }>
}

function encodeInitFixed(params: InitParams, extra: Uint8Array): Uint8Array {
  const value = new Uint8Array(INIT_FIXED_BYTES + extra.length)
  writeU32(value, 0, params.initiateTag)
  writeU32(value, 4, params.receiverWindow)
  writeU16(value, 8, params.outboundStreams)
  writeU16(value, 10, params.inboundStreams)
  writeU32(value, 12, params.initialTsn)
  value.set(extra, INIT_FIXED_BYTES)
  return value
}

/** Our INIT carries no optional parameters: no extensions, no zero-checksum (§3.3.2). */
export function encodeInit(params: InitParams): Uint8Array {
  return encodeChunk(ChunkType.Init, 0, encodeInitFixed(params, new Uint8Array(0)))
}

export function encodeInitAck(params: InitAckParams): Uint8Array {
  const cookieParam = new Uint8Array((4 + params.cookie.length + 3) & ~3)
  writeU16(cookieParam, 0, STATE_COOKIE_PARAM)
  writeU16(cookieParam, 2, 4 + params.cookie.length)
  cookieParam.set(params.cookie, 4)
  return encodeChunk(ChunkType.InitAck, 0, encodeInitFixed(params, cookieParam))
}

/** INIT or INIT-ACK value; the state cookie is returned when present. */
export function parseInit(value: Uint8Array): InitParams & { cookie: Uint8Array | undefined } {
  if (value.length < INIT_FIXED_BYTES) throw new SignalingFramingError('truncated SCTP INIT')
  const params = {
    initiateTag: readU32(value, 0),
    receiverWindow: readU32(value, 4),
    outboundStreams: readU16(value, 8),
    inboundStreams: readU16(value, 10),
    initialTsn: readU32(value, 12),
  }
  if (params.initiateTag === 0 || params.outboundStreams === 0 || params.inboundStreams === 0) {
    throw new SignalingFramingError('SCTP INIT with a zero tag or stream count')
  }
  let cookie: Uint8Array | undefined
  let offset = INIT_FIXED_BYTES
  while (value.length - offset >= 4) {
    const type = readU16(value, offset)
    const length = readU16(value, offset + 2)
    if (length < 4 || offset + length > value.length) throw new SignalingFramingError('SCTP INIT parameter out of bounds')
    if (type === STATE_COOKIE_PARAM) cookie = value.subarray(offset + 4, offset + length)
    offset += (length + 3) & ~3
  }
  return { ...params, cookie }
}

export function encodeData(chunk: DataChunk): Uint8Array {
  const value = new Uint8Array(DATA_HEADER_BYTES + chunk.userData.length)
  writeU32(value, 0, chunk.tsn)
  writeU16(value, 4, chunk.streamId)
  writeU16(value, 6, chunk.ssn)
  writeU32(value, 8, chunk.ppid)
  value.set(chunk.userData, DATA_HEADER_BYTES)
  return encodeChunk(ChunkType.Data, (chunk.begin ? DATA_BEGIN : 0) | (chunk.end ? DATA_END : 0), value)
}

export function parseData(flags: number, value: Uint8Array): DataChunk {
  if (value.length < DATA_HEADER_BYTES) throw new SignalingFramingError('truncated SCTP DATA chunk')
  return {
    tsn: readU32(value, 0),
    streamId: readU16(value, 4),
    ssn: readU16(value, 6),
    ppid: readU32(value, 8),
    begin: (flags & DATA_BEGIN) !== 0,
    end: (flags & DATA_END) !== 0,
    userData: value.subarray(DATA_HEADER_BYTES),
  }
}

export function encodeSack(sack: SackChunk): Uint8Array {
  const value = new Uint8Array(12 + 4 * sack.gapBlocks.length)
  writeU32(value, 0, sack.cumulativeTsnAck)
  writeU32(value, 4, sack.receiverWindow)
  writeU16(value, 8, sack.gapBlocks.length)
  writeU16(value, 10, 0)
  sack.gapBlocks.forEach((block, i) => {
    writeU16(value, 12 + 4 * i, block.start)
    writeU16(value, 14 + 4 * i, block.end)
  })
  return encodeChunk(ChunkType.Sack, 0, value)
}

export function parseSack(value: Uint8Array): SackChunk {
  if (value.length < 12) throw new SignalingFramingError('truncated SCTP SACK')
  const gapCount = readU16(value, 8)
  const dupCount = readU16(value, 10)
  if (value.length < 12 + 4 * gapCount + 4 * dupCount) throw new SignalingFramingError('SCTP SACK blocks out of bounds')
  const gapBlocks: SackChunk['gapBlocks'] = []
  for (let i = 0; i < gapCount; i++) gapBlocks.push({ start: readU16(value, 12 + 4 * i), end: readU16(value, 14 + 4 * i) })
  return { cumulativeTsnAck: readU32(value, 0), receiverWindow: readU32(value, 4), gapBlocks }
}

/** Serial-number comparison of 32-bit TSNs (RFC 1982): negative if a is before b. */
export function tsnDiff(a: number, b: number): number {
  return (a - b) | 0
}
