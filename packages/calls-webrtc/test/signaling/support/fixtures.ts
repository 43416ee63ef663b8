import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

export function hex(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text.replace(/\s+/g, ''), 'hex'))
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex')
}

/** The §12 key: key[i] = i. */
export const VECTOR_KEY = Uint8Array.from({ length: 256 }, (_, i) => i)

const capturesDir = fileURLToPath(new URL('../../fixtures/captures-v2/', import.meta.url))

export type CaptureVersion = '7.0.0' | '8.0.0' | '13.0.0'
export type Role = 'caller' | 'callee'

export interface CapturedBlob {
  tMs: number
  from: Role
  to: Role
  bytes: Uint8Array
}

export interface CapturedMessage {
  role: Role
  dir: 'in' | 'out'
  /** The JSON text exactly as the reference serialized it. */
  text: string
  json: Record<string, unknown>
}

export interface Capture {
  key: Uint8Array
  blobs: CapturedBlob[]
  messages: CapturedMessage[]
}

function jsonLines(path: string): Array<Record<string, unknown>> {
  return readFileSync(path, 'utf8').split('\n').filter(line => line.trim() !== '').map(line => JSON.parse(line) as Record<string, unknown>)
}

export function loadCapture(version: CaptureVersion): Capture {
  const dir = `${capturesDir}v${version}/`
  return {
    key: hex(readFileSync(`${dir}key.hex`, 'utf8')),
    blobs: jsonLines(`${dir}relay-capture.jsonl`).map(line => ({
      tMs: line.t_ms as number,
      from: line.from as Role,
      to: line.to as Role,
      bytes: hex(line.hex as string),
    })),
    messages: jsonLines(`${dir}plaintext-signaling.jsonl`).map(line => ({
      role: line.role as Role,
      dir: line.dir as 'in' | 'out',
      text: line.text as string,
      json: line.json as Record<string, unknown>,
    })),
  }
}
