/**
 * SRTP for our audio packets with node:crypto keys made once per call. werift's own SRTP
 * hands its session keys to node:crypto as raw Buffers for every packet, and Node checks
 * such a key against its KeyObject and CryptoKey types each time at a cost far above the
 * AES itself (a tenth of the JS thread at 20 calls). This session takes werift's derived
 * keys and rollover state (RFC 3711 §3.3.1, kept in werift's contexts) and does the
 * per-packet work for both profiles we offer: AEAD_AES_128_GCM (RFC 7714 §8) and
 * AES_CM_128_HMAC_SHA1_80 (RFC 3711 §4.1.1, §4.2). SRTCP (one packet a second) stays werift's.
 */
import { createCipheriv, createDecipheriv, createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto'
import {
  ProtectionProfileAeadAes128Gcm,
  ProtectionProfileAes128CmHmacSha1_80,
  SrtpAuthenticationError,
  type SrtpSession,
  type RtpHeader,
} from 'werift'

type SrtpSsrcState = SrtpSession['remoteContext']['srtpSSRCStates'][number]

const GCM_TAG = 16
const HMAC_TAG = 10
const MIN_HEADER = 12

interface Direction {
  cipherKey: KeyObject
  salt: Buffer
  authKey: KeyObject
}

function direction(context: SrtpSession['localContext']): Direction {
  return {
    cipherKey: createSecretKey(context.srtpSessionKey),
    salt: Buffer.from(context.srtpSessionSalt),
    authKey: createSecretKey(context.srtpSessionAuthTag),
  }
}

/** The RTP header length (fixed part, CSRCs, extension), or -1 if the packet is too short for it. */
function headerLength(packet: Buffer, tagLength: number): number {
  const end = packet.length - tagLength
  if (end < MIN_HEADER) return -1
  let length = MIN_HEADER + 4 * (packet[0]! & 0x0f)
  if (packet[0]! & 0x10) {
    if (length + 4 > end) return -1
    length += 4 + 4 * packet.readUInt16BE(length + 2)
  }
  return length <= end ? length : -1
}

/**
 * RFC 7714 §8.1 (GCM: 12 bytes, SSRC from byte 2) and RFC 3711 §4.1.1 (counter mode: 16
 * bytes, SSRC from byte 4, the block counter in the last two) IVs: SSRC, ROC, sequence
 * number, XORed with the session salt.
 */
function packetIv(salt: Buffer, ssrc: number, roc: number, sequenceNumber: number, gcm: boolean): Buffer {
  const iv = Buffer.alloc(gcm ? 12 : 16)
  const at = gcm ? 2 : 4
  iv.writeUInt32BE(ssrc, at)
  iv.writeUInt32BE(roc, at + 4)
  iv.writeUInt16BE(sequenceNumber, at + 8)
  for (let i = 0; i < salt.length; i++) iv[i]! ^= salt[i]!
  return iv
}

/**
 * Takes over the per-packet work of werift's session (its `encrypt` and `decrypt`), with
 * the keys and rollover state werift derived for it; SRTCP stays werift's.
 */
export function useNodeSrtp(session: SrtpSession): void {
  const fast = new NodeSrtp(session)
  session.encrypt = (payload, header) => fast.encrypt(payload, header)
  session.decrypt = (packet) => fast.decrypt(packet)
}

export class NodeSrtp {
  private readonly gcm: boolean
  private readonly local: Direction
  private readonly remote: Direction
  private readonly localContext: SrtpSession['localContext']
  private readonly remoteContext: SrtpSession['remoteContext']

  constructor(session: SrtpSession) {
    const profile = session.config.profile
    if (profile !== ProtectionProfileAeadAes128Gcm && profile !== ProtectionProfileAes128CmHmacSha1_80) {
      throw new Error(`unsupported SRTP profile ${profile}`)
    }
    this.gcm = profile === ProtectionProfileAeadAes128Gcm
    this.localContext = session.localContext
    this.remoteContext = session.remoteContext
    this.local = direction(this.localContext)
    this.remote = direction(this.remoteContext)
  }

  encrypt(payload: Buffer, header: RtpHeader): Buffer {
    const state = this.localContext.getSrtpSsrcState(header.ssrc)
    this.localContext.updateRolloverCount(header.sequenceNumber, state)
    const head = header.serialize(header.serializeSize)
    const iv = packetIv(this.local.salt, header.ssrc, state.rolloverCounter, header.sequenceNumber, this.gcm)
    if (this.gcm) {
      const cipher = createCipheriv('aes-128-gcm', this.local.cipherKey, iv)
      cipher.setAAD(head)
      const body = cipher.update(payload)
      cipher.final()
      return Buffer.concat([head, body, cipher.getAuthTag()])
    }
    const body = createCipheriv('aes-128-ctr', this.local.cipherKey, iv).update(payload)
    return Buffer.concat([head, body, this.hmacTag(this.local, state.rolloverCounter, head, body)])
  }

  /** A received SRTP packet as plain RTP; SrtpAuthenticationError (werift drops those) if it does not authenticate. */
  decrypt(packet: Buffer): Buffer {
    const tagLength = this.gcm ? GCM_TAG : HMAC_TAG
    const headLength = headerLength(packet, tagLength)
    if (headLength < 0) throw new SrtpAuthenticationError('SRTP packet too short')
    const ssrc = packet.readUInt32BE(8)
    const sequenceNumber = packet.readUInt16BE(2)
    // The rollover guess is kept only once the packet authenticates.
    const known = this.remoteContext.srtpSSRCStates[ssrc]
    const next: SrtpSsrcState = known ? { ...known } : { ssrc, rolloverCounter: 0, lastSequenceNumber: 0 }
    this.remoteContext.updateRolloverCount(sequenceNumber, next)
    const head = packet.subarray(0, headLength)
    const body = packet.subarray(headLength, packet.length - tagLength)
    const tag = packet.subarray(packet.length - tagLength)
    const iv = packetIv(this.remote.salt, ssrc, next.rolloverCounter, sequenceNumber, this.gcm)
    let plain: Buffer
    if (this.gcm) {
      const decipher = createDecipheriv('aes-128-gcm', this.remote.cipherKey, iv)
      decipher.setAAD(head)
      decipher.setAuthTag(tag)
      plain = decipher.update(body)
      try {
        decipher.final()
      } catch {
        throw new SrtpAuthenticationError('SRTP packet failed authentication')
      }
    } else {
      if (!timingSafeEqual(tag, this.hmacTag(this.remote, next.rolloverCounter, head, body))) {
        throw new SrtpAuthenticationError('SRTP packet failed authentication')
      }
      plain = createDecipheriv('aes-128-ctr', this.remote.cipherKey, iv).update(body)
    }
    if (known) Object.assign(known, next)
    else this.remoteContext.srtpSSRCStates[ssrc] = next
    return Buffer.concat([head, plain])
  }

  private hmacTag(keys: Direction, roc: number, head: Buffer, body: Buffer): Buffer {
    const rocBytes = Buffer.alloc(4)
    rocBytes.writeUInt32BE(roc)
    return createHmac('sha1', keys.authKey).update(head).update(body).update(rocBytes).digest().subarray(0, HMAC_TAG)
  }
}
