/**
 * DTLS identity and role of one call side (§4.2, §5.3): a fresh self-signed ECDSA P-256
 * certificate per call (werift would otherwise share one certificate across every
 * connection of the process, which links calls to each other) and the role rule.
 */
import { CipherContext, HashAlgorithm, NamedCurveAlgorithm, RTCCertificate, SignatureAlgorithm } from 'werift'
import type { DtlsFingerprint } from '../signaling/messages/types.js'

export async function createCallCertificate(): Promise<RTCCertificate> {
  const { certPem, keyPem, signatureHash } = await CipherContext.createSelfSignedCertificateWithKey(
    { signature: SignatureAlgorithm.ecdsa_3, hash: HashAlgorithm.sha256_4 },
    NamedCurveAlgorithm.secp256r1_23,
  )
  return new RTCCertificate(keyPem, certPem, signatureHash)
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
