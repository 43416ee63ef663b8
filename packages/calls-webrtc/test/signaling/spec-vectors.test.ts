import { readFileSync } from 'node:fs'

import { describe, expect, it } from 'vitest'

import { SignalingAuthError } from '../../src/index.js'
import { gzipMessage, inflateIfCompressed } from '../../src/signaling/compression.js'
import { aesCtr, computeMsgKey, deriveAesKeyIv, PacketCipher } from '../../src/signaling/packet-cipher.js'
import { crc32c } from '../../src/signaling/sctp/crc32c.js'
import { encodeData, parseData, PPID_BINARY } from '../../src/signaling/sctp/chunks.js'
import { ChunkType, encodePacket, parsePacket } from '../../src/signaling/sctp/packet.js'
import { decodeMessage, encodeMessage } from '../../src/signaling/messages/codec.js'
import { hex, toHex, VECTOR_KEY } from './support/fixtures.js'

interface PacketVector { plaintext: string; msg_key: string; aes_key: string; aes_iv: string; packet: string }
interface SpecVectors {
  short: Array<{ x: number; msgKey: string; aesKey: string; iv: string; packet: string }>
  kdf: Array<{ x: number; aesKey: string; iv: string }>
  keystream128: string
  tv1: PacketVector
  tv2: PacketVector
  tv3: PacketVector
  tv4: PacketVector
  tv5: PacketVector & { gzip: string }
  sctpPacket: string
  json1: string
  mediaState: string
}

const vectors = JSON.parse(readFileSync(new URL('../fixtures/spec-vectors.json', import.meta.url), 'utf8')) as SpecVectors

const CALLER_SENDS = 128
const CALLEE_SENDS = 136

describe('§12.1 short vectors and §12.2 KDF', () => {
  it.each(vectors.short)('x = $x: msg_key, key/IV and packet of seq 1 + {}', ({ x, msgKey, aesKey, iv, packet }) => {
    const plaintext = hex('000000017b7d')
    expect(toHex(computeMsgKey(VECTOR_KEY, x, plaintext))).toBe(msgKey)
    const derived = deriveAesKeyIv(VECTOR_KEY, x, hex(msgKey))
    expect(toHex(derived.key)).toBe(aesKey)
    expect(toHex(derived.iv)).toBe(iv)
    const cipher = new PacketCipher(VECTOR_KEY, x === CALLER_SENDS)
    expect(toHex(cipher.encrypt(plaintext))).toBe(packet)
  })

  it.each(vectors.kdf)('x = $x: AES key and IV for a fixed msg_key', ({ x, aesKey, iv }) => {
    const derived = deriveAesKeyIv(VECTOR_KEY, x, hex('a0a1a2a3a4a5a6a7a8a9aaabacadaeaf'))
    expect(toHex(derived.key)).toBe(aesKey)
    expect(toHex(derived.iv)).toBe(iv)
  })

  it('AES-CTR increments the whole 128-bit counter (x = 128 keystream)', () => {
    const derived = deriveAesKeyIv(VECTOR_KEY, 128, hex('a0a1a2a3a4a5a6a7a8a9aaabacadaeaf'))
    expect(toHex(aesCtr(derived, new Uint8Array(48)))).toBe(vectors.keystream128)
  })
})

describe('§12.3–12.7 packets', () => {
  const cases = [
    { name: 'TV-1 V1 caller → callee', tv: vectors.tv1, x: CALLER_SENDS },
    { name: 'TV-2 V1 callee → caller', tv: vectors.tv2, x: CALLEE_SENDS },
    { name: 'TV-3 V2 message record', tv: vectors.tv3, x: CALLER_SENDS },
    { name: 'TV-4 V2 ack-only service packet', tv: vectors.tv4, x: CALLEE_SENDS },
    { name: 'TV-5 V3 seq + gzip', tv: vectors.tv5, x: CALLER_SENDS },
  ]

  it.each(cases)('$name: encrypts to the vector and the receiver decrypts it', ({ tv, x }) => {
    const senderIsCaller = x === CALLER_SENDS
    expect(toHex(computeMsgKey(VECTOR_KEY, x, hex(tv.plaintext)))).toBe(tv.msg_key)
    const derived = deriveAesKeyIv(VECTOR_KEY, x, hex(tv.msg_key))
    expect(toHex(derived.key)).toBe(tv.aes_key)
    expect(toHex(derived.iv)).toBe(tv.aes_iv)
    expect(toHex(new PacketCipher(VECTOR_KEY, senderIsCaller).encrypt(hex(tv.plaintext)))).toBe(tv.packet)
    // The other side decrypts with the sender's offset...
    expect(toHex(new PacketCipher(VECTOR_KEY, !senderIsCaller).decrypt(hex(tv.packet)))).toBe(tv.plaintext)
    // ...and the sender itself, decrypting with the opposite offset, must fail the msg_key check.
    expect(() => new PacketCipher(VECTOR_KEY, senderIsCaller).decrypt(hex(tv.packet))).toThrow(SignalingAuthError)
  })

  it('TV-1 carries JSON1, which we serialize byte for byte', () => {
    const plaintext = hex(vectors.tv1.plaintext)
    expect(Buffer.from(plaintext.subarray(4)).toString()).toBe(vectors.json1)
    const message = decodeMessage(new TextEncoder().encode(vectors.json1))
    expect(message).toMatchObject({ type: 'InitialSetup', ufrag: 'abcd', renomination: false })
    expect(Buffer.from(encodeMessage(message!)).toString()).toBe(vectors.json1)
  })

  it('TV-5: the gzip in the vector and ours both inflate to JSON1', () => {
    // Node's zlib build deflates differently from stock zlib; the spec lets receivers accept any gzip.
    const plaintext = hex(vectors.tv5.plaintext)
    expect(toHex(plaintext.subarray(4))).toBe(vectors.tv5.gzip)
    expect(Buffer.from(inflateIfCompressed(plaintext.subarray(4))).toString()).toBe(vectors.json1)
    const ours = gzipMessage(new TextEncoder().encode(vectors.json1))
    expect(toHex(ours.subarray(0, 3))).toBe('1f8b08')
    expect(Buffer.from(inflateIfCompressed(ours)).toString()).toBe(vectors.json1)
  })

  it('§12.10 MediaState is serialized exactly as tgcalls writes it', () => {
    const message = decodeMessage(new TextEncoder().encode(vectors.mediaState))
    expect(message).toEqual({ type: 'MediaState', muted: false, lowBattery: false, videoState: 'inactive', screencastState: 'inactive', videoRotation: 0 })
    expect(Buffer.from(encodeMessage(message!)).toString()).toBe(vectors.mediaState)
  })
})

describe('§12.9 SCTP packet carrying TV-5', () => {
  it('CRC32c check value', () => {
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283)
  })

  it('our encoder produces the vector byte for byte, checksum included', () => {
    const chunk = encodeData({ tsn: 0x01020304, streamId: 0, ssn: 0, ppid: PPID_BINARY, begin: true, end: true, userData: hex(vectors.tv5.packet) })
    expect(toHex(encodePacket(0x11223344, [chunk]))).toBe(vectors.sctpPacket)
  })

  it('our parser verifies the checksum and recovers the V3 packet', () => {
    const packet = parsePacket(hex(vectors.sctpPacket))
    expect(packet.verificationTag).toBe(0x11223344)
    expect(packet.chunks).toHaveLength(1)
    expect(packet.chunks[0]!.type).toBe(ChunkType.Data)
    const data = parseData(packet.chunks[0]!.flags, packet.chunks[0]!.value)
    expect(data).toMatchObject({ tsn: 0x01020304, streamId: 0, ssn: 0, ppid: 53, begin: true, end: true })
    expect(toHex(data.userData)).toBe(vectors.tv5.packet)
  })
})
