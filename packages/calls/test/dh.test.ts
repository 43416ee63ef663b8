import { getDiffieHellman, randomBytes } from 'node:crypto'

import { describe, expect, it } from 'vitest'

import { b2i, TELEGRAM_DH_PRIME } from '../src/index.js'
import { computeGx, computeSharedKey, generateDhSecret } from '../src/crypto/dh.js'

/** Reference modular exponentiation on plain BigInt, independent of OpenSSL. */
function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n
  let b = base % modulus
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % modulus
    b = (b * b) % modulus
  }
  return result
}

const MODP14 = b2i(getDiffieHellman('modp14').getPrime())

describe('DH arithmetic (OpenSSL, reused per group)', () => {
  it.each([
    ['Telegram prime, g = 3', 3n, TELEGRAM_DH_PRIME],
    ['RFC 3526 group 14, g = 2', 2n, MODP14],
  ])('%s: g^x and the shared key match a BigInt reference, for many secrets in a row', (_name, g, p) => {
    for (let i = 0; i < 6; i++) {
      // Include short secrets: leading zero bytes must not change the result.
      const a = i === 0 ? 5n : generateDhSecret(p)
      const b = i === 1 ? b2i(randomBytes(40)) : generateDhSecret(p)
      const gA = computeGx(g, a, p)
      const gB = computeGx(g, b, p)
      expect(gA).toHaveLength(256)
      expect(b2i(gA)).toBe(modPow(g, a, p))
      const keyA = computeSharedKey(gB, a, g, p)
      const keyB = computeSharedKey(gA, b, g, p)
      expect(keyA).toHaveLength(256)
      expect(b2i(keyA)).toBe(modPow(b2i(gB), a, p))
      expect(Buffer.from(keyA).equals(Buffer.from(keyB))).toBe(true)
    }
  })

  it('draws secrets in (1, p-1), mixing in the server random', () => {
    const serverRandom = new Uint8Array(256).fill(0xff)
    for (let i = 0; i < 20; i++) {
      const s = generateDhSecret(TELEGRAM_DH_PRIME, serverRandom)
      expect(s > 1n && s < TELEGRAM_DH_PRIME - 1n).toBe(true)
    }
    expect(generateDhSecret(TELEGRAM_DH_PRIME)).not.toBe(generateDhSecret(TELEGRAM_DH_PRIME))
  })
})
