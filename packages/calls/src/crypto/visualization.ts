import { i2b } from './bytes.js'
import { sha256 } from './dh.js'
import { CALL_EMOJIS } from './emoji-table.js'

export interface KeyVisualization {
  /** Four emojis users compare by voice to detect a man in the middle. */
  emojis: string[]
  /** Their positions in Telegram's 333-entry table. */
  indexes: number[]
}

const TOP_BIT_CLEAR = (1n << 63n) - 1n

/**
 * The four emojis official Telegram apps show for a call: from SHA256(key || g_a), where
 * g_a is always the caller's, each 8-byte big-endian chunk (top bit cleared) picks an entry.
 * Numbers are taken as 256-byte big-endian values.
 */
export function generateVisualization(key: Uint8Array | bigint, gA: Uint8Array | bigint): KeyVisualization {
  const asBytes = (value: Uint8Array | bigint): Uint8Array => (typeof value === 'bigint' ? i2b(value) : value)
  const hash = Buffer.from(sha256(asBytes(key), asBytes(gA)))
  const indexes: number[] = []
  for (let i = 0; i < 4; i++) {
    const chunk = hash.readBigUInt64BE(i * 8) & TOP_BIT_CLEAR
    indexes.push(Number(chunk % BigInt(CALL_EMOJIS.length)))
  }
  return { emojis: indexes.map((i) => CALL_EMOJIS[i]!), indexes }
}
