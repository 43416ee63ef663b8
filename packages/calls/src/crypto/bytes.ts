/** Big-endian conversions between DH numbers and their fixed-size wire form. */

/** Size of every DH value on the wire: `p`, `g_a`, `g_b` and the shared key are 2048-bit. */
export const DH_BYTES = 256

/**
 * Writes a non-negative integer as big-endian bytes, left-padded with zeros to `length`
 * (Telegram requires exactly 256 bytes for keys and `g` powers; a short key changes the
 * fingerprint and the emojis, so padding is not optional).
 */
export function i2b(value: bigint, length = DH_BYTES): Uint8Array {
  if (value < 0n) throw new RangeError('i2b: negative values have no unsigned encoding')
  const hex = value.toString(16)
  if (hex.length > length * 2) throw new RangeError(`i2b: value does not fit in ${length} bytes`)
  return new Uint8Array(Buffer.from(hex.padStart(length * 2, '0'), 'hex'))
}

/** Reads big-endian bytes as a non-negative integer. */
export function b2i(bytes: Uint8Array): bigint {
  if (bytes.length === 0) return 0n
  return BigInt(`0x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')}`)
}
