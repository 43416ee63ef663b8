import { createHash, randomBytes } from 'node:crypto'

import { b2i, DH_BYTES, i2b } from './bytes.js'
import { modPow } from './mod-pow.js'

/**
 * A fresh DH secret 1 < x < p-1 from node's CSPRNG. Telegram's `random` from
 * `messages.getDhConfig` is XOR-ed in as extra entropy (it can only add, never remove,
 * randomness since our bytes are uniformly random and independent of it).
 */
export function generateDhSecret(p: bigint, serverRandom?: Uint8Array): bigint {
  for (;;) {
    const bytes = randomBytes(DH_BYTES)
    if (serverRandom?.length === DH_BYTES) {
      for (let i = 0; i < DH_BYTES; i++) bytes[i]! ^= serverRandom[i]!
    }
    const secret = b2i(bytes)
    if (secret > 1n && secret < p - 1n) return secret
  }
}

/** `g^secret mod p`, 256 bytes. */
export function computeGx(g: bigint, secret: bigint, p: bigint): Uint8Array {
  return i2b(modPow(g, secret, p))
}

/** The shared key `gX^secret mod p`, left-padded to 256 bytes. */
export function computeSharedKey(gX: Uint8Array, secret: bigint, p: bigint): Uint8Array {
  return i2b(modPow(b2i(gX), secret, p))
}

export function sha256(...parts: Uint8Array[]): Uint8Array {
  const hash = createHash('sha256')
  for (const part of parts) hash.update(part)
  return new Uint8Array(hash.digest())
}
