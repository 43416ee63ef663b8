/**
 * JSON text in the exact form tgcalls produces with json11: object keys in byte order,
 * `", "` and `": "` separators, integers without exponent. Peers parse any JSON, but matching
 * the reference byte for byte lets us compare our output against recorded traffic.
 */

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue }

const utf8 = new TextEncoder()

function byteOrder(a: string, b: string): number {
  return Buffer.compare(utf8.encode(a), utf8.encode(b))
}

function quote(text: string): string {
  let out = '"'
  for (const ch of text) {
    const code = ch.codePointAt(0)!
    if (ch === '\\') out += '\\\\'
    else if (ch === '"') out += '\\"'
    else if (ch === '\b') out += '\\b'
    else if (ch === '\f') out += '\\f'
    else if (ch === '\n') out += '\\n'
    else if (ch === '\r') out += '\\r'
    else if (ch === '\t') out += '\\t'
    else if (code <= 0x1f || code === 0x2028 || code === 0x2029) out += `\\u${code.toString(16).padStart(4, '0')}`
    else out += ch
  }
  return `${out}"`
}

export function json11Stringify(value: JsonValue): string {
  if (value === null) return 'null'
  if (typeof value === 'string') return quote(value)
  if (typeof value === 'boolean') return value ? 'true' : 'false'
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null'
  if (Array.isArray(value)) return `[${value.map(json11Stringify).join(', ')}]`
  const keys = Object.keys(value).sort(byteOrder)
  return `{${keys.map(key => `${quote(key)}: ${json11Stringify(value[key]!)}`).join(', ')}}`
}
