import { gzipSync, unzipSync } from 'node:zlib'

import { SignalingFramingError } from './errors.js'

/** Inflated messages larger than this are rejected (§2.3). */
export const MAX_INFLATED_BYTES = 2 * 1024 * 1024

/** gzip as tgcalls writes it for V3: deflate level 9, gzip wrapper (§3.3.1). */
export function gzipMessage(json: Uint8Array): Uint8Array {
  return new Uint8Array(gzipSync(json, { level: 9 }))
}

function looksCompressed(payload: Uint8Array): boolean {
  const [b0, b1] = payload
  return (b0 === 0x1f && b1 === 0x8b) || (b0 === 0x78 && b1 === 0x9c)
}

/**
 * §3.4: a payload starting with a gzip or zlib header is inflated (whichever it is), anything
 * else is taken as JSON text as it is. Every version accepts both forms.
 */
export function inflateIfCompressed(payload: Uint8Array): Uint8Array {
  if (!looksCompressed(payload)) return payload
  try {
    return new Uint8Array(unzipSync(payload, { maxOutputLength: MAX_INFLATED_BYTES }))
  } catch (err) {
    throw new SignalingFramingError(`compressed message does not inflate within ${MAX_INFLATED_BYTES} bytes`, { cause: err })
  }
}
