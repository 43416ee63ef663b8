/**
 * DTLS identity and role of one call side (§4.2, §5.3): a fresh self-signed ECDSA P-256
 * certificate per call (werift would otherwise share one certificate across every
 * connection of the process, which links calls to each other: the certificate crosses the
 * network in the clear in DTLS 1.2) and the role rule.
 */
import { X509Certificate } from 'node:crypto'
import { HashAlgorithm, RTCCertificate, SignatureAlgorithm } from 'werift'
import type { DtlsFingerprint } from '../signaling/messages/types.js'
import { createSelfSignedCertificate } from './self-signed-certificate.js'

export function createCallCertificate(): RTCCertificate {
  const { certificatePem, privateKeyPem } = createSelfSignedCertificate()
  return new RTCCertificate(privateKeyPem, certificatePem, { signature: SignatureAlgorithm.ecdsa_3, hash: HashAlgorithm.sha256_4 })
}

/**
 * The InitialSetup fingerprint entry: sha-256 of the certificate's DER, upper-case hex
 * (§4.2). Node's native parser gives it; werift's getFingerprints() parses the whole
 * certificate again in JS for it.
 */
export function certificateFingerprint(certificate: RTCCertificate, setup: string): DtlsFingerprint {
  return { hash: 'sha-256', setup, fingerprint: new X509Certificate(certificate.certPem).fingerprint256 }
}

/** §4.2 receiver rule: the peer's `setup` decides, else the caller is the DTLS client. */
export function dtlsRole(remoteSetup: string | undefined, isOutgoing: boolean): 'client' | 'server' {
  if (remoteSetup === 'active') return 'server'
  if (remoteSetup === 'passive') return 'client'
  return isOutgoing ? 'client' : 'server'
}
