/**
 * DTLS identity and role of one call side (§4.2, §5.3): a fresh self-signed ECDSA P-256
 * certificate per call (werift would otherwise share one certificate across every
 * connection of the process, which links calls to each other: the certificate crosses the
 * network in the clear in DTLS 1.2) and the role rule.
 */
import { HashAlgorithm, RTCCertificate, SignatureAlgorithm } from 'werift'
import type { DtlsFingerprint } from '../signaling/messages/types.js'
import { createSelfSignedCertificate } from './self-signed-certificate.js'

export function createCallCertificate(): RTCCertificate {
  const { certificatePem, privateKeyPem } = createSelfSignedCertificate()
  return new RTCCertificate(privateKeyPem, certificatePem, { signature: SignatureAlgorithm.ecdsa_3, hash: HashAlgorithm.sha256_4 })
}

/** The InitialSetup fingerprint entry: sha-256, upper-case hex (§4.2). */
export function certificateFingerprint(certificate: RTCCertificate, setup: string): DtlsFingerprint {
  const sha256 = certificate.getFingerprints().find((f) => f.algorithm.toLowerCase() === 'sha-256')
  if (!sha256) throw new Error('werift produced no sha-256 fingerprint')
  return { hash: 'sha-256', setup, fingerprint: sha256.value.toUpperCase() }
}

/** §4.2 receiver rule: the peer's `setup` decides, else the caller is the DTLS client. */
export function dtlsRole(remoteSetup: string | undefined, isOutgoing: boolean): 'client' | 'server' {
  if (remoteSetup === 'active') return 'server'
  if (remoteSetup === 'passive') return 'client'
  return isOutgoing ? 'client' : 'server'
}
