/**
 * A fresh self-signed ECDSA P-256 certificate in DER, made with node:crypto alone: the key
 * pair and the signature are native, and the few fields around them are written here. It
 * takes well under a millisecond, against tens of milliseconds of pure-JS ASN.1 in werift's
 * generator, which made 20 starting calls wait ~0.1 s for their certificates one after
 * another on the JS thread.
 *
 * The fields are those WebRTC (and so tgcalls) puts in its own DTLS certificates: X.509 v3
 * without extensions, subject and issuer CN=WebRTC, a random positive 64-bit serial, valid
 * from a day ago for 30 days. The peer checks only the sha-256 fingerprint it received over
 * the encrypted signaling (§4.2), so nothing else in the certificate matters to it.
 */
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto'

const DAY_MS = 24 * 60 * 60 * 1000
/** ecdsa-with-SHA256 (RFC 5758 §3.2): OID 1.2.840.10045.4.3.2, no parameters. */
const ECDSA_SHA256 = sequence(Buffer.from('06082a8648ce3d040302', 'hex'))
/** Name: CN (OID 2.5.4.3) = UTF8String "WebRTC". */
const NAME = sequence(set(sequence(Buffer.concat([Buffer.from('0603550403', 'hex'), tlv(0x0c, Buffer.from('WebRTC'))]))))
/** [0] EXPLICIT INTEGER 2: version 3. */
const VERSION_3 = tlv(0xa0, tlv(0x02, Buffer.from([2])))

function tlv(tag: number, content: Buffer): Buffer {
  const length = content.length
  let header: Buffer
  if (length < 0x80) header = Buffer.from([tag, length])
  else if (length < 0x100) header = Buffer.from([tag, 0x81, length])
  else header = Buffer.from([tag, 0x82, length >> 8, length & 0xff])
  return Buffer.concat([header, content])
}

function sequence(content: Buffer): Buffer {
  return tlv(0x30, content)
}

function set(content: Buffer): Buffer {
  return tlv(0x31, content)
}

/** UTCTime YYMMDDHHMMSSZ (RFC 5280 §4.1.2.5.1; our dates are before 2050). */
function utcTime(date: Date): Buffer {
  const iso = date.toISOString() // 2026-12-06T21:40:12.345Z
  const digits = iso.slice(2, 4) + iso.slice(5, 7) + iso.slice(8, 10) + iso.slice(11, 13) + iso.slice(14, 16) + iso.slice(17, 19)
  return tlv(0x17, Buffer.from(`${digits}Z`, 'ascii'))
}

/** A random positive 64-bit serial: top bit clear (positive), first byte non-zero (minimal DER). */
function serialNumber(): Buffer {
  const bytes = randomBytes(8)
  bytes[0] = (bytes[0]! & 0x7f) | 0x01
  return tlv(0x02, bytes)
}

export interface SelfSignedCertificate {
  certificateDer: Buffer
  certificatePem: string
  /** PKCS#8 PEM. */
  privateKeyPem: string
}

export function createSelfSignedCertificate(now = new Date()): SelfSignedCertificate {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const tbs = sequence(
    Buffer.concat([
      VERSION_3,
      serialNumber(),
      ECDSA_SHA256,
      NAME,
      sequence(Buffer.concat([utcTime(new Date(now.getTime() - DAY_MS)), utcTime(new Date(now.getTime() + 30 * DAY_MS))])),
      NAME,
      publicKey.export({ type: 'spki', format: 'der' }),
    ]),
  )
  const signature = sign('sha256', tbs, privateKey)
  // BIT STRING: no unused bits, then the DER ECDSA signature.
  const certificateDer = sequence(Buffer.concat([tbs, ECDSA_SHA256, tlv(0x03, Buffer.concat([Buffer.from([0]), signature]))]))
  const base64Lines = certificateDer.toString('base64').match(/.{1,64}/g)!.join('\n')
  return {
    certificateDer,
    certificatePem: `-----BEGIN CERTIFICATE-----\n${base64Lines}\n-----END CERTIFICATE-----\n`,
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
  }
}
