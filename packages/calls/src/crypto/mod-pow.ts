/**
 * `base^exponent mod modulus` by left-to-right binary exponentiation on native BigInt.
 * About 20 ms for 2048-bit operands, twice per call side. node:crypto's DiffieHellman would
 * be faster per operation but re-validates the prime on every construction (~250 ms).
 */
export function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  if (modulus <= 0n) throw new RangeError('modPow: modulus must be positive')
  if (exponent < 0n) throw new RangeError('modPow: negative exponents are not supported')
  if (modulus === 1n) return 0n
  let result = 1n
  let b = ((base % modulus) + modulus) % modulus
  let e = exponent
  while (e > 0n) {
    if (e & 1n) result = (result * b) % modulus
    e >>= 1n
    b = (b * b) % modulus
  }
  return result
}
