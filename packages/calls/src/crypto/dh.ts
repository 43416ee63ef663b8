import type { DiffieHellman } from 'node:crypto'
import { createDiffieHellman, createHash, randomBytes } from 'node:crypto'

import { b2i, DH_BYTES, i2b } from './bytes.js'

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

// OpenSSL does the 2048-bit modular exponentiations (~2 ms each, ~8x faster than BigInt).
// Creating a DiffieHellman object re-runs OpenSSL's own prime checks (~300 ms for a prime it
// does not know), so one object per (p, g) is kept and reused: setting the private key and
// computing are synchronous back-to-back calls, so concurrent calls never interleave on it.
// Only groups that passed checkDhConfig get here, so a handful at most; bounded regardless.
const MAX_GROUPS = 8
const groups = new Map<string, DiffieHellman>()

function group(g: bigint, p: bigint): DiffieHellman {
  const id = `${g.toString(16)}:${p.toString(16)}`
  let dh = groups.get(id)
  if (!dh) {
    if (groups.size >= MAX_GROUPS) groups.delete(groups.keys().next().value!)
    dh = createDiffieHellman(i2b(p), i2b(g, 1))
    groups.set(id, dh)
  }
  return dh
}

/** `g^secret mod p`, 256 bytes. */
export function computeGx(g: bigint, secret: bigint, p: bigint): Uint8Array {
  const dh = group(g, p)
  dh.setPrivateKey(i2b(secret))
  return i2b(b2i(dh.generateKeys()))
}

/**
 * The shared key `gX^secret mod p`, left-padded to 256 bytes. `gX` must already have passed
 * `checkG` (OpenSSL would reject some bad values itself, but not all the ones Telegram forbids).
 */
export function computeSharedKey(gX: Uint8Array, secret: bigint, g: bigint, p: bigint): Uint8Array {
  const dh = group(g, p)
  dh.setPrivateKey(i2b(secret))
  return i2b(b2i(dh.computeSecret(gX)))
}

export function sha256(...parts: Uint8Array[]): Uint8Array {
  const hash = createHash('sha256')
  for (const part of parts) hash.update(part)
  return new Uint8Array(hash.digest())
}
