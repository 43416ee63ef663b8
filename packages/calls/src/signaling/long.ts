import { Long } from '@mtcute/core'

/** mtcute speaks `Long`; this package exposes ids and fingerprints as `bigint`. */
export function longToBigInt(value: Long): bigint {
  return BigInt(value.toString())
}

export function bigIntToLong(value: bigint): Long {
  return Long.fromString(value.toString())
}
