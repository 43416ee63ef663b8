import { CallSecurityError } from '../errors.js'
import { b2i, DH_BYTES } from './bytes.js'
import { isSafePrime } from './safe-prime.js'

const TWO_POW_2047 = 1n << 2047n
const TWO_POW_2048 = 1n << 2048n
/** `g_a`/`g_b` must stay 2^1984 away from both ends of the group (Telegram's rule). */
const SAFETY_MARGIN = 1n << BigInt(2048 - 64)

function toBigInt(value: bigint | Uint8Array): bigint {
  return typeof value === 'bigint' ? value : b2i(value)
}

/**
 * Conditions under which `g` generates the subgroup of order (p-1)/2 for a safe prime `p`
 * (quadratic residue rules from Telegram's end-to-end encryption docs).
 */
function generatorMatchesPrime(g: number, p: bigint): boolean {
  switch (g) {
    case 2:
      return p % 8n === 7n
    case 3:
      return p % 3n === 2n
    case 4:
      return true
    case 5: {
      const r = p % 5n
      return r === 1n || r === 4n
    }
    case 6: {
      const r = p % 24n
      return r === 19n || r === 23n
    }
    case 7: {
      const r = p % 7n
      return r === 3n || r === 5n || r === 6n
    }
    default:
      return false
  }
}

/**
 * Validates a DH config from `messages.getDhConfig`: `p` is a 2048-bit safe prime and `g`
 * (2..7) generates the right subgroup. Rejects with `CallSecurityError` otherwise.
 * Primality verdicts are cached per prime, so only the first call per prime is slow.
 */
export async function checkDhConfig(g: number, p: bigint | Uint8Array): Promise<void> {
  if (p instanceof Uint8Array && p.length !== DH_BYTES) {
    throw new CallSecurityError(`DH prime is ${p.length} bytes, expected ${DH_BYTES}`)
  }
  const prime = toBigInt(p)
  if (prime <= TWO_POW_2047 || prime >= TWO_POW_2048) {
    throw new CallSecurityError('DH prime is not a 2048-bit number')
  }
  if (!Number.isInteger(g) || g < 2 || g > 7) {
    throw new CallSecurityError(`DH generator g = ${g} is outside 2..7`)
  }
  if (!generatorMatchesPrime(g, prime)) {
    throw new CallSecurityError(`DH generator g = ${g} does not generate the safe subgroup of p`)
  }
  if (!(await isSafePrime(prime))) {
    throw new CallSecurityError('DH prime is not a safe prime')
  }
}

/**
 * Validates a peer's `g_a` or `g_b`: 1 < x < p-1 and 2^1984 <= x <= p - 2^1984, which keeps
 * it out of small subgroups. Throws `CallSecurityError` otherwise.
 */
export function checkG(gX: bigint | Uint8Array, p: bigint): void {
  if (gX instanceof Uint8Array && gX.length !== DH_BYTES) {
    throw new CallSecurityError(`DH value is ${gX.length} bytes, expected ${DH_BYTES}`)
  }
  const x = toBigInt(gX)
  if (x <= 1n || x >= p - 1n) {
    throw new CallSecurityError('DH value is outside (1, p-1)')
  }
  if (x < SAFETY_MARGIN || x > p - SAFETY_MARGIN) {
    throw new CallSecurityError('DH value is within 2^1984 of the group bounds')
  }
}
