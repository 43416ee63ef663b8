/** NodeSrtp against werift's SRTP (an independent implementation): both profiles, both directions, rollover, tampering. */
import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { ProtectionProfileAeadAes128Gcm, ProtectionProfileAes128CmHmacSha1_80, RtpHeader, RtpPacket, SrtpAuthenticationError, SrtpSession } from 'werift'
import { NodeSrtp, useNodeSrtp } from '../../src/media/node-srtp.js'

/** Two ends' werift sessions of one SRTP association (each end's local keys are the other's remote keys). */
function pair(profile: number): { a: SrtpSession; b: SrtpSession } {
  const keyA = randomBytes(16)
  const keyB = randomBytes(16)
  const salt = profile === ProtectionProfileAeadAes128Gcm ? 12 : 14
  const saltA = randomBytes(salt)
  const saltB = randomBytes(salt)
  const a = new SrtpSession({ profile, keys: { localMasterKey: keyA, localMasterSalt: saltA, remoteMasterKey: keyB, remoteMasterSalt: saltB } })
  const b = new SrtpSession({ profile, keys: { localMasterKey: keyB, localMasterSalt: saltB, remoteMasterKey: keyA, remoteMasterSalt: saltA } })
  return { a, b }
}

const header = (sequenceNumber: number): RtpHeader =>
  new RtpHeader({ payloadType: 111, sequenceNumber, timestamp: sequenceNumber * 960, ssrc: 0x1234_5678, marker: sequenceNumber === 0 })

describe.each([
  ['AEAD_AES_128_GCM', ProtectionProfileAeadAes128Gcm],
  ['AES_CM_128_HMAC_SHA1_80', ProtectionProfileAes128CmHmacSha1_80],
])('NodeSrtp, %s', (_name, profile) => {
  it('interoperates with werift both ways, across a sequence-number rollover', () => {
    const { a, b } = pair(profile)
    const ours = new NodeSrtp(a)
    // 65530 → 5: the rollover counter must advance identically on both sides.
    for (let i = 0; i < 12; i++) {
      const seq = (65_530 + i) & 0xffff
      const payload = randomBytes(40 + i)
      const fromUs = ours.encrypt(payload, header(seq))
      expect(fromUs.equals(a.encrypt(payload, header(seq)))).toBe(true)
      const seen = RtpPacket.deSerialize(b.decrypt(fromUs))
      expect(seen.header.sequenceNumber).toBe(seq)
      expect(seen.payload.equals(payload)).toBe(true)
      const fromWerift = b.encrypt(payload, header(seq))
      const plain = RtpPacket.deSerialize(ours.decrypt(fromWerift))
      expect(plain.payload.equals(payload)).toBe(true)
      expect(plain.header.timestamp).toBe(seq * 960)
    }
  })

  it('rejects tampered, truncated and foreign packets with SrtpAuthenticationError and keeps working', () => {
    const { a, b } = pair(profile)
    const ours = new NodeSrtp(a)
    const good = b.encrypt(Buffer.from('opus payload'), header(7))
    const flipped = Buffer.from(good)
    flipped[14]! ^= 1
    expect(() => ours.decrypt(flipped)).toThrow(SrtpAuthenticationError)
    expect(() => ours.decrypt(good.subarray(0, 11))).toThrow(SrtpAuthenticationError)
    const withExtension = Buffer.from(good)
    withExtension[0]! |= 0x10
    expect(() => ours.decrypt(withExtension)).toThrow(SrtpAuthenticationError)
    const stranger = pair(profile).b.encrypt(Buffer.from('opus payload'), header(8))
    expect(() => ours.decrypt(stranger)).toThrow(SrtpAuthenticationError)
    expect(RtpPacket.deSerialize(ours.decrypt(good)).payload.toString()).toBe('opus payload')
  })

  it('takes over a werift session mid-stream, keeping its rollover state', () => {
    const { a, b } = pair(profile)
    const before = b.encrypt(Buffer.from('before'), header(65_535))
    a.decrypt(before)
    useNodeSrtp(a)
    // Sequence 0 after 65535: only a session that kept werift's state uses ROC 1 here.
    const after = b.encrypt(Buffer.from('after'), header(0))
    expect(RtpPacket.deSerialize(a.decrypt(after)).payload.toString()).toBe('after')
    expect(RtpPacket.deSerialize(b.decrypt(a.encrypt(Buffer.from('reply'), header(0)))).payload.toString()).toBe('reply')
  })
})
