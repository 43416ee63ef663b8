import { createHash, generatePrimeSync, getDiffieHellman } from 'node:crypto'

import { describe, expect, it } from 'vitest'

import {
  b2i,
  calcFingerprint,
  CALL_EMOJIS,
  CallSecurityError,
  checkDhConfig,
  checkG,
  generateVisualization,
  i2b,
  isSafePrime,
  TELEGRAM_DH_PRIME,
} from '../src/index.js'
import { nonSafePrime } from './support/primes.js'

// The shared test vector from the signaling notes.
const key = Uint8Array.from({ length: 256 }, (_, i) => (i * 7 + 3) % 256)
const gA = Uint8Array.from({ length: 256 }, (_, i) => (i * 13 + 1) % 256)
const MODP14 = b2i(getDiffieHellman('modp14').getPrime())

describe('i2b / b2i', () => {
  it('left-pads to 256 bytes and round-trips', () => {
    const bytes = i2b(0x0102n)
    expect(bytes.length).toBe(256)
    expect(bytes[254]).toBe(1)
    expect(bytes[255]).toBe(2)
    expect(bytes.subarray(0, 254).every((b) => b === 0)).toBe(true)
    expect(b2i(bytes)).toBe(0x0102n)
    expect(b2i(i2b(TELEGRAM_DH_PRIME))).toBe(TELEGRAM_DH_PRIME)
  })

  it('keeps leading zero bytes of a short key (padding changes the fingerprint)', () => {
    const short = i2b(b2i(key) >> 16n)
    expect(short[0]).toBe(0)
    expect(short[1]).toBe(0)
    expect(calcFingerprint(short)).not.toBe(calcFingerprint(short.subarray(2)))
  })

  it('rejects negative and oversized values', () => {
    expect(() => i2b(-1n)).toThrow(RangeError)
    expect(() => i2b(1n << 2048n)).toThrow(RangeError)
    expect(i2b(255n, 1)).toEqual(Uint8Array.of(255))
  })
})

describe('key fingerprint and emoji visualization (shared vector)', () => {
  it('matches SHA1 and the fingerprint', () => {
    expect(createHash('sha1').update(key).digest('hex')).toBe('6aa0e62cd373dc2eb2bd8d9d9ed6e6ef196cc931')
    expect(calcFingerprint(key)).toBe(3587517436832175774n)
  })

  it('matches SHA256(key || g_a), the indexes and the emojis', () => {
    expect(createHash('sha256').update(key).update(gA).digest('hex')).toBe(
      '8c4729fa0ab82a4ceb36c72582a65ebd1cc389da5a00d3eafe31499655560ad8',
    )
    const { indexes, emojis } = generateVisualization(key, gA)
    expect(indexes).toEqual([212, 127, 75, 321])
    expect(emojis).toEqual(['🎾', '🌙', '💛', '🔟'])
    expect(generateVisualization(b2i(key), b2i(gA)).indexes).toEqual([212, 127, 75, 321])
  })

  it('ships the full 333-entry table', () => {
    expect(CALL_EMOJIS).toHaveLength(333)
    expect(new Set(CALL_EMOJIS).size).toBe(333)
  })
})

describe('checkG', () => {
  const p = TELEGRAM_DH_PRIME
  const margin = 1n << 1984n
  it('accepts values well inside the group', () => {
    expect(() => checkG(margin, p)).not.toThrow()
    expect(() => checkG(p - margin, p)).not.toThrow()
    expect(() => checkG(i2b(p / 2n), p)).not.toThrow()
  })

  it.each([
    ['1', 1n],
    ['p - 1', p - 1n],
    ['0', 0n],
    ['p', p],
    ['just below 2^1984', margin - 1n],
    ['just above p - 2^1984', p - margin + 1n],
  ])('rejects %s', (_name, value) => {
    expect(() => checkG(value, p)).toThrow(CallSecurityError)
  })

  it('rejects byte strings that are not 256 bytes', () => {
    expect(() => checkG(i2b(p / 2n).subarray(1), p)).toThrow(CallSecurityError)
  })
})

describe('checkDhConfig', () => {
  it.each([3, 4, 7])("accepts Telegram's prime with g = %i", async (g) => {
    await expect(checkDhConfig(g, i2b(TELEGRAM_DH_PRIME))).resolves.toBeUndefined()
  })

  it.each([2, 5, 6])("rejects Telegram's prime with g = %i (wrong subgroup)", async (g) => {
    await expect(checkDhConfig(g, TELEGRAM_DH_PRIME)).rejects.toThrow(CallSecurityError)
  })

  it.each([0, 1, 8, 2.5])('rejects g = %s', async (g) => {
    await expect(checkDhConfig(g, TELEGRAM_DH_PRIME)).rejects.toThrow(/outside 2\.\.7/)
  })

  it('runs the real primality test on other primes: RFC 3526 group 14 is a safe prime (g = 2)', async () => {
    await expect(checkDhConfig(2, MODP14)).resolves.toBeUndefined()
    expect(await isSafePrime(TELEGRAM_DH_PRIME + 0n)).toBe(true)
  })

  it('rejects a 2048-bit prime that is not safe', async () => {
    const p = nonSafePrime()
    expect(((p - 1n) / 2n) % 5n).toBe(0n)
    expect(await isSafePrime(p)).toBe(false)
    await expect(checkDhConfig(3, p)).rejects.toThrow(/not a safe prime/)
  })

  it('rejects a composite 2048-bit number', async () => {
    const composite = TELEGRAM_DH_PRIME + 6n // odd, = 2 mod 3 is kept by adding a multiple of 3
    expect(composite % 3n).toBe(2n)
    await expect(checkDhConfig(3, composite)).rejects.toThrow(/not a safe prime/)
  })

  it('rejects primes of the wrong size', async () => {
    const small = generatePrimeSync(1024, { bigint: true, safe: false })
    await expect(checkDhConfig(4, small)).rejects.toThrow(/2048-bit/)
    await expect(checkDhConfig(4, i2b(TELEGRAM_DH_PRIME, 257))).rejects.toThrow(/257 bytes/)
    await expect(checkDhConfig(4, 1n << 2048n)).rejects.toThrow(/2048-bit/)
  })
})
