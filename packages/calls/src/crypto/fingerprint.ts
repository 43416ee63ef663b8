import { createHash } from 'node:crypto'

/**
 * Telegram's key fingerprint: the last 8 bytes of SHA1(key) as a little-endian signed
 * 64-bit integer. Both sides must compute the same value; a mismatch means a MITM or a bug.
 */
export function calcFingerprint(key: Uint8Array): bigint {
  const digest = createHash('sha1').update(key).digest()
  return digest.readBigInt64LE(digest.length - 8)
}
