/** The per-call DTLS certificate: a valid self-signed P-256 X.509 (checked by node's parser), fresh for every call. */
import { createPublicKey, X509Certificate } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { certificateFingerprint, createCallCertificate } from '../../src/media/dtls-setup.js'
import { createSelfSignedCertificate } from '../../src/media/self-signed-certificate.js'

describe('per-call DTLS certificate', () => {
  it('is a self-signed ECDSA P-256 certificate that verifies with its own key, CN=WebRTC, valid now', () => {
    const now = new Date()
    const { certificateDer, certificatePem, privateKeyPem } = createSelfSignedCertificate(now)
    const x509 = new X509Certificate(certificateDer)
    expect(x509.toString()).toBe(new X509Certificate(certificatePem).toString())
    expect(x509.subject).toBe('CN=WebRTC')
    expect(x509.issuer).toBe('CN=WebRTC')
    expect(x509.publicKey.asymmetricKeyType).toBe('ec')
    expect(x509.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1')
    expect(x509.verify(x509.publicKey)).toBe(true)
    expect(x509.checkIssued(x509)).toBe(true)
    expect(createPublicKey(privateKeyPem).export({ type: 'spki', format: 'der' }).equals(x509.publicKey.export({ type: 'spki', format: 'der' }))).toBe(true)
    expect(new Date(x509.validFrom).getTime()).toBeLessThan(now.getTime())
    expect(new Date(x509.validTo).getTime()).toBeGreaterThan(now.getTime() + 29 * 24 * 3600 * 1000)
    expect(BigInt(`0x${x509.serialNumber}`)).toBeGreaterThan(0n)
  })

  it('gives every call its own key and certificate, with werift computing the same fingerprint as node', () => {
    const certificates = Array.from({ length: 20 }, () => createCallCertificate())
    const fingerprints = certificates.map((c) => certificateFingerprint(c, 'actpass').fingerprint)
    expect(new Set(fingerprints).size).toBe(20)
    expect(new Set(certificates.map((c) => c.privateKey)).size).toBe(20)
    expect(fingerprints[0]).toBe(new X509Certificate(certificates[0]!.certPem).fingerprint256)
  })
})
