import { generatePrimeSync } from 'node:crypto'

/**
 * A 2048-bit prime that is never safe but passes the generator check for g = 3: p = 11
 * (mod 60) keeps p = 2 (mod 3) and makes (p - 1) / 2 an odd multiple of 5. A random prime
 * would be safe about once in 500 draws, and the tests that want a non-safe one would fail.
 */
export function nonSafePrime(): bigint {
  return generatePrimeSync(2048, { bigint: true, add: 60n, rem: 11n })
}
